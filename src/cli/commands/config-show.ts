import { isAbsolute, relative } from "node:path";
import type { Command } from "commander";
import { Tsnenc } from "../../app/tsnenc.js";
import type { ConfigFieldDescription } from "../../config/resolve.js";
import type { ConfigSource } from "../../config/sources.js";
import { type CliSession, processIo } from "../io.js";
import { loadApp, NoAppFoundError } from "../load-app.js";
import { CliError, runAction } from "../run-action.js";

export interface ConfigShowOptions {
  /** `FILE[#EXPORT]`; discovered in the working directory when absent. */
  app?: string;
  /** Print the `describe()` array as JSON instead of a table. */
  json?: boolean;
}

export interface ConfigShowIo {
  cwd: string;
  /** Environment of the config shown when no app module is found (default: process.env). */
  env?: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
}

const NO_APP_NOTE = "(no app module found; showing config from the working directory)";
const MAX_VALUE_WIDTH = 40;

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** `default`, `code`, `package.json`, `file:<path>`, `env-file:<path>`, `env:<VAR>` or `runtime`. */
export function formatSource(source: ConfigSource, cwd: string): string {
  const detail = source.detail;
  switch (source.tier) {
    case "file":
    case "env-file":
      return detail ? `${source.tier}:${displayPath(cwd, detail)}` : source.tier;
    case "env":
      return detail ? `env:${detail}` : "env";
    default:
      return source.tier;
  }
}

/** JSON, with classes and functions (e.g. `retryFor` error classes) shown by name. */
export function formatValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "function" ? v.name : v)) ?? String(value);
}

/** The aligned table of `describe()`: app fields, then the task defaults. */
export function renderConfigTable(rows: readonly ConfigFieldDescription[], cwd: string): string {
  const cells = rows.map((row) => ({
    scope: row.scope,
    cols: [row.field, formatValue(row.value), formatSource(row.source, cwd), row.description],
  }));
  const header = ["FIELD", "VALUE", "SOURCE", "DESCRIPTION"];
  const widths = [0, 1, 2].map((i) =>
    Math.max((header[i] ?? "").length, ...cells.map((c) => (c.cols[i] ?? "").length)),
  );
  widths[1] = Math.min(widths[1] ?? 0, MAX_VALUE_WIDTH);
  const line = (cols: readonly string[]): string =>
    `${cols
      .map((col, i) => (i < cols.length - 1 ? col.padEnd(widths[i] ?? 0) : col))
      .join("  ")
      .trimEnd()}\n`;
  const section = (scope: "app" | "task", title: string): string => {
    const mine = cells.filter((c) => c.scope === scope);
    return mine.length === 0 ? "" : `${title}\n${mine.map((c) => line(c.cols)).join("")}`;
  };
  return [
    line(header),
    section("app", "# app"),
    section("task", "# task defaults (per task: task options or TSNENC__TASK__<TASK_ID>__<FIELD>)"),
  ].join("");
}

/** `tsnenc config show`: every config field with its value, source and description. */
export async function configShow(options: ConfigShowOptions, io: ConfigShowIo = processIo()): Promise<void> {
  const info = (text: string): void => (options.json ? io.stderr(text) : io.stdout(text));
  let app: Tsnenc;
  try {
    const loaded = await loadApp({ app: options.app, cwd: io.cwd });
    app = loaded.app;
    info(`app ${app.appId} (${displayPath(io.cwd, loaded.modulePath)}#${loaded.exportName})\n`);
  } catch (error) {
    if (!(error instanceof NoAppFoundError) || options.app !== undefined) throw error;
    try {
      app = new Tsnenc({}, { cwd: io.cwd, env: io.env ?? process.env });
    } catch (configError) {
      throw new CliError(configError instanceof Error ? configError.message : String(configError));
    }
    info(`${NO_APP_NOTE}\n`);
    for (const failure of error.importErrors) {
      io.stderr(`warning: importing ${failure.file} failed: ${failure.message}\n`);
    }
  }
  const rows = app.conf.describe();
  if (options.json) {
    io.stdout(`${JSON.stringify(rows, (_key, v: unknown) => (typeof v === "function" ? v.name : v), 2)}\n`);
    return;
  }
  io.stdout(renderConfigTable(rows, io.cwd));
}

export function registerConfigCommands(program: Command, session: CliSession): void {
  const config = program.command("config").description("inspect the resolved configuration");
  config
    .command("show")
    .description("print every config field with its value, source and description")
    .option("--app <file>", "app module (.ts/.mts/.js/.mjs, optionally FILE#EXPORT); default: discovered")
    .option("--json", "print the fields as JSON")
    .action(
      runAction(session, async (opts: { app?: string; json?: boolean }) => {
        await configShow({ app: opts.app, json: opts.json === true }, session.io);
      }),
    );
}
