import { describe, expect, it } from "vitest";
import { renderStatusMachineText, statusBadges, statusTransitions } from "../../src/status/render-text.js";
import { INITIAL_STATUSES, STATUS_TABLE } from "../../src/status/status-table.js";
import { ALL_STATUSES } from "../../src/status/statuses.js";

function tableTransitions(): string[] {
  const edges = INITIAL_STATUSES.map((to) => `START -> ${to}`);
  for (const from of ALL_STATUSES) for (const to of STATUS_TABLE[from].next) edges.push(`${from} -> ${to}`);
  return edges;
}

function section(text: string, title: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(title);
  expect(start).toBeGreaterThan(-1);
  const rest = lines.slice(start + 1);
  const end = rest.indexOf("");
  return end === -1 ? rest : rest.slice(0, end);
}

describe("renderStatusMachineText", () => {
  const text = renderStatusMachineText();

  it("is deterministic and ends with a newline", () => {
    expect(renderStatusMachineText()).toBe(text);
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n")[0]).toBe("Invocation status state machine");
  });

  it("lists every transition of the table and nothing else", () => {
    const listed = section(text, "Transitions:").map((line) => line.trim());
    expect(listed.length).toBe(new Set(listed).size);
    expect([...listed].sort()).toEqual(tableTransitions().sort());
  });

  it("orders START first, then sources and targets by name", () => {
    const listed = section(text, "Transitions:").map((line) => line.trim());
    expect(listed[0]).toBe("START -> REGISTERED");
    const rest = listed.slice(1).map((l) => l.split(" -> "));
    const keys = rest.map(([from, to]) => `${from ?? ""}\u0000${to ?? ""}`);
    expect(keys).toEqual([...keys].sort());
    expect(statusTransitions().map((e) => `${e.from} -> ${e.to}`)).toEqual(listed);
  });

  it("lists every status once with its badges and description", () => {
    const rows = section(text, "Statuses:");
    expect(rows).toHaveLength(ALL_STATUSES.length);
    for (const status of ALL_STATUSES) {
      const row = rows.find((r) => r.trim().split(/\s+/)[0] === status);
      expect(row, status).toBeDefined();
      expect(row).toContain(STATUS_TABLE[status].description);
      for (const badge of statusBadges(status)) expect(row).toContain(badge);
    }
    expect(rows.find((r) => r.includes("RUNNING_RECOVERY"))).toContain("releases owner / recovery");
    expect(rows.find((r) => r.trim().startsWith("PENDING "))).toContain("owned / acquires owner");
    expect(rows.find((r) => r.trim().startsWith("SUCCESS"))).toContain("final");
    expect(rows.find((r) => r.trim().startsWith("REGISTERED"))).toContain("available");
  });
});
