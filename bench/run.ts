/**
 * `npm run bench [-- suite ...]`: runs the named suites (all by default) and prints one JSON
 * line per measurement. Figures are for comparison within one run, never assertions. A suite
 * whose server is unreachable prints `{"suite": ..., "skipped": ...}` and the run goes on.
 */
import { memorySuite } from "./memory.js";
import { redisSuite } from "./redis.js";
import { sqliteSuite } from "./sqlite.js";

type Suite = () => Promise<void>;
const suites: Record<string, Suite> = { memory: memorySuite, sqlite: sqliteSuite, redis: redisSuite };

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const names = requested.length > 0 ? requested : Object.keys(suites);
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown bench suite '${name}' (available: ${Object.keys(suites).join(", ")})`);
    process.exit(1);
  }
  await suite();
}
