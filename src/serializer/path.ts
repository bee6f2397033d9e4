/**
 * Paths inside a value being (de)serialized, kept as a stack of segments and only formatted into
 * a string when an error message needs one (e.g. `value.items[2].callback`).
 */

/** A property name, an array index, or a pre-formatted suffix such as `.get("k")`. */
export type PathSegment = string | number | { readonly raw: string };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function formatSegment(segment: PathSegment): string {
  if (typeof segment === "number") return `[${segment}]`;
  if (typeof segment === "string") {
    return IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return segment.raw;
}

export function formatPath(segments: readonly PathSegment[], root = "value"): string {
  let out = root;
  for (const segment of segments) out += formatSegment(segment);
  return out;
}

/** A short, printable description of a Map key for a path segment. */
export function describeMapKey(key: unknown, index: number): PathSegment {
  if (typeof key === "string") return { raw: `.get(${JSON.stringify(key)})` };
  if (typeof key === "number" || typeof key === "boolean") return { raw: `.get(${String(key)})` };
  return { raw: `.get(<key #${index}>)` };
}
