import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryBackend } from "../../src/backends/memory/index.js";
import {
  type Backend,
  type BackendDefinition,
  backendNames,
  ConfigError,
  defineBackend,
  registerBackend,
  Tsnenc,
  TsnencBuilder,
  type TsnencConfig,
  unregisterBackend,
} from "../../src/index.js";
import { tempDir } from "../config/helpers.js";
import { startRunner } from "../helpers/app.js";

/** An app with no config files and the given env (nothing connects before first use). */
function build(config: TsnencConfig, env: NodeJS.ProcessEnv = {}): Tsnenc {
  return new Tsnenc({ appId: "registry-test", loggingLevel: "error", ...config }, { cwd: tempDir(), env });
}

/** The ConfigError `fn` throws, checked to name `key`. */
function refusal(fn: () => unknown, key: string): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe(key);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError naming '${key}', none was thrown`);
}

/** A user backend: the memory backend under another name, counting what it opened. */
function countingDefinition(name: string): BackendDefinition & { opened: string[] } {
  const opened: string[] = [];
  return {
    name,
    capabilities: { sharedAcrossProcesses: false, pushesWakeups: true },
    create: ({ appId }) => {
      opened.push(appId);
      return { ...createMemoryBackend({ appId }), kind: name };
    },
    opened,
  };
}

describe("config backend: the registry", () => {
  const apps: Tsnenc[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    unregisterBackend("mine");
  });

  it("lists the built-in backends, and no postgres", () => {
    expect(backendNames()).toEqual(["memory", "sqlite", "redis"]);
  });

  it("refuses an unknown backend when the app is built, naming the key, the value and the allowed values", () => {
    const error = refusal(() => build({ backend: "mongo" }), "backend");
    expect(error.message).toContain('"mongo"');
    expect(error.message).toContain('allowed: "memory", "sqlite", "redis"');
  });

  it("refuses postgres (from code, the builder or env) until a PostgreSQL backend exists", () => {
    for (const make of [
      () => build({ backend: "postgres" }),
      () =>
        new TsnencBuilder()
          .environment({ cwd: tempDir(), env: {} })
          .postgres({ url: "postgres://db" })
          .build(),
      () => build({}, { TSNENC__BACKEND: "postgres" }),
    ]) {
      const error = refusal(make, "backend");
      expect(error.message).toContain("PostgreSQL backend does not exist");
      expect(error.message).toContain('allowed: "memory", "sqlite", "redis"');
    }
    expect(refusal(() => build({}, { TSNENC__BACKEND: "postgres" }), "backend").message).toContain(
      "(from TSNENC__BACKEND)",
    );
  });

  it("refuses broker, rabbitmqUrl and postgresUrl that have nothing behind them, masking passwords", () => {
    const broker = refusal(
      () => new TsnencBuilder().environment({ cwd: tempDir(), env: {} }).rabbitmqBroker().build(),
      "broker",
    );
    expect(broker.message).toContain('"rabbitmq"');
    expect(broker.message).toContain('allowed: ""');
    refusal(() => build({ broker: "kafka" }), "broker");
    const rabbit = refusal(() => build({ rabbitmqUrl: "amqp://guest:secret@mq:5672" }), "rabbitmqUrl");
    expect(rabbit.message).toContain('"amqp://guest:***@mq:5672"');
    expect(rabbit.message).not.toContain("secret");
    const postgres = refusal(() => build({}, { TSNENC__POSTGRES_URL: "postgres://db/x" }), "postgresUrl");
    expect(postgres.message).toContain("no PostgreSQL backend");
  });

  it("checks a run-time assignment of a backend field at once, and refuses one while the backend is open", async () => {
    const app = build({ backend: "memory" });
    apps.push(app);
    refusal(() => {
      app.conf.backend = "nope";
    }, "backend");
    expect(app.conf.backend).toBe("memory"); // the refused value is not kept
    refusal(() => {
      app.conf.broker = "rabbitmq";
    }, "broker");
    expect(app.backend.kind).toBe("memory");
    const whileOpen = refusal(() => {
      app.conf.appId = "another";
    }, "appId");
    expect(whileOpen.message).toBe(
      "config 'appId': cannot change while the app's backend (memory) is open; call app.close() first",
    );
    app.conf.maxConcurrency = 3; // other fields are not the backend's: accepted
    await app.close();
    app.conf.appId = "another";
    expect(app.backend.kind).toBe("memory");
    expect(app.appId).toBe("another");
  });

  it("takes backend names in any case, as other enum-like fields", () => {
    const app = build({}, { TSNENC__BACKEND: "Memory" });
    apps.push(app);
    expect(app.backend.kind).toBe("memory");
  });
});

describe("the SQLite file", () => {
  it("is found from the app's working directory: the default file, and a relative sqlitePath", async () => {
    const dir = tempDir();
    const byDefault = new Tsnenc({ appId: "cwd-default", loggingLevel: "error" }, { cwd: dir, env: {} });
    const relative = new Tsnenc(
      { appId: "cwd-relative", sqlitePath: "data/app.db", loggingLevel: "error" },
      { cwd: dir, env: {} },
    );
    try {
      await byDefault.backend.orchestrator.countByStatus();
      await relative.backend.orchestrator.countByStatus();
      expect(existsSync(join(dir, ".tsnenc", "tsnenc.db"))).toBe(true);
      expect(existsSync(join(dir, "data", "app.db"))).toBe(true);
    } finally {
      await byDefault.close();
      await relative.close();
    }
  });
});

describe("a backend of the user's own", () => {
  const apps: Tsnenc[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    unregisterBackend("mine");
  });

  it("given in code as a definition: opened for the app's id, named in config, runs tasks", async () => {
    const mine = countingDefinition("mine");
    const app = build({ backend: mine });
    apps.push(app);
    expect(app.conf.backend).toBe("mine");
    expect(mine.opened).toEqual([]);
    const add = app.task("add", async (x: number, y: number) => x + y);
    const runner = startRunner(app);
    try {
      expect(await add(1, 2).result()).toBe(3);
    } finally {
      await runner.stop();
    }
    expect(app.backend.kind).toBe("mine");
    expect(mine.opened).toEqual([app.appId]);
  });

  it("given in code, and named by env in another case: still the one given in code", () => {
    const mine = countingDefinition("mine");
    const app = build({ backend: mine }, { TSNENC__BACKEND: "MINE" });
    apps.push(app);
    expect(app.backend.kind).toBe("mine");
  });

  it("registered by name: unregistered in any case; built-in backends stay", () => {
    registerBackend(countingDefinition("mine"));
    expect(unregisterBackend("MINE")).toBe(true);
    expect(backendNames()).not.toContain("mine");
    expect(unregisterBackend("memory")).toBe(false);
  });

  it("given as an opened backend, through the builder: used as it is", () => {
    const backend: Backend = createMemoryBackend({ appId: "registry-own" });
    const app = new TsnencBuilder()
      .environment({ cwd: tempDir(), env: {} })
      .appId("registry-own")
      .backend(backend)
      .build();
    apps.push(app);
    expect(app.backend).toBe(backend);
    expect(app.conf.backend).toBe("memory");
  });

  it("registered by name: config (code or env) selects it; a second registration is refused", () => {
    const mine = countingDefinition("mine");
    registerBackend(mine);
    expect(backendNames()).toContain("mine");
    const app = build({}, { TSNENC__BACKEND: "mine" });
    apps.push(app);
    expect(app.backend.kind).toBe("mine");
    registerBackend(mine); // the same definition again: a no-op
    refusal(() => registerBackend(countingDefinition("mine")), "backend");
    refusal(() => registerBackend(countingDefinition("redis")), "backend");
    refusal(() => registerBackend(countingDefinition("Mine")), "backend");
  });

  it("a higher-priority source naming another backend wins over the one given in code", () => {
    const app = build({ backend: countingDefinition("mine") }, { TSNENC__BACKEND: "memory" });
    apps.push(app);
    expect(app.backend.kind).toBe("memory");
  });

  it("refuses a malformed definition, and a backend reporting other capabilities than declared", () => {
    refusal(
      () =>
        defineBackend({
          name: "bad name",
          capabilities: { sharedAcrossProcesses: false, pushesWakeups: false },
          create: () => createMemoryBackend({ appId: "x" }),
        }),
      "backend",
    );
    const noCapabilities = { name: "mine", create: () => createMemoryBackend({ appId: "x" }) };
    refusal(() => build({ backend: noCapabilities as unknown as BackendDefinition }), "backend");
    const liar = {
      ...countingDefinition("mine"),
      capabilities: { sharedAcrossProcesses: true, pushesWakeups: true },
    };
    const app = build({ backend: liar });
    apps.push(app);
    expect(refusal(() => app.backend, "backend").message).toContain("sharedAcrossProcesses");
  });
});
