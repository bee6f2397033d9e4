import { START_NODE, type StatusTransition, statusBadges, statusTransitions } from "./render-text.js";
import { STATUS_TABLE } from "./status-table.js";
import { ALL_STATUSES, type InvocationStatus } from "./statuses.js";

type NodeId = InvocationStatus | typeof START_NODE;
type Side = "L" | "R" | "T" | "B";
type Kind = "start" | "available" | "owned" | "recovery" | "transit" | "final";
/** A box of the layout (x, w: left and width; y: centre); `node` is null for edge waypoints. */
interface Item {
  id: string;
  node: NodeId | null;
  col: number;
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Route {
  edge: StatusTransition;
  /** Source, the waypoints in the columns the edge crosses, target. */
  chain: Item[];
  mode: "forward" | "back" | "loop";
  fromSide: Side;
  toSide: Side;
}

const NODE_H = 48;
const ROW_GAP = 26;
const COL_GAP = 118;
const START_R = 18;
const MARGIN = 32;
const TOP = 92;
const CHAR_W = 7.8;
const DUMMY_H = 6;

const PALETTE: Record<Kind, { fill: string; stroke: string; text: string; label: string }> = {
  start: { fill: "#1f2933", stroke: "#1f2933", text: "#ffffff", label: "start" },
  available: { fill: "#e6f6ec", stroke: "#2f855a", text: "#1c4532", label: "available for run (queued)" },
  owned: { fill: "#fff3e0", stroke: "#c05621", text: "#5a2a0c", label: "owned by a runner" },
  recovery: { fill: "#e8f0fe", stroke: "#3461c1", text: "#1a2f5e", label: "recovery (overrides owner)" },
  transit: { fill: "#ffffff", stroke: "#718096", text: "#2d3748", label: "transient" },
  final: { fill: "#3c4657", stroke: "#1f2933", text: "#ffffff", label: "final" },
};

function kindOf(node: NodeId): Kind {
  if (node === START_NODE) return "start";
  const def = STATUS_TABLE[node];
  if (def.final) return "final";
  if (def.overridesOwnership) return "recovery";
  if (def.availableForRun) return "available";
  if (def.requiresOwnership) return "owned";
  return "transit";
}

const num = (n: number): string => String(Math.round(n * 10) / 10);
const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Column of every node: BFS depth from START; unreachable statuses go in a last column. */
function rankNodes(edges: readonly StatusTransition[]): Map<NodeId, number> {
  const rank = new Map<NodeId, number>([[START_NODE, 0]]);
  const queue: NodeId[] = [START_NODE];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    const depth = rank.get(node) ?? 0;
    for (const e of edges) {
      if (e.from === node && !rank.has(e.to)) {
        rank.set(e.to, depth + 1);
        queue.push(e.to);
      }
    }
  }
  const last = Math.max(...rank.values()) + 1;
  for (const s of ALL_STATUSES) if (!rank.has(s)) rank.set(s, last);
  return rank;
}

/**
 * A deterministic SVG diagram of STATUS_TABLE, laid out in layers: statuses in columns by
 * BFS depth from START; an edge that skips columns gets a thin invisible waypoint in every
 * column it crosses, so it passes between boxes instead of through them.
 */
