import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashToken } from "./auth.js";
import { loadServiceConfig, parseServiceConfig } from "./service-config.js";

const base = {
  journal: { path: "j.db" },
  sources: [{ id: "DESK", tokenSha256: hashToken("t1") }],
};

describe("service config", () => {
  it("fills the defaults and resolves paths against the config's folder", () => {
    const c = parseServiceConfig(base, "serve.yaml", "/etc/tributary");
    expect(c.journalPath).toBe("/etc/tributary/j.db");
    expect(c.http).toMatchObject({ host: "127.0.0.1", port: 8080, tls: null, maxBatchOrders: 1000 });
    expect(c.shutdown).toEqual({ children: "cancel", graceSeconds: 5 });
    expect(c.fix).toBeNull();
    expect(c.releaseDoneOrdersAfter).toBe(60);
    expect(
      parseServiceConfig({ ...base, engine: { releaseDoneOrdersAfter: null } }, "s", "/").releaseDoneOrdersAfter,
    ).toBe(null);
    expect(c.reference).toMatch(/config[/\\]demo\.yaml$/);
  });

  it.each([
    [{ ...base, journal: undefined }, "serve.yaml: journal: missing"],
    [{ ...base, http: { port: 70000 } }, "serve.yaml: http.port: must be at most 65535"],
    [{ ...base, sources: [{ id: "DESK", tokenSha256: "abc" }] }, "serve.yaml: sources[0].tokenSha256: a SHA-256"],
    [{ ...base, colour: "red" }, "serve.yaml: colour: unknown field"],
    [
      { ...base, engine: { releaseDoneOrdersAfter: -1 } },
      "serve.yaml: engine.releaseDoneOrdersAfter: must be at least 0",
    ],
    [{ ...base, shutdown: { children: "drop" } }, "serve.yaml: shutdown.children:"],
    [
      { ...base, admins: [{ id: "DESK", tokenSha256: hashToken("t2") }] },
      'serve.yaml: admins[0].id: "DESK" is already the id of sources[0]',
    ],
    [
      { ...base, admins: [{ id: "ops", tokenSha256: hashToken("t1") }] },
      "serve.yaml: admins[0].tokenSha256: the same token as sources[0]",
    ],
    [
      { ...base, fix: { port: 0, sessions: [{ senderCompId: "T", targetCompId: "DESK" }] } },
      'serve.yaml: fix.sessions[0].id: "DESK" is already the id of sources[0]',
    ],
    [{ ...base, fix: { port: 0, sessions: [{ senderCompId: "T" }] } }, "serve.yaml: fix: sessions[0].targetCompId:"],
    [{ ...base, risk: { priceCollar: "2" } }, "serve.yaml: risk: priceCollar:"],
    [{ journal: { path: "j.db" } }, "serve.yaml: sources: at least one HTTP source or FIX session"],
  ])("refuses %j with one line naming the field", (value, message) => {
    expect(() => parseServiceConfig(value, "serve.yaml", "/tmp")).toThrow(message);
  });

  it("loads the documented example", () => {
    const c = loadServiceConfig(join(import.meta.dirname, "..", "..", "examples", "serve.yaml"));
    expect(c.sources.map((s) => s.id)).toEqual(["DESK", "ROBO"]);
    expect(c.fix?.gateway.sessions[0]?.id).toBe("OMS1");
    expect(c.releaseDoneOrdersAfter).toBe(60);
  });
});
