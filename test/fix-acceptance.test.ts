/**
 * QuickFIX's 59 FIX 4.4 session acceptance scripts (../shared/tools/fix-acceptance) against the built CLI's echo
 * server, over TCP, with a real SQLite store file. QuickFIX C++ itself passes 58 of them; we require at least 58 and
 * print the names of any that fail. Takes about 80 s (two scripts wait for heartbeat timeouts in real time).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "dist", "src", "cli", "main.js");
const TOOLS = join(ROOT, "..", "shared", "tools", "fix-acceptance");
const DEFS = join(TOOLS, "definitions", "fix44");
const haveScripts = existsSync(join(TOOLS, "at-runner.mjs"));

function startServer(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "fix", "echo-server", "--port", "0", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m !== null) resolve({ child, port: Number(m[1]) });
    });
    child.stderr?.on("data", (d: Buffer) => process.stderr.write(d));
    child.once("exit", (code) => reject(new Error(`echo server exited with ${code} before listening: ${out}`)));
  });
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("error", reject);
    child.once("exit", () => resolve(out));
  });
}

describe.skipIf(!haveScripts)(
  "FIX 4.4 session acceptance scripts (QuickFIX's), against `tributary fix echo-server`",
  () => {
    let server: ChildProcess | undefined;
    afterAll(() => {
      server?.kill("SIGTERM");
    });

    it("passes at least 58 of the 59 scripts", { timeout: 240_000 }, async () => {
      const store = join(mkdtempSync(join(tmpdir(), "tributary-fix-at-")), "store.sqlite");
      const started = await startServer(["--store", store]);
      server = started.child;
      const scripts = readdirSync(DEFS)
        .filter((f) => f.endsWith(".def"))
        .sort()
        .map((f) => join(DEFS, f));
      expect(scripts).toHaveLength(59);
      const out = await run([join(TOOLS, "at-runner.mjs"), "127.0.0.1", String(started.port), ...scripts]);
      const summary = /(\d+) passed, (\d+) failed/.exec(out);
      const failed = out.split("\n").filter((l) => l.startsWith("FAIL"));
      if (failed.length > 0) process.stderr.write(`failing acceptance scripts:\n${out}\n`);
      expect(summary, out).not.toBeNull();
      expect(Number(summary?.[1]), `failing: ${failed.join(", ")}`).toBeGreaterThanOrEqual(58);
      expect(server.exitCode).toBeNull(); // still running after all the bad input
    });
  },
);
