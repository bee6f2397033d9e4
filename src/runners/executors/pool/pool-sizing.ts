import type { AppCore } from "../../../engine/app-core.js";
import type { Logger } from "../../../logging/logger.js";
import type { PoolMember, WorkerPool } from "./worker-pool.js";

/** A pool of `workers` workers, dead ones replaced. */
export interface FixedPoolSize {
  readonly kind: "fixed";
  readonly workers: number;
}

/**
 * Between `min` and `max` workers: more while the queue holds more than the workers' free
 * slots, fewer when workers stay idle longer than `idleTimeoutMs`.
 */
export interface ElasticPoolSize {
  readonly kind: "elastic";
  readonly min: number;
  readonly max: number;
  readonly idleTimeoutMs: number;
}

export type PoolSize = FixedPoolSize | ElasticPoolSize;

/** Workers started with the runner and kept alive. */
export function minWorkers(size: PoolSize): number {
  return size.kind === "fixed" ? size.workers : size.min;
}

/** Workers at most. */
export function maxWorkers(size: PoolSize): number {
  return size.kind === "fixed" ? size.workers : size.max;
}

/** The longest the loop waits idle (an elastic pool looks for idle workers twice per timeout). */
export function maxIdleWaitMs(size: PoolSize): number {
  return size.kind === "fixed" ? Number.POSITIVE_INFINITY : Math.max(10, size.idleTimeoutMs / 2);
}

/** What resizing needs besides the pool. */
export interface ResizeContext {
  readonly app: AppCore;
  readonly logger: Logger;
  readonly runnerId: string;
  /** Invocations each worker runs at once. */
  readonly concurrency: number;
  readonly isRunning: () => boolean;
}

/** Grows or shrinks an elastic pool (a fixed pool is only refilled, by the caller). */
export async function resizePool(pool: WorkerPool, size: PoolSize, ctx: ResizeContext): Promise<void> {
  if (size.kind === "fixed") return;
  await scaleUp(pool, size, ctx);
  stopIdleWorkers(pool, size, ctx);
}

/** Starts workers while the queue holds more than the free slots (up to `max`). */
async function scaleUp(pool: WorkerPool, size: ElasticPoolSize, ctx: ResizeContext): Promise<void> {
  const active = pool.active.length;
  if (active >= size.max) return;
  const queued = await ctx.app.backend.broker.size();
  const shortfall = queued - pool.freeSlots();
  if (shortfall <= 0) return;
  const add = Math.min(size.max - active, Math.ceil(shortfall / ctx.concurrency));
  ctx.logger.info(`runner:${ctx.runnerId} ${queued} queued: starting ${add} more children`);
  for (let i = 0; i < add && ctx.isRunning(); i++) await pool.spawn();
}

/** Stops workers idle longer than `idleTimeoutMs`, the longest idle first, keeping `min`. */
function stopIdleWorkers(pool: WorkerPool, size: ElasticPoolSize, ctx: ResizeContext): void {
  const now = Date.now();
  let excess = pool.active.length - size.min;
  const idle = pool.active
    .filter((m: PoolMember) => m.state === "running" && m.held.length === 0)
    .filter((m) => now - m.idleSince >= size.idleTimeoutMs)
    .sort((a, b) => a.idleSince - b.idleSince);
  for (const member of idle) {
    if (excess <= 0) return;
    ctx.logger.info(`runner:${ctx.runnerId} stopping idle child ${member.context.runnerId}`);
    pool.stop(member);
    excess--;
  }
}