function buildLayers(edges: readonly StatusTransition[]): { columns: Item[][]; routes: Route[] } {
  const rank = rankNodes(edges);
  const nodeW = Math.ceil((Math.max(...ALL_STATUSES.map((s) => s.length)) * CHAR_W + 28) / 8) * 8;
  const columns: Item[][] = [];
  const byNode = new Map<NodeId, Item>();
  const add = (item: Item): Item => {
    const col = columns[item.col] ?? [];
    columns[item.col] = col;
    col.push(item);
    return item;
  };
  for (const node of [START_NODE, ...ALL_STATUSES] as NodeId[]) {
    const col = rank.get(node) ?? 0;
    const size = node === START_NODE ? START_R * 2 : 0;
    byNode.set(node, add({ id: node, node, col, x: 0, y: 0, w: size || nodeW, h: size || NODE_H }));
  }
  const routes: Route[] = [];
  for (const edge of edges) {
    const from = byNode.get(edge.from);
    const to = byNode.get(edge.to);
    if (!from || !to) continue;
    const step = to.col > from.col ? 1 : -1;
    const chain = [from];
    for (let c = from.col + step; to.col !== from.col && c !== to.col; c += step) {
      chain.push(
        add({ id: `${edge.from}>${edge.to}@${c}`, node: null, col: c, x: 0, y: 0, w: nodeW, h: DUMMY_H }),
      );
    }
    chain.push(to);
    const mode = to.col === from.col ? "loop" : step > 0 ? "forward" : "back";
    const [fromSide, toSide]: Side[] =
      mode === "forward" ? ["R", "L"] : mode === "back" ? ["L", "R"] : ["R", "R"];
    routes.push({ edge, chain, mode, fromSide: fromSide ?? "R", toSide: toSide ?? "R" });
  }
  return { columns, routes };
}

/** Orders each column by barycenter sweeps, stacks and centres the columns, picks loop sides. */
function place(columns: Item[][], routes: readonly Route[]): void {
  const partners = new Map<Item, Item[]>();
  for (const { chain } of routes) {
    chain.forEach((a, i) => {
      const b = chain[i + 1];
      if (!b || a.col === b.col) return;
      partners.set(a, [...(partners.get(a) ?? []), b]);
      partners.set(b, [...(partners.get(b) ?? []), a]);
    });
  }
  const stack = (col: Item[]): void => {
    let y = -(col.reduce((sum, it) => sum + it.h, 0) + ROW_GAP * (col.length - 1)) / 2;
    for (const it of col) {
      it.y = y + it.h / 2;
      y += it.h + ROW_GAP;
    }
  };
  columns.forEach(stack);
  const sweep = (c: number, ref: number): void => {
    const col = columns[c];
    if (!col) return;
    const score = (it: Item): number => {
      const near = (partners.get(it) ?? []).filter((p) => p.col === ref);
      return near.length === 0 ? it.y : near.reduce((sum, p) => sum + p.y, 0) / near.length;
    };
    const scored = col.map((it, i) => ({ it, i, s: score(it) }));
    scored.sort((a, b) => a.s - b.s || a.i - b.i);
    columns[c] = scored.map((x) => x.it);
    stack(columns[c] ?? []);
  };
  for (let pass = 0; pass < 6; pass++) {
    for (let c = 1; c < columns.length; c++) sweep(c, c - 1);
    for (let c = columns.length - 2; c >= 1; c--) sweep(c, c + 1);
  }
  const top = Math.min(...columns.flat().map((it) => it.y - it.h / 2));
  let x = MARGIN;
  columns.forEach((col, c) => {
    for (const it of col) Object.assign(it, { x, y: it.y + TOP - top });
    x += (col[0]?.w ?? 0) + (c === 0 ? COL_GAP * 0.6 : COL_GAP);
  });
  for (const r of routes) {
    if (r.mode !== "loop") continue;
    const [a, b] = [r.chain[0], r.chain[1]];
    const col = a ? (columns[a.col] ?? []) : [];
    if (!a || !b || Math.abs(col.indexOf(a) - col.indexOf(b)) > 1) continue;
    r.fromSide = b.y > a.y ? "B" : "T";
    r.toSide = b.y > a.y ? "T" : "B";
  }
}

