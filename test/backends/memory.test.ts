import { createMemoryBackend } from "../../src/backends/memory/index.js";
import { describeBackendConformance } from "../conformance/index.js";

describeBackendConformance("memory", createMemoryBackend);
