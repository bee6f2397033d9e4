/** Prints one measurement as a JSON line. */
export function report(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ ...fields, node: process.version, at: new Date().toISOString() }));
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
