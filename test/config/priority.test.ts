import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createAppConfig, loadConfigSources, type SourceTier } from "../../src/config/index.js";
import { tempDir } from "./helpers.js";

/** Everything one test case configures; each step below adds one value at one tier. */
interface Setup {
  code: Record<string, unknown>;
  taskOptions: Record<string, unknown>;
  pkg: Record<string, unknown>;
  file: Record<string, unknown>;
  envFile: Record<string, unknown>;
  env: Record<string, string>;
  runtimeApp: Record<string, number>;
  runtimeTask: Record<string, number>;
}

const TASK_ID = "shop.add";
type Step = { name: string; tier: SourceTier; apply: (s: Setup, v: number) => void };

const taskSection = (field: string, v: number) => ({ task: { [TASK_ID]: { [field]: v } } });
function merge(target: Record<string, unknown>, extra: Record<string, unknown>): void {
  const task = { ...(target.task as object | undefined), ...(extra.task as object | undefined) };
  Object.assign(target, extra, Object.keys(task).length ? { task } : {});
}

function steps(field: string, envVar: string, withTaskLevel: boolean): Step[] {
  const all: Array<Step & { taskLevel?: true }> = [
    { name: "code (app)", tier: "code", apply: (s, v) => merge(s.code, { [field]: v }) },
    {
      name: "code (task)",
      tier: "code",
      taskLevel: true,
      apply: (s, v) => merge(s.taskOptions, { [field]: v }),
    },
    { name: "package.json", tier: "package.json", apply: (s, v) => merge(s.pkg, { [field]: v }) },
    {
      name: "package.json (task)",
      tier: "package.json",
      taskLevel: true,
      apply: (s, v) => merge(s.pkg, taskSection(field, v)),
    },
    { name: "file", tier: "file", apply: (s, v) => merge(s.file, { [field]: v }) },
    {
      name: "file (task)",
      tier: "file",
      taskLevel: true,
      apply: (s, v) => merge(s.file, taskSection(field, v)),
    },
    { name: "env-file", tier: "env-file", apply: (s, v) => merge(s.envFile, { [field]: v }) },
    {
      name: "env-file (task)",
      tier: "env-file",
      taskLevel: true,
      apply: (s, v) => merge(s.envFile, taskSection(field, v)),
    },
    { name: "env", tier: "env", apply: (s, v) => Object.assign(s.env, { [`TSNENC__${envVar}`]: String(v) }) },
    {
      name: "env (task)",
      tier: "env",
      taskLevel: true,
      apply: (s, v) => Object.assign(s.env, { [`TSNENC__TASK__SHOP_ADD__${envVar}`]: String(v) }),
    },
    { name: "runtime (app)", tier: "runtime", apply: (s, v) => Object.assign(s.runtimeApp, { [field]: v }) },
    {
      name: "runtime (task)",
      tier: "runtime",
      taskLevel: true,
      apply: (s, v) => Object.assign(s.runtimeTask, { [field]: v }),
    },
  ];
  return all.filter((step) => withTaskLevel || !step.taskLevel);
}

function build(setup: Setup) {
  const dir = tempDir();
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "x", tsnenc: setup.pkg }));
  writeFileSync(join(dir, "tsnenc.config.json"), JSON.stringify(setup.file));
  writeFileSync(join(dir, "override.json"), JSON.stringify(setup.envFile));
  const sources = loadConfigSources({ cwd: dir, env: { ...setup.env, TSNENC__FILEPATH: "override.json" } });
  const app = createAppConfig(setup.code, sources);
  for (const [k, v] of Object.entries(setup.runtimeApp)) app.set(k as "maxRetries", v);
  const task = app.taskConfig(TASK_ID, setup.taskOptions);
  for (const [k, v] of Object.entries(setup.runtimeTask)) task.set(k as "maxRetries", v);
  return { app, task };
}

const emptySetup = (): Setup => ({
  code: {},
  taskOptions: {},
  pkg: {},
  file: {},
  envFile: {},
  env: {},
  runtimeApp: {},
  runtimeTask: {},
});

describe("priority of sources", () => {
  it("uses the defaults when nothing is set", () => {
    const { app, task } = build(emptySetup());
    expect(app.maxConcurrency).toBe(50);
    expect(app.sourceOf("maxConcurrency")).toEqual({ tier: "default" });
    expect(task.maxRetries).toBe(0);
    expect(task.sourceOf("maxRetries")).toEqual({ tier: "default" });
  });

  const appSteps = steps("maxConcurrency", "MAX_CONCURRENCY", false);
  it.each(appSteps.map((step, i) => ({ ...step, i })))(
    "app field: $name beats every tier below",
    ({ i, tier }) => {
      const setup = emptySetup();
      for (const [j, step] of appSteps.slice(0, i + 1).entries()) step.apply(setup, 10 + j);
      const { app } = build(setup);
      expect(app.maxConcurrency).toBe(10 + i);
      expect(app.sourceOf("maxConcurrency").tier).toBe(tier);
    },
  );

  const taskSteps = steps("maxRetries", "MAX_RETRIES", true);
  it.each(taskSteps.map((step, i) => ({ ...step, i })))(
    "task field: $name beats every tier below",
    ({ i, tier }) => {
      const setup = emptySetup();
      for (const [j, step] of taskSteps.slice(0, i + 1).entries()) step.apply(setup, 10 + j);
      const { task } = build(setup);
      expect(task.maxRetries).toBe(10 + i);
      expect(task.sourceOf("maxRetries").tier).toBe(tier);
    },
  );

  it("a task-specific value only applies to its task", () => {
    const setup = emptySetup();
    setup.file = { maxRetries: 3, task: { [TASK_ID]: { maxRetries: 7 } } };
    const { app } = build(setup);
    expect(app.maxRetries).toBe(3);
    expect(app.taskConfig(TASK_ID, {}).maxRetries).toBe(7);
    expect(app.taskConfig("other", {}).maxRetries).toBe(3);
  });
});
