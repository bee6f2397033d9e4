// `tsnenc runner start` in process, through its IO hooks: without --runner and without a
// configured runner it starts an AsyncRunner, which is the app's runner while it runs.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runnerStart, selectRunner } from "../../src/cli/commands/runner-start.js";
import { AsyncRunner, ThreadRunner, Tsnenc } from "../../src/index.js";
import { until } from "../helpers/app.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/cli/", import.meta.url));

describe("tsnenc runner start: which runner", () => {
  it("starts an AsyncRunner when neither --runner nor config 'runner' names one", async () => {
    let stderr = "";
    let exitCode: number | undefined;
    const io = {
      cwd: FIXTURES,
      stderr: (text: string) => {
        stderr += text;
      },
      exit: (code: number) => {
        exitCode = code;
      },
    };
    const started = runnerStart({ app: "no-runner-app.ts" }, io);
    await until(() => stderr.includes("Starting"), "the command to start its runner");
    // The app the command imported (with the command's copy of tsnenc: compared by name and brand).
    const app = (globalThis as { tsnencNoRunnerApp?: Tsnenc }).tsnencNoRunnerApp;
    if (!app) throw new Error("the fixture app was not imported");
    await until(() => app.runner.isRunning, "the runner to run");
    expect(app.runner.runnerClass).toBe("AsyncRunner");
    expect(
      await app.tasks
        .get("add")?.(...([2, 3] as never[]))
        .result(),
    ).toBe(5);
    await app.runner.stop();
    await started;
    expect(stderr).toMatch(/Starting AsyncRunner \S+ for app cli-no-runner \(1 slots\)/);
    expect(exitCode).toBe(0);
    expect(app.runner.isRunning).toBe(false);
  });

  it("selectRunner: --runner, else config 'runner', else AsyncRunner", async () => {
    const app = new Tsnenc({ appId: "select", backend: "memory" }, { cwd: FIXTURES, env: {} });
    expect(selectRunner(app)).toBeInstanceOf(AsyncRunner);
    app.conf.runner = "ThreadRunner";
    expect(selectRunner(app)).toBeInstanceOf(ThreadRunner);
    expect(selectRunner(app, "AsyncRunner")).toBeInstanceOf(AsyncRunner);
    await app.close();
  });
});
