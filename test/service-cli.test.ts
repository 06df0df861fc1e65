/**
 * `tributary serve` mistakes print one line naming the file and field and exit 2; `serve hash-token` prints a hash; a
 * SIGTERM while the service starts stops it gracefully.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashToken } from "../src/service/auth.js";
import { CLI, serviceConfig, tempDir } from "./service-fixtures.js";

const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [CLI, "serve", ...args], { encoding: "utf8", timeout: 20_000, input });

describe("tributary serve", () => {
  const dir = tempDir();
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "journal: { path: j.db }\nsources:\n  - id: DESK\n    tokenSha256: nothex\n");
  const taken = serviceConfig(dir, { sources: [{ id: "DESK", token: "t" }] });
  writeFileSync(join(dir, "journal.db"), "");
  const fresh = serviceConfig(dir, {
    sources: [{ id: "DESK", token: "t" }],
    extra: { journal: { path: "fresh.db" } },
    file: "fresh.yaml",
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [[], /serve: --config FILE is required/],
    [["--config", join(dir, "none.yaml")], /none\.yaml: no such file$/],
    [["--config", bad], /bad\.yaml: sources\[0\]\.tokenSha256: a SHA-256 as 64 lowercase hex digits/],
    [["--config", taken], /journal\.path: .*journal\.db already exists \(continue it with --resume/],
    [["--config", taken, "--resume"], /journal\.path: .*journal\.db: not a Tributary journal/],
    [["--config", fresh, "--resume"], /journal\.path: .*fresh\.db does not exist: there is nothing to resume$/],
  ])("refuses %j with one clear line and exit code 2", (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("refuses a certificate that is not PEM, and a port it cannot bind, before it makes a journal", async () => {
    writeFileSync(join(dir, "bad.crt"), "not a certificate\n");
    writeFileSync(join(dir, "bad.key"), "not a key\n");
    const tls = serviceConfig(dir, {
      sources: [{ id: "DESK", token: "t" }],
      http: { tls: { cert: join(dir, "bad.crt"), key: join(dir, "bad.key") } },
      extra: { journal: { path: "tls.db" } },
      file: "tls.yaml",
    });
    const notPem = run(["--config", tls]);
    expect(notPem.status).toBe(2);
    expect(notPem.stderr.trim()).toMatch(/^tributary: http\.tls: .*bad\.crt and .*bad\.key: .*PEM/);
    expect(existsSync(join(dir, "tls.db"))).toBe(false);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const busy = serviceConfig(dir, {
        sources: [{ id: "DESK", token: "t" }],
        http: { port },
        extra: { journal: { path: "busy.db" } },
        file: "busy.yaml",
      });
      const r = run(["--config", busy]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(
        new RegExp(`^tributary: http\\.port: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
      );
      expect(existsSync(join(dir, "busy.db"))).toBe(false);
    } finally {
      taken.close();
    }
  });

  it("hash-token prints the SHA-256 of a token given as an argument or on stdin", () => {
    expect(run(["hash-token", "s3cret"]).stdout).toBe(`${hashToken("s3cret")}\n`);
    expect(run(["hash-token"], "s3cret\n").stdout).toBe(`${hashToken("s3cret")}\n`);
  });

  it("stops gracefully on a SIGTERM sent while it starts (its first log line, before it listens)", async () => {
    const starting = serviceConfig(dir, {
      sources: [{ id: "DESK", token: "t" }],
      fix: { port: 0, sessions: [{ id: "OMS1", senderCompId: "TRIBUTARY", targetCompId: "OMS1" }] },
      extra: { journal: { path: "starting.db" } },
      file: "starting.yaml",
    });
    const child = spawn(process.execPath, [CLI, "serve", "--config", starting], { stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    let partial = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const text = partial + chunk.toString("utf8");
      const complete = text.split("\n");
      partial = complete.pop() ?? "";
      if (lines.length === 0 && complete.length > 0) child.kill("SIGTERM");
      lines.push(...complete);
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    // The first line is the FIX warm-up's, logged before the service listens.
    expect(messages[0]).toBe("FIX order path warmed up");
    expect(exit).toEqual({ code: 0, signal: null });
    expect(messages).toContain("listening");
    expect(messages.slice(-2)).toEqual(["stopping: intake closed", "stopped: journal flushed and closed"]);
  });
});
