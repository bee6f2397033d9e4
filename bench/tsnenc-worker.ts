/** A tsnenc worker process: one AsyncRunner for bench/worker-app.ts's app (configured by env). */
import { lib } from "./lib.js";
import { serveWorker } from "./processes.js";
import { app } from "./worker-app.js";

const runner = new lib.AsyncRunner(app, { handleSignals: false });
// Connect (and load the backend's driver) before reporting ready, as BullMQ's worker does.
await app.backend.stateBackend.getInvocation("bench-connection-warmup");
let running: Promise<void> = Promise.resolve();
serveWorker({
  start() {
    running = runner.run();
  },
  async stop() {
    runner.stopRunnerLoop();
    await running;
    await app.close();
  },
});
