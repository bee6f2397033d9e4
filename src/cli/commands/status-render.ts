import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type Command, Option } from "commander";
import { renderStatusMachineSvg } from "../../status/render-svg.js";
import { renderStatusMachineText } from "../../status/render-text.js";
import { type CliSession, processIo } from "../io.js";
import { CliError, runAction } from "../run-action.js";

/** Where the committed diagram lives, relative to the working directory. */
export const DEFAULT_SVG_PATH = "docs/invocation-state-machine.svg";

export type StatusRenderFormat = "text" | "svg";

export interface StatusRenderOptions {
  format: StatusRenderFormat;
  /** File to write, or to compare with under `check`. Without it the render goes to stdout. */
  output?: string;
  /** Compare with the file instead of writing: throws CliError when it is missing or stale. */
  check?: boolean;
}

export interface StatusRenderIo {
  cwd: string;
  stdout(text: string): void;
}

export function renderStatusMachine(format: StatusRenderFormat): string {
  return format === "svg" ? renderStatusMachineSvg() : renderStatusMachineText();
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return null;
    throw error;
  }
}

/** `tsnenc status render`: print, write or check the rendering of the status machine. */
export async function statusRender(
  options: StatusRenderOptions,
  io: StatusRenderIo = processIo(),
): Promise<void> {
  const rendered = renderStatusMachine(options.format);
  let output = options.output;
  if (options.check) {
    if (output === undefined) {
      if (options.format !== "svg") throw new CliError("--check requires --output when --format is text");
      output = DEFAULT_SVG_PATH;
    }
    const regenerate = `Run: tsnenc status render --format ${options.format} --output ${output}`;
    const current = await readIfExists(resolve(io.cwd, output));
    if (current === null) throw new CliError(`${output} is missing. ${regenerate}`);
    if (current.replace(/\r\n/g, "\n") !== rendered) {
      throw new CliError(`${output} is stale: it differs from the status table. ${regenerate}`);
    }
    io.stdout(`${output} is up to date.\n`);
    return;
  }
  if (output === undefined) {
    io.stdout(rendered);
    return;
  }
  const path = resolve(io.cwd, output);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, rendered, "utf8");
  io.stdout(`Wrote ${output}\n`);
}

export function registerStatusCommands(program: Command, session: CliSession): void {
  const status = program.command("status").description("inspect the invocation status machine");
  status
    .command("render")
    .description("render the invocation status machine as text or SVG, or check a rendered file")
    .addOption(new Option("--format <format>", "output format").choices(["text", "svg"]).default("text"))
    .option("--output <file>", `file to write or check (svg --check defaults to ${DEFAULT_SVG_PATH})`)
    .option("--check", "exit 1 when the output file is missing or differs from the current status table")
    .action(
      runAction(session, async (opts: { format: StatusRenderFormat; output?: string; check?: boolean }) => {
        await statusRender(
          { format: opts.format, output: opts.output, check: opts.check === true },
          session.io,
        );
      }),
    );
}
