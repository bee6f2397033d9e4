import { INITIAL_STATUSES, STATUS_TABLE } from "./status-table.js";
import { ALL_STATUSES, type InvocationStatus } from "./statuses.js";

/** The pseudo status an invocation comes from before it exists. */
export const START_NODE = "START";

/** One transition of the status machine; `from` is `START` for the initial statuses. */
export interface StatusTransition {
  readonly from: InvocationStatus | typeof START_NODE;
  readonly to: InvocationStatus;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every status, sorted by name (code-unit order, independent of the locale). */
export function statusesByName(): InvocationStatus[] {
  return [...ALL_STATUSES].sort(byName);
}

/**
 * Every transition of STATUS_TABLE, in render order: `START -> <initial>` first, then each
 * status sorted by name with its targets sorted by name.
 */
export function statusTransitions(): StatusTransition[] {
  const transitions: StatusTransition[] = [...INITIAL_STATUSES]
    .sort(byName)
    .map((to) => ({ from: START_NODE, to }));
  for (const from of statusesByName()) {
    for (const to of [...STATUS_TABLE[from].next].sort(byName)) transitions.push({ from, to });
  }
  return transitions;
}

/** The flags of a status as short badges, in a fixed order. */
export function statusBadges(status: InvocationStatus): string[] {
  const def = STATUS_TABLE[status];
  const badges: string[] = [];
  if (def.availableForRun) badges.push("available");
  if (def.requiresOwnership) badges.push("owned");
  if (def.acquiresOwnership) badges.push("acquires owner");
  if (def.releasesOwnership) badges.push("releases owner");
  if (def.overridesOwnership) badges.push("recovery");
  if (def.final) badges.push("final");
  return badges;
}

/** The badges joined by ` / `, or `transition` for a status without flags. */
export function statusBadgeText(status: InvocationStatus): string {
  const badges = statusBadges(status);
  return badges.length > 0 ? badges.join(" / ") : "transition";
}

/**
 * A deterministic plain-text rendering of the invocation status machine: a header, every
 * transition (`  A -> B`), then every status with its badges and description.
 */
export function renderStatusMachineText(): string {
  const lines = [
    "Invocation status state machine",
    "Generated from src/status/status-table.ts (tsnenc status render --format text)",
    "",
    "Transitions:",
  ];
  for (const { from, to } of statusTransitions()) lines.push(`  ${from} -> ${to}`);
  lines.push("", "Statuses:");
  const statuses = statusesByName();
  const nameWidth = Math.max(...statuses.map((s) => s.length));
  const badgeWidth = Math.max(...statuses.map((s) => statusBadgeText(s).length));
  for (const status of statuses) {
    const name = status.padEnd(nameWidth);
    const badges = statusBadgeText(status).padEnd(badgeWidth);
    lines.push(`  ${name}  ${badges}  ${STATUS_TABLE[status].description}`);
  }
  return `${lines.join("\n")}\n`;
}
