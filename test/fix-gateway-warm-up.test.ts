/**
 * The FIX gateway's warm-up (runtime/gateway-warm-up.ts) against the demo's reference data, in a process of its own:
 * every order of the warm-up is acknowledged, replaced or asked for, and cancelled through a scratch gateway over
 * loopback TCP (with a scratch SQLite journal holding the FIX store, or beside it, or none); then nothing it built is
 * left: no temporary directory, and no timer, socket or server keeps the process alive, so it exits by itself (a
 * scratch market left running would trade beside the real one all day). And through `tributary fix gateway`: the
 * listening line says how the warm-up went, and a warm-up that fails (here: the session already closed, so its
 * orders are refused) leaves the gateway listening, cold.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const DIST = join(import.meta.dirname, "..", "dist", "src");
const CLI = join(DIST, "cli", "main.js");
const REFERENCE = join(import.meta.dirname, "..", "config", "demo.yaml");

/** Runs the warm-up in a fresh node process (TMPDIR its own) and returns its report, or fails if it does not exit. */
function warmUpInChild(sessions: unknown[], journal: string, orders: number) {
  const tmp = mkdtempSync(join(tmpdir(), "tributary-warm-up-test-"));
  const script = `
    const { warmUpGateway } = await import(${JSON.stringify(join(DIST, "runtime", "gateway-warm-up.js"))});
    const { loadReferenceData } = await import(${JSON.stringify(join(DIST, "config", "load-config.js"))});
    const { parseOrderGatewayConfig } = await import(${JSON.stringify(join(DIST, "fix", "order-gateway-config.js"))});
    const report = await warmUpGateway({
      data: loadReferenceData(${JSON.stringify(REFERENCE)}),
      config: parseOrderGatewayConfig({ sessions: ${JSON.stringify(sessions)} }),
      seed: 3,
      minutes: 30,
      orders: ${orders},
      journal: ${JSON.stringify(journal)},
    });
    console.log(JSON.stringify(report));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, TMPDIR: tmp },
  });
  return { status: r.status, signal: r.signal, stderr: r.stderr, stdout: r.stdout, left: readdirSync(tmp) };
}

describe("the FIX gateway's warm-up", () => {
  // A session as configured: a password, allowed accounts, a throttle far below the warm-up's rate, defaults; or bare
  // (no account list and no default: every order must name one).
  const configured = {
    passwordSha256: "0".repeat(64),
    accounts: ["A1", "A2"],
    maxMessagesPerSecond: 5,
    defaults: { urgency: "high" },
  };
  it.each([
    ["FIX.4.4", "sqlite with store", "configured"],
    ["FIX.4.2", "sqlite", "configured"],
    ["FIX.4.4", "none", "configured"],
    ["FIX.4.4", "none", "bare"],
  ])("%s, journal %s, session %s: every order answered, nothing left behind", (beginString, journal, session) => {
    const r = warmUpInChild(
      [
        { role: "drop-copy", senderCompId: "TRIBUTARY", targetCompId: "COPY" },
        {
          beginString,
          senderCompId: "TRIBUTARY",
          targetCompId: "OMS1",
          ...(session === "configured" ? configured : {}),
        },
      ],
      journal,
      120,
    );
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: "" });
    const report = JSON.parse(r.stdout) as { orders: number; millis: number };
    expect(report.orders).toBe(120);
    expect(report.millis).toBeGreaterThan(0);
    expect(r.left).toEqual([]);
  });

  it("does nothing for a configuration with no order session", () => {
    const r = warmUpInChild([{ role: "drop-copy", senderCompId: "TRIBUTARY", targetCompId: "COPY" }], "none", 120);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ orders: 0, millis: 0 });
  });
});

/** `tributary fix gateway` with `args`: its listening line, then its output once stopped with SIGTERM. */
async function gatewayListening(args: string[]): Promise<{ listening: string; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, "fix", "gateway", "--port", "0", "--target", "OMS1", ...args]);
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const listening = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const line = /^listening on .*$/m.exec(stdout)?.[0];
      if (line !== undefined) resolve(line);
    });
    void exited.then(() => reject(new Error(`exited before listening: ${stdout}${stderr}`)));
  });
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  return { listening, stdout, stderr };
}

describe("tributary fix gateway --warm-up", () => {
  it("says in its listening line how many orders warmed it up", async () => {
    const r = await gatewayListening(["--warm-up", "200"]);
    expect(r.listening).toMatch(/; warmed up with 200 orders in \d+ ms\)$/);
    expect(r.stdout).toMatch(/stopped: 0 orders accepted/);
  });

  it("--warm-up 0: none", async () => {
    expect((await gatewayListening(["--warm-up", "0"])).listening).toMatch(/; no warm-up\)$/);
  });

  it("a warm-up that fails leaves the gateway listening, cold, and says why", async () => {
    const r = await gatewayListening(["--minutes", "0.0001", "--warm-up", "200"]);
    expect(r.listening).toMatch(/; warm-up failed, running cold: order W0 refused: the trading session closed at /);
    expect(r.stderr).toMatch(/^fix gateway: warm-up failed, running cold: TributaryError: order W0 refused/);
  });
});
