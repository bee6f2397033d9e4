import type { AppCore } from "../../engine/app-core.js";
import { type RunnerContext, runnerContextToJson } from "../runner-context.js";

/**
 * A runner's heartbeat on a timer of its own (every `runnerHeartbeatIntervalMs`, whatever the
 * loop waits on): the runner's heartbeat, then `alsoEach` (the executor's: lease renewal,
 * workers' heartbeats). Failures are logged.
 */
export class HeartbeatTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly app: AppCore,
    private readonly context: RunnerContext,
    private readonly alsoEach: () => Promise<void>,
  ) {}

  /** Stores the runner's context, beats once, then on the timer. */
  async start(): Promise<void> {
    await this.app.backend.stateBackend.storeRunnerContext(
      this.context.runnerId,
      runnerContextToJson(this.context),
    );
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.app.settings.runnerHeartbeatIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async beat(): Promise<void> {
    const runnerId = this.context.runnerId;
    try {
      await this.app.backend.orchestrator.heartbeat(
        [{ runnerId, context: runnerContextToJson(this.context) }],
        Date.now(),
      );
      await this.alsoEach();
    } catch (error) {
      this.app.logger.error(`runner:${runnerId} heartbeat failed: ${String(error)}`, { error });
    }
  }
}
