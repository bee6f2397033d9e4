/** A promise settled from outside, once. */
export interface Deferred {
  readonly promise: Promise<void>;
  readonly settled: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

/** A new Deferred; its rejection is never unhandled (whoever awaits `promise` gets it). */
export function deferred(): Deferred {
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const promise = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  promise.catch(() => {});
  let settled = false;
  return {
    promise,
    get settled() {
      return settled;
    },
    resolve() {
      if (settled) return;
      settled = true;
      settle?.resolve();
    },
    reject(error) {
      if (settled) return;
      settled = true;
      settle?.reject(error);
    },
  };
}
