import {
  AVAILABLE_STATUSES,
  FINAL_STATUSES,
  INITIAL_STATUSES,
  STATUS_TABLE,
} from "../../status/status-table.js";
import { ALL_STATUSES, InvocationStatus } from "../../status/statuses.js";

/**
 * The core's status table as the Lua scripts read it: a Lua table `R` generated here from
 * STATUS_TABLE and placed at the head of every script when the scripts are defined (see
 * scripts.ts). The scripts hold no rule of their own, so they cannot drift from the core; a
 * different table gives different script text, hence a different SHA, so processes with
 * different tables never share a script. Generating it once (rather than sending it as JSON
 * with every call) keeps each call's argument small and spares the decode in Redis.
 * Sets of statuses are strings `|A|B|`:
 *   R.owned, R.avail, R.final   statuses that require ownership / are available for run / are final
 *   R.to[target]                `|<statuses that may enter target>| <flags>`, flags among
 *                               acq (acquires ownership), rel (releases), ovr (overrides), fin (final)
 *   R.initial, R.pending, R.running, R.recovery, R.rerouted, R.cc, R.ccf   names the claim model uses
 */
const S = InvocationStatus;

function statusSet(statuses: readonly InvocationStatus[]): string {
  return `|${statuses.join("|")}|`;
}

function targetRule(to: InvocationStatus): string {
  const target = STATUS_TABLE[to];
  const from = ALL_STATUSES.filter((status) => STATUS_TABLE[status].next.includes(to));
  const flags = [
    target.acquiresOwnership ? "acq" : "",
    target.releasesOwnership ? "rel" : "",
    target.overridesOwnership ? "ovr" : "",
    target.final ? "fin" : "",
  ];
  return [statusSet(from), ...flags.filter(Boolean)].join(" ");
}

const initial = INITIAL_STATUSES[0];
if (initial === undefined) throw new Error("status table: no initial status");

/** The initial status every registration writes. */
export const INITIAL_STATUS: InvocationStatus = initial;

/** A Lua string literal (JSON string syntax is valid Lua for these ASCII names). */
function lua(value: string): string {
  if (!/^[A-Za-z_| ]*$/.test(value)) throw new Error(`status table: unexpected name ${value}`);
  return `'${value}'`;
}

/** `local R = { ... }`: the Lua chunk every status script starts with. */
export function rulesPrelude(): string {
  const names = {
    owned: statusSet(ALL_STATUSES.filter((status) => STATUS_TABLE[status].requiresOwnership)),
    avail: statusSet(AVAILABLE_STATUSES),
    final: statusSet(FINAL_STATUSES),
    initial: INITIAL_STATUS,
    pending: S.PENDING,
    running: S.RUNNING,
    recovery: S.PENDING_RECOVERY,
    rerouted: S.REROUTED,
    cc: S.CONCURRENCY_CONTROLLED,
    ccf: S.CONCURRENCY_CONTROLLED_FINAL,
  };
  const fields = Object.entries(names).map(([name, value]) => `  ${name} = ${lua(value)},`);
  const targets = ALL_STATUSES.map((status) => `    ${status} = ${lua(targetRule(status))},`);
  return [
    "-- Generated from the core's STATUS_TABLE by rules.ts when the scripts are defined.",
    "local R = {",
    ...fields,
    "  to = {",
    ...targets,
    "  },",
    "}",
  ].join("\n");
}
