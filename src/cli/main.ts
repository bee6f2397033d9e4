#!/usr/bin/env node
import { runCli } from "./program.js";

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// The app's module may hold handles open after `runner start` stopped its runner: end the
// process once what was written to stdout and stderr is flushed.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
