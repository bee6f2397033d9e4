import type { RunnerHandle } from "../context/execution-context.js";
import { getExecutionContext } from "../context/execution-context.js";
import type { AppCore } from "../engine/app-core.js";
import { hasBrand } from "../identity/brand.js";
import type { BaseRunner } from "../runners/base-runner.js";
import { createRunner } from "../runners/create-runner.js";
import { ExternalRunner } from "../runners/dummy-runner.js";

/**
 * Which runner an app's `app.runner` is. In order: inside a task, the runner executing it; else
 * the runner this process runs (the latest started, while it runs); else the runner set on the
 * app, or the one config `runner` names when one is configured; else an `ExternalRunner`
 * placeholder, whose `run()` throws a RunnerNotExecutableError.
 */
export class AppRunners {
  /** The runner set on the app (`app.runner = ...`), or created from config `runner`. */
  private chosen: BaseRunner | undefined;
  /** Runners of this process that are running now, the latest started last. */
  private readonly running: BaseRunner[] = [];
  private placeholder: ExternalRunner | undefined;

  constructor(
    private readonly app: AppCore,
    private readonly configuredRunner: () => string,
  ) {}

  current(): BaseRunner {
    const executing = getExecutionContext(this.app.appId)?.runner;
    if (hasBrand<BaseRunner>(executing, "BaseRunner")) return executing;
    const running = this.running.at(-1);
    if (running) return running;
    if (this.chosen) return this.chosen;
    const name = this.configuredRunner();
    if (name !== "") {
      this.chosen = createRunner(this.app, name);
      return this.chosen;
    }
    this.placeholder ??= new ExternalRunner(this.app);
    return this.placeholder;
  }

  /** Sets the app's runner; `undefined` forgets it (the next read builds one from config `runner`). */
  choose(runner: BaseRunner | undefined): void {
    this.chosen = runner;
  }

  /** A runner of this process started (`running`) or stopped. */
  setRunning(runner: RunnerHandle, running: boolean): void {
    if (!hasBrand<BaseRunner>(runner, "BaseRunner")) return;
    const at = this.running.indexOf(runner);
    if (at >= 0) this.running.splice(at, 1);
    if (running) this.running.push(runner);
  }
}
