// Sizes of the tests that have a full-size load version: the regular suite (`npm test`) runs
// each at the smallest size that shows its property; `npm run test:load`
// (vitest.load.config.ts, which sets TSNENC_TEST_LOAD=1) runs them at full size.
// See docs/testing.md.

/** Whether this is the full-size load run. */
export const LOAD_RUN = process.env.TSNENC_TEST_LOAD === "1";

/** `regular` in the regular suite, `load` in the load run. */
export function sized<T>(regular: T, load: T): T {
  return LOAD_RUN ? load : regular;
}
