/** `tributary fix echo-server` and `fix gateway` mistakes: one line naming the flag or field, exit code 2, no stack trace. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");

describe("tributary fix echo-server", () => {
  it.each([
    [["--port", "x"], /--port must be a TCP port \(0 to 65535\), got "x"/],
    [["--port", "70000"], /--port must be a TCP port/],
    [["--port", "0", "--fix-version", "4.3"], /--fix-version.*Allowed choices are 4\.2, 4\.4/],
    [["--port", "0", "--store", "/no/such/dir/x.sqlite"], /--store: \/no\/such\/dir\/x\.sqlite: .*directory/],
    [[], /required option '--port <n>' not specified/],
  ])("refuses %j with one clear line and exit code 2", (args, message) => {
    const r = spawnSync(process.execPath, [CLI, "fix", "echo-server", ...args], { encoding: "utf8", timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("tributary fix gateway", () => {
  const dir = mkdtempSync(join(tmpdir(), "tributary-fix-gw-"));
  const badConfig = join(dir, "sessions.yaml");
  writeFileSync(
    badConfig,
    "sessions:\n  - senderCompId: TRIBUTARY\n    targetCompId: OMS1\n    maxMessagesPerSecond: -1\n",
  );
  it.each([
    [["--port", "0"], /give --config FILE, or --target COMPID for one session/],
    [["--port", "0", "--config", badConfig], /sessions\.yaml: sessions\[0\]\.maxMessagesPerSecond: must be > 0/],
    [["--port", "0", "--config", join(dir, "none.yaml")], /none\.yaml: no such file\n$/],
    [["--port", "0", "--target", "OMS1", "--duration", "soon"], /--duration must be > 0, got "soon"/],
    [["--port", "0", "--target", "OMS1", "--urgency", "asap"], /--urgency.*Allowed choices are low, medium, high/],
    [
      ["--port", "0", "--target", "OMS1", "--store", "journal"],
      /--store journal: .*give --journal FILE or --journal-pg URL too/,
    ],
    [
      ["--port", "0", "--target", "OMS1", "--journal", "j.db", "--journal-pg", "postgres://h/d"],
      /give one or the other/,
    ],
    [["--port", "0", "--target", "OMS1", "--journal-schema", "s"], /--journal-schema: only with --journal-pg/],
    [["--port", "0", "--target", "OMS1", "--warm-up", "-1"], /--warm-up must be a whole number, got "-1"/],
  ])("refuses %j with one clear line and exit code 2", (args, message) => {
    const r = spawnSync(process.execPath, [CLI, "fix", "gateway", ...args], { encoding: "utf8", timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
