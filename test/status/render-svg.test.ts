import { describe, expect, it } from "vitest";
import { renderStatusMachineSvg } from "../../src/status/render-svg.js";
import { INITIAL_STATUSES, STATUS_TABLE } from "../../src/status/status-table.js";
import { ALL_STATUSES } from "../../src/status/statuses.js";

describe("renderStatusMachineSvg", () => {
  const svg = renderStatusMachineSvg();

  it("is a deterministic SVG document", () => {
    expect(renderStatusMachineSvg()).toBe(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it("has a node for START and every status", () => {
    expect(svg).toContain('data-status="START"');
    for (const status of ALL_STATUSES) {
      expect(svg).toContain(`data-status="${status}"`);
      expect(svg).toContain(`>${status}</text>`);
    }
  });

  it("has exactly one edge per transition, with a title and an arrowhead", () => {
    const expected = INITIAL_STATUSES.map((to) => `START -> ${to}`);
    for (const from of ALL_STATUSES)
      for (const to of STATUS_TABLE[from].next) expected.push(`${from} -> ${to}`);
    const edges = [
      ...svg.matchAll(/<g class="edge" data-from="(\w+)" data-to="(\w+)"><title>([^<]+)<\/title>/g),
    ];
    const found = edges.map((m) => `${m[1]} -> ${m[2]}`);
    expect(found.sort()).toEqual([...expected].sort());
    for (const m of edges) expect(m[3]).toBe(`${m[1]} -&gt; ${m[2]}`);
    expect(svg.match(/marker-end="url\(#arrow-/g)?.length).toBeGreaterThanOrEqual(expected.length);
  });

  it("styles final, recovery and available statuses distinctly", () => {
    expect(svg).toMatch(/<g class="node final" data-status="SUCCESS">/);
    expect(svg).toMatch(/<g class="node recovery" data-status="RUNNING_RECOVERY">/);
    expect(svg).toMatch(/<g class="node available" data-status="REGISTERED">/);
    expect(svg).toContain("Legend");
  });
});
