import { Writable } from "node:stream";
import type { Logger } from "pino";
import { describe, expect, it, vi } from "vitest";
import { createLogger } from "./logger.js";
import { lazyRequestLogger } from "./request-logger.js";

function capture(level: string): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

const withoutTime = (line: Record<string, unknown> | undefined) => ({ ...line, time: undefined });

describe("lazyRequestLogger", () => {
  it("makes no child while nothing is logged at an enabled level", () => {
    const { logger, lines } = capture("info");
    const child = vi.spyOn(logger, "child");
    const log = lazyRequestLogger(logger, { reqId: "req-1" }, {});
    log.debug({ clOrdId: "o1" }, "order accepted");
    log.trace("nothing");
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(log.level).toBe("info");
    expect(log.isLevelEnabled("info")).toBe(true);
  });

  it("logs what the eager child logs: its bindings, redaction and all, making the child once", () => {
    const { logger, lines } = capture("debug");
    const child = vi.spyOn(logger, "child");
    const lazy = lazyRequestLogger(logger, { reqId: "req-7" }, {});
    lazy.info({ error: "invalid-side", authorization: "Bearer secret" }, "refused");
    lazy.debug("again");
    const eager = logger.child({ reqId: "req-7" });
    eager.info({ error: "invalid-side", authorization: "Bearer secret" }, "refused");
    expect(child).toHaveBeenCalledTimes(2);
    expect(lines).toHaveLength(3);
    expect(withoutTime(lines[0])).toEqual(withoutTime(lines[2]));
    expect(lines[0]).toMatchObject({ reqId: "req-7", authorization: "[redacted]", msg: "refused" });
    expect(lines[1]).toMatchObject({ reqId: "req-7", msg: "again" });
    expect(lazy.bindings()).toMatchObject({ reqId: "req-7" });
  });

  it("makes a child with options of its own at once", () => {
    const { logger } = capture("info");
    const log = lazyRequestLogger(logger, { reqId: "req-2" }, { level: "warn" });
    expect(log.level).toBe("warn");
    expect(Object.getPrototypeOf(log)).toBe(logger);
  });
});
