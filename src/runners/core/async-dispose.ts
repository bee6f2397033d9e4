/**
 * `Symbol.asyncDispose`, for `await using runner = ...`. Node 20.4+ defines it (as
 * `Symbol.for("nodejs.asyncDispose")`); on an older Node 20 it is defined here the same way,
 * which is also what TypeScript's and esbuild's `await using` helpers look up.
 */
if (typeof Symbol.asyncDispose !== "symbol") {
  Object.defineProperty(Symbol, "asyncDispose", { value: Symbol.for("nodejs.asyncDispose") });
}

export const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose;
