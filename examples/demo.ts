/**
 * The quick-start demo (`npm start`): starts a runner process on the demo app, registers work
 * from this (client) process on the embedded SQLite default, prints what happens, stops the
 * runner and exits 0.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { add, app, fib, ship } from "./app.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const statuses = async (inv: { history(): Promise<Array<{ status: string }>> }) =>
  (await inv.history()).map((h) => h.status).join(" -> ");

await app.purge(); // start from an empty demo app in .tsnenc/tsnenc.db
console.log(`client: backend ${app.conf.backend} (${app.conf.sourceOf("backend").tier}), app '${app.appId}'`);

const runner = spawn(
  process.execPath,
  ["--import", "tsx", "src/cli/main.ts", "runner", "start", "--app", "examples/app.ts"],
  { cwd: root, env: { ...process.env, TSNENC__MAX_CONCURRENCY: "2" }, stdio: ["ignore", "inherit", "pipe"] },
);
runner.stderr.setEncoding("utf8");
runner.stderr.on("data", (chunk: string) => process.stdout.write(`runner: ${chunk}`));

const sum = await add(1, 2);
console.log(`client: add(1, 2) registered as ${sum.invocationId.slice(0, 8)}`);
console.log(`client: add(1, 2) = ${await sum.result()}   [${await statuses(sum)}]`);

const started = Date.now();
const fib12 = await fib(12);
console.log(
  `client: fib(12) = ${await fib12.result()} on 2 slots, 465 invocations, ${Date.now() - started} ms`,
);
console.log(`        [${await statuses(fib12)}]`);

const group = await add.parallelize([
  [1, 1],
  [2, 2],
  [3, 3],
  [4, 4],
]);
console.log(`client: parallelize add x4 = ${JSON.stringify(await group.all())}`);

const shipped = await ship("A-17");
console.log(`client: ${await shipped.result()} (retries: ${await shipped.numRetries()})`);

runner.kill("SIGTERM");
const [code] = await once(runner, "exit");
await app.close();
console.log(`client: runner exited with code ${code}; demo done`);
process.exit(code === 0 ? 0 : 1);
