import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashToken } from "./auth.js";
import { loadServiceConfig, parseServiceConfig, publicConfig } from "./service-config.js";

const base = {
  journal: { path: "j.db" },
  sources: [{ id: "DESK", tokenSha256: hashToken("t1") }],
};

describe("service config", () => {
  it("fills the defaults and resolves paths against the config's folder", () => {
    const c = parseServiceConfig(base, "serve.yaml", "/etc/tributary");
    expect(c.journal).toEqual({ kind: "sqlite", path: "/etc/tributary/j.db", synchronous: "full" });
    expect(c.snapshotEvery).toBe(100_000);
    expect(c.snapshotPath).toBe("/etc/tributary/j.db.snapshot");
    expect(c.http).toMatchObject({ host: "127.0.0.1", port: 8080, tls: null, maxBatchOrders: 1000 });
    expect(c.shutdown).toEqual({ children: "cancel", graceSeconds: 5, drainSeconds: 1 });
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
    [{ sources: base.sources, jornal: { path: "j.db" } }, "serve.yaml: jornal: unknown field"],
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
    [{ ...base, fixVenues: [{ venue: "LIT1" }] }, "serve.yaml: fixVenues[0].port: missing"],
    [{ ...base, fixVenues: [{ venue: "LIT1", port: 0 }] }, "serve.yaml: fixVenues[0].port: must be at least 1"],
    [
      { ...base, fixVenues: [{ venue: "LIT1", port: 9, password: "x" }] },
      "serve.yaml: fixVenues[0].password: unknown field",
    ],
    [
      { ...base, fixVenues: [{ venue: "LIT1", port: 9, tls: { ca: "" } }] },
      "serve.yaml: fixVenues[0].tls.ca: must not be empty",
    ],
    [
      { ...base, fixVenues: [{ venue: "LIT1", port: 9, heartBtInt: 0.5 }] },
      "serve.yaml: fixVenues[0].heartBtInt: must be a whole number",
    ],
    [
      {
        ...base,
        fixVenues: [
          { venue: "LIT1", port: 9 },
          { venue: "LIT1", port: 10 },
        ],
      },
      'serve.yaml: fixVenues[1].venue: "LIT1" is already fixVenues[0]',
    ],
    [
      { ...base, fixVenues: [{ venue: "LIT1", port: 9, reconnect: { minMillis: 500, maxMillis: 100 } }] },
      "serve.yaml: fixVenues[0].reconnect.maxMillis: 100 is below minMillis 500",
    ],
    [
      { ...base, journal: {} },
      "serve.yaml: journal: give path (a SQLite file) or pg (a postgres:// URL) for the journal",
    ],
    [{ ...base, journal: { path: "j.db", pg: "postgres://h/d" } }, "serve.yaml: journal: give path or pg, not both"],
    [{ ...base, journal: { pg: "mysql://h/d" } }, "serve.yaml: journal.pg: a postgres:// URL"],
    [{ ...base, journal: { path: "j.db", schema: "s" } }, "serve.yaml: journal.schema: only with journal.pg"],
    [
      { ...base, journal: { pg: "postgres://h/d", snapshotEvery: 10 } },
      "serve.yaml: journal.snapshotEvery: with journal.pg, name the snapshot file too (journal.snapshot)",
    ],
    [
      { ...base, journal: { path: "j.db", snapshot: "s" } },
      "serve.yaml: journal.snapshot: only with journal.pg (a SQLite journal keeps its snapshots beside it)",
    ],
  ])("refuses %j with one line naming the field", (value, message) => {
    expect(() => parseServiceConfig(value, "serve.yaml", "/tmp")).toThrow(message);
  });

  it("fills a FIX venue's defaults: our CompID TRIBUTARY, theirs the venue id, its market data on", () => {
    const c = parseServiceConfig({ ...base, fixVenues: [{ venue: "LIT1", port: 9880 }] }, "serve.yaml", "/tmp");
    expect(c.fixVenues).toEqual([
      {
        venue: "LIT1",
        host: "127.0.0.1",
        port: 9880,
        senderCompId: "TRIBUTARY",
        targetCompId: "LIT1",
        heartBtInt: 30,
        minBackoffMillis: 100,
        maxBackoffMillis: 5000,
        resetOnEveryLogon: false,
        marketData: true,
        tls: null,
        passwordFile: null,
      },
    ]);
    const secured = parseServiceConfig(
      { ...base, fixVenues: [{ venue: "LIT1", port: 9880, tls: { ca: "ca.pem" }, passwordFile: "lit1.password" }] },
      "serve.yaml",
      "/etc/tributary",
    );
    expect(secured.fixVenues[0]).toMatchObject({
      tls: { ca: "/etc/tributary/ca.pem", serverName: null },
      passwordFile: "/etc/tributary/lit1.password",
    });
  });

  it("loads the documented FIX venues example", () => {
    const c = loadServiceConfig(join(import.meta.dirname, "..", "..", "examples", "serve-fix-venues.yaml"));
    expect(c.fixVenues.map((f) => [f.venue, f.port, f.targetCompId])).toEqual([
      ["LITA", 9890, "LITA"],
      ["LITB", 9890, "LITB"],
      ["DRKP", 9890, "DRKP"],
    ]);
    expect(c.reference).toMatch(/config[/\\]demo\.yaml$/);
  });

  it("takes a PostgreSQL journal: URL, schema (default public), snapshots only in a file named; the password hidden", () => {
    const c = parseServiceConfig({ ...base, journal: { pg: "postgres://ops:pw@db/x", schema: "live" } }, "s", "/tmp");
    expect(c.journal).toEqual({ kind: "postgres", url: "postgres://ops:pw@db/x", schema: "live" });
    // Done orders are released after a minute, as with SQLite (read back from PostgreSQL).
    expect(c.releaseDoneOrdersAfter).toBe(60);
    expect(publicConfig(c).journal).toBe("postgres://ops:***@db/x (schema live)");
    expect(c.snapshotPath).toBeNull();
    const snap = { pg: "postgres://db/x", snapshot: "live.snapshot", snapshotEvery: 500 };
    expect(parseServiceConfig({ ...base, journal: snap }, "s", "/srv")).toMatchObject({
      snapshotPath: "/srv/live.snapshot",
      snapshotEvery: 500,
    });
    expect(parseServiceConfig({ ...base, journal: { pg: "postgresql://db/x" } }, "s", "/").journal).toMatchObject({
      schema: "public",
    });
  });

  it("keeps the FIX store in PostgreSQL when fix.store is a postgres:// URL (fix.storeSchema, default public)", () => {
    const fix = { port: 0, sessions: [{ senderCompId: "T", targetCompId: "OMS" }] };
    const c = parseServiceConfig(
      { ...base, fix: { ...fix, store: "postgres://ops:pw@db/x", storeSchema: "fix" } },
      "s",
      "/",
    );
    expect(c.fix?.store).toEqual({ kind: "postgres", url: "postgres://ops:pw@db/x", schema: "fix" });
    expect(publicConfig(c).fix?.store).toBe("postgres://ops:***@db/x (schema fix)");
    expect(parseServiceConfig({ ...base, fix: { ...fix, store: "f.db" } }, "s", "/etc").fix?.store).toEqual({
      kind: "sqlite",
      path: "/etc/f.db",
    });
    expect(() =>
      parseServiceConfig({ ...base, fix: { ...fix, store: "f.db", storeSchema: "x" } }, "s.yaml", "/"),
    ).toThrow("s.yaml: fix.storeSchema: only with a PostgreSQL fix.store (a postgres:// URL)");
  });

  it("keeps the FIX store in the journal's SQLite file or PostgreSQL schema with fix.store: journal", () => {
    const fix = { port: 0, store: "journal", sessions: [{ senderCompId: "T", targetCompId: "OMS" }] };
    const c = parseServiceConfig({ ...base, fix }, "s", "/etc");
    expect(c.fix?.store).toEqual({ kind: "journal" });
    expect(publicConfig(c).fix?.store).toBe("journal");
    expect(parseServiceConfig({ ...base, fix: { ...fix, store: "./journal" } }, "s", "/etc").fix?.store).toEqual({
      kind: "sqlite",
      path: "/etc/journal",
    });
    const pg = parseServiceConfig({ ...base, journal: { pg: "postgres://db/x", schema: "live" }, fix }, "s.yaml", "/");
    expect(pg.fix?.store).toEqual({ kind: "journal" });
    expect(pg.journal).toEqual({ kind: "postgres", url: "postgres://db/x", schema: "live" });
  });

  it("warms the FIX order path up with fix.warmUp orders (default 2,000; 0: none; a whole number)", () => {
    const fix = { port: 0, sessions: [{ senderCompId: "T", targetCompId: "OMS" }] };
    expect(parseServiceConfig({ ...base, fix }, "s", "/").fix?.warmUp).toBe(2000);
    const none = parseServiceConfig({ ...base, fix: { ...fix, warmUp: 0 } }, "s", "/");
    expect(none.fix?.warmUp).toBe(0);
    expect(publicConfig(none).fix?.warmUp).toBe(0);
    expect(() => parseServiceConfig({ ...base, fix: { ...fix, warmUp: 1.5 } }, "s.yaml", "/")).toThrow(
      "s.yaml: fix.warmUp: must be a whole number",
    );
  });

  it("shares fills pro-rata by default, or as engine.allocation says (fifo, by-account with its accounts)", () => {
    expect(parseServiceConfig(base, "s", "/").allocation).toEqual({ policy: "pro-rata" });
    const byAccount = { policy: "by-account", accounts: ["BIG", "SMALL"] };
    const c = parseServiceConfig({ ...base, engine: { allocation: byAccount } }, "s", "/");
    expect(c.allocation).toEqual(byAccount);
    expect(publicConfig(c).allocation).toEqual(byAccount);
    expect(parseServiceConfig({ ...base, engine: { allocation: { policy: "fifo" } } }, "s", "/").allocation).toEqual({
      policy: "fifo",
    });
    expect(() =>
      parseServiceConfig({ ...base, engine: { allocation: { policy: "by-account", accounts: [] } } }, "s.yaml", "/"),
    ).toThrow("s.yaml: engine.allocation.accounts: name at least one account");
    expect(() => parseServiceConfig({ ...base, engine: { allocation: { policy: "random" } } }, "s.yaml", "/")).toThrow(
      /^s\.yaml: engine\.allocation\.policy: /,
    );
  });

  it("loads the documented example", () => {
    const c = loadServiceConfig(join(import.meta.dirname, "..", "..", "examples", "serve.yaml"));
    expect(c.sources.map((s) => s.id)).toEqual(["DESK", "ROBO"]);
    expect(c.fix?.gateway.sessions[0]?.id).toBe("OMS1");
    expect(c.releaseDoneOrdersAfter).toBe(60);
  });
});
