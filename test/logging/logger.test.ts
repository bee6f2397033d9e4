import { describe, expect, it } from "vitest";
import { type ExecutionContext, runInExecutionContext } from "../../src/context/execution-context.js";
import { createLogger, type LoggerOptions } from "../../src/logging/index.js";

const FIXED = new Date("2025-01-02T03:04:05.678Z");

function fakeContext(overrides: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    appId: "app1",
    runner: {
      runnerId: "0123456789abcdef",
      runnerClass: "ThreadRunner",
      waitingForResults: async () => {},
    },
    invocationId: "inv-1",
    taskId: "mod.add",
    workflowId: null,
    signal: null,
    ...overrides,
  };
}

function capture(options: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  const logger = createLogger({
    appId: "app1",
    level: "debug",
    format: "text",
    stream: { write: (line: string) => lines.push(line) },
    now: () => FIXED,
    ...options,
  });
  return { logger, lines };
}

describe("createLogger text format", () => {
  it("writes one line with time, level, name, message and fields", () => {
    const { logger, lines } = capture();
    logger.info("hello world", { count: 3, who: "me", phrase: "two words", ok: true });
    expect(lines).toEqual([
      '2025-01-02T03:04:05.678Z INFO    tsnenc.app1 hello world count=3 who=me phrase="two words" ok=true\n',
    ]);
    expect(logger.name).toBe("tsnenc.app1");
  });

  it("injects the execution context of its app", () => {
    const { logger, lines } = capture();
    runInExecutionContext(fakeContext(), () => logger.warn("in task"));
    runInExecutionContext(fakeContext({ invocationId: null, taskId: null }), () => logger.error("in runner"));
    runInExecutionContext(fakeContext({ appId: "other" }), () => logger.info("other app"));
    expect(lines).toEqual([
      "2025-01-02T03:04:05.678Z WARNING tsnenc.app1 [ThreadRunner(01234567) inv-1:mod.add] in task\n",
      "2025-01-02T03:04:05.678Z ERROR   tsnenc.app1 [ThreadRunner(01234567)] in runner\n",
      "2025-01-02T03:04:05.678Z INFO    tsnenc.app1 other app\n",
    ]);
  });

  it("lets bindings and fields override the context", () => {
    const { logger, lines } = capture();
    const child = logger.child({ invocationId: "inv-bound", component: "broker" });
    runInExecutionContext(fakeContext(), () => {
      child.info("a");
      child.info("b", { taskId: "explicit", component: "orchestrator" });
    });
    expect(lines[0]).toContain("[ThreadRunner(01234567) inv-bound:mod.add] a component=broker");
    expect(lines[1]).toContain("[ThreadRunner(01234567) inv-bound:explicit] b component=orchestrator");
  });

  it("renders errors with their stack on the following lines", () => {
    const { logger, lines } = capture();
    logger.error("failed", { err: new TypeError("bad input") });
    const [line] = lines;
    expect(line).toContain('failed err="TypeError: bad input"\n    TypeError: bad input\n');
    expect(line).toMatch(/\n\s+at /);
  });

  it("colours only when asked or when the stream is a TTY", () => {
    const plain = capture();
    plain.logger.info("x");
    expect(plain.lines[0]).not.toContain("\x1b[");
    const tty = capture({ stream: { write: (l: string) => plain.lines.push(l), isTTY: true }, colors: true });
    tty.logger.info("x");
    expect(plain.lines[1]).toContain("\x1b[32mINFO");
  });
});

describe("createLogger json format", () => {
  it("writes one object per line with context and fields", () => {
    const { logger, lines } = capture({ format: "json" });
    runInExecutionContext(fakeContext(), () => logger.info("done", { result: { a: 1 }, message: "clash" }));
    logger.debug("outside");
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      timestamp: "2025-01-02T03:04:05.678Z",
      level: "info",
      logger: "tsnenc.app1",
      message: "done",
      runnerClass: "ThreadRunner",
      runnerId: "0123456789abcdef",
      invocationId: "inv-1",
      taskId: "mod.add",
      result: { a: 1 },
      field_message: "clash",
    });
    expect(JSON.parse(lines[1] ?? "")).toEqual({
      timestamp: "2025-01-02T03:04:05.678Z",
      level: "debug",
      logger: "tsnenc.app1",
      message: "outside",
    });
  });

  it("renders errors with name, message and stack", () => {
    const { logger, lines } = capture({ format: "json" });
    const err = Object.assign(new RangeError("too big", { cause: new Error("root") }), { code: "E_BIG" });
    logger.error("failed", { err, big: 10n });
    const parsed = JSON.parse(lines[0] ?? "");
    expect(parsed.err).toMatchObject({ name: "RangeError", message: "too big", code: "E_BIG" });
    expect(parsed.err.stack).toContain("RangeError: too big");
    expect(parsed.err.cause).toMatchObject({ name: "Error", message: "root" });
    expect(parsed.big).toBe("10");
  });

  it("survives cycles", () => {
    const { logger, lines } = capture({ format: "json" });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    logger.info("cyc", { cyclic });
    expect(JSON.parse(lines[0] ?? "").cyclic).toEqual({ a: 1, self: "[Circular]" });
  });
});

describe("levels", () => {
  it("filters lines below the level, before formatting", () => {
    const { logger, lines } = capture({ level: "warning" });
    let evaluated = false;
    const fields = {
      get lazy() {
        evaluated = true;
        return 1;
      },
    };
    logger.debug("d", fields);
    logger.info("i", fields);
    logger.warn("w");
    logger.error("e");
    expect(evaluated).toBe(false);
    expect(lines.map((l) => l.split(" ")[1])).toEqual(["WARNING", "ERROR"]);
    expect(logger.isLevelEnabled("info")).toBe(false);
  });

  it("changes at run time, for children too", () => {
    const { logger, lines } = capture({ level: "error" });
    const child = logger.child({ part: "x" });
    child.info("hidden");
    logger.setLevel("info");
    child.info("shown");
    logger.level = "error";
    expect(child.level).toBe("error");
    child.warn("hidden again");
    child.level = "debug";
    logger.debug("debug now");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("shown part=x");
    expect(lines[1]).toContain("debug now");
    expect(() => logger.setLevel("loud" as "info")).toThrow(/unknown log level/);
  });

  it("child bindings merge with the parent's", () => {
    const { logger, lines } = capture();
    logger.child({ a: 1 }).child({ b: 2, a: 3 }).info("m", { c: 4 });
    expect(lines[0]).toContain("m a=3 b=2 c=4");
  });

  it("writes to process.stderr by name, one write per line", () => {
    const writes: string[] = [];
    const original = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      writes.push(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      createLogger({ appId: "s", level: "info", format: "json", stream: "stderr" }).info("to stderr");
    } finally {
      process.stderr.write = original;
    }
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0] ?? "").logger).toBe("tsnenc.s");
  });

  it("never throws from a broken sink", () => {
    const logger = createLogger({
      appId: "b",
      level: "info",
      format: "text",
      stream: {
        write: () => {
          throw new Error("closed");
        },
      },
    });
    expect(() => logger.info("x")).not.toThrow();
  });
});
