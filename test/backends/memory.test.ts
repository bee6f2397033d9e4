import { createMemoryBackend } from "../../src/backends/memory/index.js";
import { describeBackendConformance } from "../../src/testing/index.js";

describeBackendConformance("memory", createMemoryBackend);
