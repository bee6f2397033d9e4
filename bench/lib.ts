/**
 * The tsnenc the benchmarks measure: the built package in dist/ (what users run; `npm run bench`
 * builds it first), typed from the sources. BENCH_FROM_SOURCE=1 measures src/ through tsx
 * instead (slower: tsx adds a name-keeping helper call to every function it creates).
 */
import type * as Tsnenc from "../src/index.js";

const entry = process.env.BENCH_FROM_SOURCE === "1" ? "../src/index.js" : "../dist/index.js";

export const lib = (await import(entry)) as typeof Tsnenc;
