import type { Serializer } from "../serializer/contract.js";

/**
 * A readable diff between the arguments of a reused invocation and a new call, for
 * registration concurrency: "Changed:", "Removed:" and "Added:" sections, keys sorted. Calls
 * with one object argument are compared property by property, others by position.
 */
export function describeArgumentDiff(
  taskId: string,
  existing: Readonly<Record<string, string>>,
  requested: Readonly<Record<string, string>>,
  serializer: Serializer,
): string {
  const before = comparable(existing, serializer);
  const after = comparable(requested, serializer);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed: string[] = [];
  const removed: string[] = [];
  const added: string[] = [];
  for (const key of keys) {
    const old = before[key];
    const next = after[key];
    if (old !== undefined && next === undefined) removed.push(`  ${key}: ${old}`);
    else if (old === undefined && next !== undefined) added.push(`  ${key}: ${next}`);
    else if (old !== next) changed.push(`  ${key}: ${old} -> ${next}`);
  }
  const lines = [`Arguments differ for task ${taskId}:`];
  if (changed.length) lines.push("Changed:", ...changed);
  if (removed.length) lines.push("Removed:", ...removed);
  if (added.length) lines.push("Added:", ...added);
  return lines.join("\n");
}

/** Key -> short display text: the properties of a single object argument, else the positions. */
function comparable(args: Readonly<Record<string, string>>, serializer: Serializer): Record<string, string> {
  const only = Object.keys(args).length === 1 ? args["0"] : undefined;
  if (only !== undefined) {
    try {
      const value = serializer.deserialize(only);
      if (typeof value === "object" && value !== null && !Array.isArray(value) && isPlain(value)) {
        const result: Record<string, string> = {};
        for (const [key, prop] of Object.entries(value)) result[key] = short(serializer.serialize(prop));
        return result;
      }
    } catch {
      // fall back to positions
    }
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) result[key] = short(value);
  return result;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function short(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