/** Spreads the edge ends on each side of each box, ordered by the position of the other end. */
function portPoints(routes: readonly Route[]): Map<string, [number, number]> {
  const groups = new Map<string, { key: string; it: Item; side: Side; ref: Item }[]>();
  routes.forEach((r, i) => {
    const ends = [
      { key: `${i}:from`, it: r.chain[0], side: r.fromSide, ref: r.chain[1] },
      { key: `${i}:to`, it: r.chain[r.chain.length - 1], side: r.toSide, ref: r.chain[r.chain.length - 2] },
    ];
    for (const { key, it, side, ref } of ends) {
      if (!it || !ref) continue;
      const g = `${it.id}:${side}`;
      groups.set(g, [...(groups.get(g) ?? []), { key, it, side, ref }]);
    }
  });
  const points = new Map<string, [number, number]>();
  for (const ends of groups.values()) {
    const vertical = ends[0]?.side === "L" || ends[0]?.side === "R";
    ends.sort((p, q) => (vertical ? p.ref.y - q.ref.y : p.ref.x - q.ref.x));
    ends.forEach(({ key, it, side }, i) => {
      const f = (i + 1) / (ends.length + 1);
      const top = it.y - it.h / 2;
      if (side === "L") points.set(key, [it.x, top + it.h * f]);
      else if (side === "R") points.set(key, [it.x + it.w, top + it.h * f]);
      else points.set(key, [it.x + it.w * f, side === "T" ? top : top + it.h]);
    });
  }
  return points;
}

function edgePath(r: Route, start: [number, number], end: [number, number]): string {
  const p = (x: number, y: number): string => `${num(x)},${num(y)}`;
  const [x1, y1] = start;
  const [x2, y2] = end;
  if (r.mode === "loop") {
    if (r.fromSide !== "R") return `M${p(x1, y1)} L${p(x2, y2)}`;
    const bulge = 30 + Math.abs(y2 - y1) / 6;
    return `M${p(x1, y1)} C${p(x1 + bulge, y1)} ${p(x2 + bulge, y2)} ${p(x2, y2)}`;
  }
  const pts: [number, number][] = [start];
  for (const d of r.chain.slice(1, -1)) {
    const [enter, leave] = r.mode === "forward" ? [d.x, d.x + d.w] : [d.x + d.w, d.x];
    pts.push([enter, d.y], [leave, d.y]);
  }
  pts.push(end);
  let d = `M${p(x1, y1)}`;
  for (let i = 1; i < pts.length; i++) {
    const [ax, ay] = pts[i - 1] ?? start;
    const [bx, by] = pts[i] ?? end;
    const mx = (ax + bx) / 2;
    d += i % 2 === 0 ? ` L${p(bx, by)}` : ` C${p(mx, ay)} ${p(mx, by)} ${p(bx, by)}`;
  }
  return d;
}

function renderNode(node: NodeId, b: Item): string {
  const p = PALETTE[kindOf(node)];
  const cx = num(b.x + b.w / 2);
  const top = b.y - b.h / 2;
  if (node === START_NODE) {
    return `<g class="node start" data-status="START"><title>START: before the invocation exists</title><circle cx="${cx}" cy="${num(b.y)}" r="${START_R}" fill="${p.fill}"/><text x="${cx}" y="${num(b.y + 3)}" class="start-label">START</text></g>`;
  }
  const def = STATUS_TABLE[node];
  const badges = statusBadges(node).filter((x) => x !== "final" && x !== "recovery");
  const sub = def.final ? "final" : badges.join(" · ") || "transition";
  return [
    `<g class="node ${kindOf(node)}" data-status="${node}">`,
    `<title>${esc(`${node}: ${def.description}`)}</title>`,
    `<rect x="${num(b.x)}" y="${num(top)}" width="${num(b.w)}" height="${num(b.h)}" rx="10" fill="${p.fill}" stroke="${p.stroke}" stroke-width="${def.final ? 2.5 : 1.5}"/>`,
    `<text x="${cx}" y="${num(top + 20)}" class="name" fill="${p.text}">${node}</text>`,
    `<text x="${cx}" y="${num(top + 36)}" class="badges" fill="${p.text}">${esc(sub)}</text>`,
    "</g>",
  ].join("");
}

