import { Redis } from "ioredis";
import { afterAll, afterEach, expect, it } from "vitest";
import type { Tsnenc } from "../../src/index.js";
import { createTestApp, expectAllHistoriesValid, startRunner } from "../helpers/app.js";
import { eventually, within } from "../helpers/waiting.js";
import { describeWithRedis, REDIS_URL } from "./redis-service.js";

const CHILDREN = 4;

/** What the runner's tasks report to the test (the runner runs in this process). */
interface Probes {
  started: number;
  finished: number;
  /** Leaves hold until it resolves. */
  gate: Promise<void>;
}

/** The tasks, defined the same way on the runner's app and on the client's. */
function defineTasks(app: Tsnenc, probes: Probes) {
  const leaf = app.task("leaf", async (i: number) => {
    probes.started++;
    await probes.gate;
    probes.finished++;
    return i * 2;
  });
  /** Awaits its children: PAUSED until they are final. */
  const parent = app.task("parent", async (p: number) => {
    const values = await Promise.all(Array.from({ length: CHILDREN }, (_, k) => leaf(p * 100 + k).result()));
    return values.reduce((a, b) => a + b, 0);
  });
  return { leaf, parent };
}

const parentResult = (p: number) =>
  Array.from({ length: CHILDREN }, (_, k) => (p * 100 + k) * 2).reduce((a, b) => a + b, 0);

/** The ids of the connections of app `appId` (its backends name them `tsnenc-<role>-<appId>`). */
async function appConnections(admin: Redis, appId: string): Promise<Array<{ id: string; name: string }>> {
  const found: Array<{ id: string; name: string }> = [];
  for (const line of String(await admin.client("LIST")).split("\n")) {
    const id = /\bid=(\d+)/.exec(line)?.[1];
    const name = /\bname=(\S*)/.exec(line)?.[1] ?? "";
    if (id && name.startsWith("tsnenc-") && name.endsWith(`-${appId}`)) found.push({ id, name });
  }
  return found;
}

/** CLIENT KILL of every connection of `appId`; returns the roles of those killed, sorted. */
async function killAppConnections(admin: Redis, appId: string): Promise<string[]> {
  const killed: string[] = [];
  for (const { id, name } of await appConnections(admin, appId)) {
    const count = await admin.client("KILL", "ID", id).catch(() => 0);
    if (Number(count) > 0) killed.push(name.split("-")[1] ?? name);
  }
  return killed.sort();
}

