import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderStatusMachineSvg } from "../../src/status/render-svg.js";

const SVG_PATH = fileURLToPath(new URL("../../docs/invocation-state-machine.svg", import.meta.url));
const REGENERATE =
  "docs/invocation-state-machine.svg is stale or missing. Regenerate it with: " +
  "npx tsx src/cli/main.ts status render --format svg --output docs/invocation-state-machine.svg";

describe("docs/invocation-state-machine.svg", () => {
  it("matches the renderer output for the current status table", () => {
    const committed = existsSync(SVG_PATH) ? readFileSync(SVG_PATH, "utf8").replace(/\r\n/g, "\n") : null;
    expect(committed === renderStatusMachineSvg(), REGENERATE).toBe(true);
  });
});
