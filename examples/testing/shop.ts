/**
 * A project's tasks module, as in examples/app.ts: one app, its tasks registered at import.
 * Production picks the backend from config (env, files); its tests use `tsnenc/testing`
 * (see shop.test.ts). In a project, import from "tsnenc" instead of "../../src/index.js".
 */
import { Tsnenc } from "../../src/index.js";

export const app = new Tsnenc({ appId: "shop", loggingLevel: "warning" });

export const price = app.task("price", async (sku: string) => (sku === "book" ? 12 : 5));

/** Awaits sub-tasks: the invocation is paused while they run. */
export const total = app.task("total", async (cart: { skus: string[] }) => {
  const prices = await price.parallelize(cart.skus.map((sku) => [sku]));
  return (await prices.all()).reduce((sum, p) => sum + p, 0);
});