await describeWithRedis("Redis: client connections killed during a run", () => {
  const admin = new Redis(REDIS_URL);
  let apps: Tsnenc[] = [];

  /** A client app and a runner app (its own connections) on one fresh app id, with the tasks. */
  function clientAndRunnerApps(probes: Probes) {
    const client = createTestApp({ backend: "redis", redisUrl: REDIS_URL });
    const server = createTestApp({ backend: "redis", redisUrl: REDIS_URL, appId: client.appId });
    apps = [client, server];
    defineTasks(server, probes);
    return {
      client,
      tasks: defineTasks(client, { started: 0, finished: 0, gate: Promise.resolve() }),
      server,
    };
  }

  afterEach(async () => {
    const [client] = apps;
    try {
      if (client) {
        await client.purge();
        expect(await admin.keys(`{tsnenc:${client.appId}}:*`), "keys of the app left").toEqual([]);
      }
    } finally {
      for (const app of apps.splice(0)) await app.close();
    }
  });

  afterAll(async () => {
    await admin.quit();
  });

  it("killed while everything waits, then as leaves store outcomes, then as parents resume: all results arrive", {
    timeout: 90_000,
  }, async () => {
    const [parents, loneLeaves] = [20, 40];
    const leaves = parents * CHILDREN + loneLeaves;
    let open: () => void = () => {};
    const probes: Probes = { started: 0, finished: 0, gate: new Promise((resolve) => (open = resolve)) };
    const { client, tasks, server } = clientAndRunnerApps(probes);
    const runner = startRunner(server, { maxConcurrency: leaves + parents });
    const parentGroup = await tasks.parent.parallelize(Array.from({ length: parents }, (_, p) => [p]));
    const leafGroup = await tasks.leaf.parallelize(
      Array.from({ length: loneLeaves }, (_, i) => [10_000 + i]),
    );
    const parentResults = parentGroup.all();
    const leafResults = leafGroup.all();
    let parentsDone = 0;
    for (const invocation of parentGroup.invocations)
      invocation.result().then(
        () => parentsDone++,
        () => {},
      );

    // Every leaf holds at the gate, every parent is PAUSED, and the client and the runner app
    // each have their command and subscriber connections.
    await eventually(() => probes.started === leaves, `${leaves} leaves to start`);
    await eventually(async () => {
      const statuses = await Promise.all(parentGroup.invocations.map((invocation) => invocation.status()));
      return statuses.every((status) => status === "PAUSED");
    }, "every parent to be PAUSED");
    await eventually(async () => (await appConnections(admin, client.appId)).length === 4, "4 connections");
    const idle = await killAppConnections(admin, client.appId);
    expect(idle).toEqual(["commands", "commands", "subscriber", "subscriber"]);
    await eventually(async () => (await appConnections(admin, client.appId)).length === 4, "reconnections");

    open();
    const busy = await killAppConnections(admin, client.appId);
    await eventually(() => parentsDone > 0, "a first parent result");
    const late = await killAppConnections(admin, client.appId);

    const expectedParents = Array.from({ length: parents }, (_, p) => parentResult(p));
    expect(await within(parentResults, 60_000, "the parents' results")).toEqual(expectedParents);
    const expectedLeaves = Array.from({ length: loneLeaves }, (_, i) => (10_000 + i) * 2);
    expect(await within(leafResults, 60_000, "the leaves' results")).toEqual(expectedLeaves);
    expect(probes.finished).toBeGreaterThanOrEqual(leaves);
    process.stderr.write(
      `client kill: ${idle.length} idle, ${busy.length} busy, ${late.length} late connections killed; ` +
        `${probes.finished} leaf executions for ${leaves} leaves\n`,
    );
    await runner.stop();
    expect(await expectAllHistoriesValid(client)).toBe(parents * (CHILDREN + 1) + loneLeaves);
  });

  it("killed again each time it reconnects while work flows: all results arrive, histories valid", {
    timeout: 90_000,
  }, async () => {
    const [parents, loneLeaves] = [60, 200];
    const leaves = parents * CHILDREN + loneLeaves;
    const probes: Probes = { started: 0, finished: 0, gate: Promise.resolve() };
    const { client, tasks, server } = clientAndRunnerApps(probes);
    const runner = startRunner(server, { maxConcurrency: 20 });
    let done = false;
    let kills = 0;
    const killer = (async () => {
      const killed = new Set<string>();
      while (!done) {
        for (const { id } of await appConnections(admin, client.appId)) {
          if (killed.has(id)) continue;
          killed.add(id);
          if (Number(await admin.client("KILL", "ID", id).catch(() => 0)) > 0) kills++;
        }
        await new Promise((resolve) => setTimeout(resolve, 20)); // polls CLIENT LIST for reconnections
      }
    })();
    try {
      const parentGroup = await tasks.parent.parallelize(Array.from({ length: parents }, (_, p) => [p]));
      const leafGroup = await tasks.leaf.parallelize(Array.from({ length: loneLeaves }, (_, i) => [i]));
      const results = await within(Promise.all([parentGroup.all(), leafGroup.all()]), 80_000, "all results");
      expect(results[0]).toEqual(Array.from({ length: parents }, (_, p) => parentResult(p)));
      expect(results[1]).toEqual(Array.from({ length: loneLeaves }, (_, i) => i * 2));
    } finally {
      done = true;
      await killer;
    }
    expect(kills).toBeGreaterThan(4);
    expect(probes.finished).toBeGreaterThanOrEqual(leaves);
    process.stderr.write(
      `client kill storm: ${kills} kills, ${probes.finished} executions for ${leaves} leaves\n`,
    );
    await runner.stop();
    expect(await expectAllHistoriesValid(client)).toBe(parents * (CHILDREN + 1) + loneLeaves);
  });
});
