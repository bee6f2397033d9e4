import type BetterSqlite3 from "better-sqlite3";
import { type AppHub, type Effects, noEffects } from "./notifier.js";

/** Most primitives committed together. */
const MAX_BATCH = 512;

interface Work {
  run: (effects: Effects) => unknown;
  hub: AppHub;
  /** False for a primitive that only throws before its first write (see `WriteAbort`). */
  savepoint: boolean;
  /** Runs after the other primitives of its batch (claims: after the changes that free slots). */
  last: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Run inside each group commit's transaction, before the first and after the last primitive. */
export interface BatchHooks {
  begin(): void;
  end(): void;
}

type Outcome = { ok: true; value: unknown; effects: Effects } | { ok: false; error: unknown };

/**
 * Group commit of the write primitives of one connection. A primitive called through `write`
 * is queued; on the next turn of the event loop every queued one runs, in call order, inside
 * ONE BEGIN IMMEDIATE transaction, each in its own savepoint (or none, see `write`): a primitive
 * that throws changes nothing and rejects, the others commit together. Each promise settles
 * after the commit, and a write's effects (final notifications, work wake-ups) are published
 * only then. With SQLite in WAL mode, taking and releasing the file locks and appending the
 * commit cost far more than the statements of one primitive, so concurrent callers (a runner's
 * 50 slots) share one transaction instead of paying one each.
 */
export class WriteBatcher {
  private queue: Work[] = [];
  private scheduled = false;
  private readonly savepoint: BetterSqlite3.Transaction<(work: Work, effects: Effects) => unknown>;
  private readonly outer: BetterSqlite3.Transaction<(batch: Work[]) => Outcome[]>;

  constructor(db: BetterSqlite3.Database, hooks: BatchHooks) {
    this.savepoint = db.transaction((work: Work, effects: Effects) => work.run(effects));
    this.outer = db.transaction((batch: Work[]) => {
      hooks.begin();
      const outcomes = batch.map((work) => this.runOne(work, batch.length));
      hooks.end();
      return outcomes;
    });
  }

  /**
   * Queues a write primitive for the next group commit; its effects are published on `hub`.
   * `savepoint: false` is for a primitive that validates before it writes: an error it throws
   * has changed nothing, and an error of its write phase must be wrapped in WriteAbort, which
   * rolls the whole batch back (saves the savepoint's two statements on the hot path). `last`
   * puts the primitive after the others of its batch.
   */
  write<T>(hub: AppHub, run: (effects: Effects) => T, savepoint = true, last = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, hub, savepoint, last, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs every queued primitive now (the connection is closing). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      // Primitives queued in one turn are concurrent: any order among them is one they could have had.
      const batch = this.queue.splice(0, MAX_BATCH).sort((a, b) => Number(a.last) - Number(b.last));
      let outcomes: Outcome[];
      try {
        outcomes = this.outer.immediate(batch);
      } catch (error) {
        const cause = error instanceof WriteAbort ? error.cause : error;
        for (const work of batch) work.reject(cause);
        continue;
      }
      batch.forEach((work, i) => {
        const outcome = outcomes[i];
        if (!outcome) return;
        if (!outcome.ok) {
          work.reject(outcome.error);
          return;
        }
        try {
          work.hub.publish(outcome.effects);
        } finally {
          work.resolve(outcome.value);
        }
      });
    }
  }

  private runOne(work: Work, batchSize: number): Outcome {
    const effects = noEffects();
    // Alone in the transaction, a write that throws rolls it back and `flush` rejects it.
    if (batchSize === 1) return { ok: true, value: work.run(effects), effects };
    try {
      const value = work.savepoint ? this.savepoint(work, effects) : work.run(effects);
      return { ok: true, value, effects };
    } catch (error) {
      if (error instanceof WriteAbort) throw error;
      return { ok: false, error };
    }
  }
}

/** Thrown by a savepoint-less primitive that failed after writing: aborts its whole batch. */
export class WriteAbort extends Error {
  constructor(override readonly cause: unknown) {
    super("write phase failed", { cause });
  }
}
