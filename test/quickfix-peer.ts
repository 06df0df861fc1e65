/**
 * The QuickFIX C++ peer (`qfpeer`, ../shared/tools/quickfix-peer) for the interop tests and the FIX gateway bench
 * (bench/fix-gateway.bench.ts, which runs it from dist/test/): `QFPEER` when set, else built
 * from its sources with Debian's libquickfix-dev into the temp folder (again when the source is newer). Built aside and
 * renamed into place, since several test files may build it at once. When it cannot be had, a reason to skip.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, renameSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The repository's folder: the nearest one up with a package.json (this file runs from test/ and from dist/test/). */
function repositoryRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) return join(import.meta.dirname, "..");
    dir = up;
  }
  return dir;
}

export const PEER_DIR = join(repositoryRoot(), "..", "shared", "tools", "quickfix-peer");
/** QuickFIX's FIX 4.4 dictionary, for qfpeer's --dict. */
export const QFPEER_DICT = join(PEER_DIR, "spec", "FIX44.xml");

export function findQuickfixPeer(): { path: string } | { skip: string } {
  const given = process.env.QFPEER;
  if (given !== undefined && given !== "") {
    return existsSync(given) ? { path: given } : { skip: `QFPEER=${given} does not exist` };
  }
  if (!existsSync(join(PEER_DIR, "build.sh"))) return { skip: `no QuickFIX peer sources at ${PEER_DIR}` };
  const hasLib = spawnSync("pkg-config", ["--exists", "quickfix"]).status === 0;
  const hasCxx = spawnSync("g++", ["--version"]).status === 0;
  if (!hasLib || !hasCxx) {
    return {
      skip:
        "QuickFIX peer cannot be built here: install it with `apt-get install -y g++ pkg-config libquickfix-dev` " +
        "(or set QFPEER to a built qfpeer)",
    };
  }
  const out = join(tmpdir(), "tributary-qfpeer");
  const source = statSync(join(PEER_DIR, "qfpeer.cpp")).mtimeMs;
  if (!existsSync(out) || statSync(out).mtimeMs < source) {
    const aside = `${out}.${process.pid}`;
    const built = spawnSync("sh", [join(PEER_DIR, "build.sh"), aside], { encoding: "utf8" });
    if (built.status !== 0) return { skip: `building the QuickFIX peer failed: ${built.stderr.slice(0, 500)}` };
    renameSync(aside, out);
  }
  return { path: out };
}

/** Runs a qfpeer command to its end; resolves with everything it printed (stdout and stderr). */
export function runPeer(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
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

/** A TCP port free on 127.0.0.1 now: for a qfpeer acceptor, which must be told its port before it listens. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}