function renderLegend(x: number, y: number): string {
  const parts = [`<text x="${num(x)}" y="${num(y)}" class="legend-title">Legend</text>`];
  let lx = x;
  for (const kind of ["available", "owned", "recovery", "transit", "final"] as const) {
    const p = PALETTE[kind];
    parts.push(
      `<rect x="${num(lx)}" y="${num(y + 10)}" width="22" height="14" rx="4" fill="${p.fill}" stroke="${p.stroke}" stroke-width="1.5"/>`,
      `<text x="${num(lx + 30)}" y="${num(y + 21)}" class="legend">${esc(p.label)}</text>`,
    );
    lx += 44 + p.label.length * 6.2;
  }
  const ly = y + 17;
  parts.push(
    `<path d="M${num(lx)},${num(ly)} h34" class="edge-line" stroke="#4a5568" marker-end="url(#arrow-transit)"/>`,
    `<text x="${num(lx + 44)}" y="${num(ly + 4)}" class="legend">forward</text>`,
    `<path d="M${num(lx + 110)},${num(ly)} h34" class="edge-line back" stroke="#4a5568" marker-end="url(#arrow-transit)"/>`,
    `<text x="${num(lx + 154)}" y="${num(ly + 4)}" class="legend">back / loop (edge colour = target)</text>`,
  );
  return parts.join("\n");
}

/** The status machine as a deterministic, self-contained SVG document. */
export function renderStatusMachineSvg(): string {
  const edges = statusTransitions();
  const { columns, routes } = buildLayers(edges);
  place(columns, routes);
  const items = columns.flat();
  const points = portPoints(routes);
  const width = Math.max(...items.map((b) => b.x + b.w)) + MARGIN + 40;
  const legendY = Math.max(...items.map((b) => b.y + b.h / 2)) + 44;
  const height = legendY + 48;
  const kinds = Object.keys(PALETTE) as Kind[];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(width)} ${num(height)}" width="${num(width)}" height="${num(height)}" font-family="ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    "<title>tsnenc invocation status state machine</title>",
    "<style>.name{font:600 13px ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;text-anchor:middle}.badges{font-size:10.5px;text-anchor:middle;opacity:.85}.start-label{font-size:8.5px;font-weight:700;fill:#fff;text-anchor:middle}.edge-line{fill:none;stroke-width:1.4}.back{stroke-dasharray:5 4}.edge:hover .edge-line{stroke-width:3}.legend{font-size:11.5px;fill:#2d3748}.legend-title{font-size:12px;font-weight:700;fill:#2d3748}.heading{font-size:20px;font-weight:700;fill:#1f2933}.sub{font-size:12px;fill:#52606d}</style>",
    "<defs>",
    ...kinds.map(
      (k) =>
        `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0.5 L10,5 L0,9.5 z" fill="${PALETTE[k].stroke}"/></marker>`,
    ),
    "</defs>",
    `<rect width="100%" height="100%" fill="#fcfcfd"/>`,
    `<text x="${MARGIN}" y="36" class="heading">Invocation status state machine</text>`,
    `<text x="${MARGIN}" y="58" class="sub">Generated from src/status/status-table.ts by \`tsnenc status render --format svg\`; columns are BFS depth from START.</text>`,
  ];
  routes.forEach((r, i) => {
    const a = points.get(`${i}:from`);
    const b = points.get(`${i}:to`);
    if (!a || !b) return;
    const kind = kindOf(r.edge.to);
    const cls = r.mode === "forward" ? "edge-line" : "edge-line back";
    out.push(
      `<g class="edge" data-from="${r.edge.from}" data-to="${r.edge.to}"><title>${r.edge.from} -&gt; ${r.edge.to}</title><path d="${edgePath(r, a, b)}" class="${cls}" stroke="${PALETTE[kind].stroke}" marker-end="url(#arrow-${kind})"/></g>`,
    );
  });
  for (const it of items) if (it.node) out.push(renderNode(it.node, it));
  out.push(renderLegend(MARGIN, legendY), "</svg>");
  return `${out.join("\n")}\n`;
}
