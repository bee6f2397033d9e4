import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createAppConfig, loadConfigSources } from "../../src/config/index.js";
import { ConfigError } from "../../src/errors/errors.js";
import { configIn, errorOf, sourcesIn, tempDir } from "./helpers.js";

describe("config files", () => {
  it("reads tsnenc.config.yaml, with task sections", () => {
    const yaml =
      "runner: ThreadRunner\ndevModeForceSyncTasks: true\nkeyArguments: [a, b]\ntask:\n  add:\n    maxRetries: 4\n";
    const conf = configIn({}, { "tsnenc.config.yaml": yaml });
    expect(conf.runner).toBe("ThreadRunner");
    expect(conf.devModeForceSyncTasks).toBe(true);
    expect(conf.keyArguments).toEqual(["a", "b"]);
    expect(conf.taskConfig("add", {}).maxRetries).toBe(4);
    expect(conf.sourceOf("runner").tier).toBe("file");
  });

  it("reads tsnenc.config.yml", () => {
    expect(configIn({}, { "tsnenc.config.yml": "appId: yml-app\n" }).appId).toBe("yml-app");
  });

  it("reads tsnenc.config.toml, with task tables", () => {
    const toml = 'appId = "toml-app"\nmaxConcurrency = 7\n\n[task."shop.add"]\nretryFor = ["TimeoutError"]\n';
    const conf = configIn({}, { "tsnenc.config.toml": toml });
    expect(conf.appId).toBe("toml-app");
    expect(conf.maxConcurrency).toBe(7);
    expect(conf.taskConfig("shop.add", {}).retryFor).toEqual(["TimeoutError"]);
  });

  it("reads tsnenc.config.json, and the first existing file wins", () => {
    const conf = configIn(
      {},
      { "tsnenc.config.json": '{"appId": "json-app"}', "tsnenc.config.yaml": "appId: yaml-app\n" },
    );
    expect(conf.appId).toBe("json-app");
  });

  it('reads the "tsnenc" key of package.json', () => {
    const dir = tempDir({ "package.json": JSON.stringify({ name: "p", tsnenc: { appId: "from-pkg" } }) });
    const conf = createAppConfig({}, loadConfigSources({ cwd: dir, env: {} }));
    expect(conf.appId).toBe("from-pkg");
    expect(conf.sourceOf("appId")).toEqual({ tier: "package.json", detail: join(dir, "package.json") });
  });

  it("ignores a package.json without a tsnenc key", () => {
    expect(configIn({}, { "package.json": '{"name": "p"}' }).appId).toBe("tsnenc");
  });

  it("TSNENC__FILEPATH beats the cwd file; relative to cwd", () => {
    const files = {
      "tsnenc.config.json": '{"appId": "local", "backend": "sqlite"}',
      "other.yaml": "appId: other\n",
    };
    const dir = tempDir(files);
    const conf = createAppConfig(
      {},
      loadConfigSources({ cwd: dir, env: { TSNENC__FILEPATH: "other.yaml" } }),
    );
    expect(conf.appId).toBe("other");
    expect(conf.backend).toBe("sqlite");
    expect(conf.sourceOf("appId")).toEqual({ tier: "env-file", detail: join(dir, "other.yaml") });
    expect(conf.sourceOf("backend")).toEqual({ tier: "file", detail: join(dir, "tsnenc.config.json") });
  });

  it("a missing TSNENC__FILEPATH file is an error naming the var and the path", () => {
    const dir = tempDir();
    const err = errorOf(() => loadConfigSources({ cwd: dir, env: { TSNENC__FILEPATH: "nope.toml" } }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("TSNENC__FILEPATH");
    expect(err.message).toContain(join(dir, "nope.toml"));
  });

  it("refuses unsupported extensions and unparsable files", () => {
    expect(errorOf(() => sourcesIn({ "c.ini": "" }, { TSNENC__FILEPATH: "c.ini" })).message).toContain(
      ".ini",
    );
    const err = errorOf(() => sourcesIn({ "tsnenc.config.json": "{oops" }));
    expect(err.message).toContain("tsnenc.config.json");
  });

  it("refuses unknown keys, naming the key and the file", () => {
    const err = errorOf(() => sourcesIn({ "tsnenc.config.yaml": "max_retries: 3\n" }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("'max_retries'");
    expect(err.message).toContain("tsnenc.config.yaml");
    expect(err.message).toContain("maxRetries");
  });

  it("refuses unknown fields under task.<id>, and app-level fields per task", () => {
    const unknown = errorOf(() => sourcesIn({ "tsnenc.config.json": '{"task": {"add": {"retries": 1}}}' }));
    expect(unknown.message).toContain("task.add.retries");
    expect(unknown.message).toContain("tsnenc.config.json");
    const appLevel = errorOf(() => sourcesIn({ "tsnenc.config.json": '{"task": {"add": {"appId": "x"}}}' }));
    expect(appLevel.message).toContain("task.add.appId");
    expect(appLevel.message).toContain("app-level");
  });

  it("refuses values of the wrong type, naming key, source and expectation", () => {
    const err = errorOf(() => sourcesIn({ "tsnenc.config.yaml": "maxConcurrency: many\n" }));
    expect(err.message).toContain("'maxConcurrency'");
    expect(err.message).toContain("tsnenc.config.yaml");
    expect(err.message).toContain("expected an integer >= 1");
    const pkg = JSON.stringify({ tsnenc: { task: { add: { runningConcurrency: "sometimes" } } } });
    const err2 = errorOf(() => sourcesIn({ "package.json": pkg }));
    expect(err2.message).toContain("task.add.runningConcurrency");
    expect(err2.message).toContain("package.json");
    expect(err2.message).toContain('"disabled"');
  });

  it("accepts a comma list for list fields in files", () => {
    const conf = configIn({}, { "tsnenc.config.yaml": 'disableCacheArgs: "a, b"\n' });
    expect(conf.disableCacheArgs).toEqual(["a", "b"]);
  });
});
