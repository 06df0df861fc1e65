/**
 * `tributary serve` as a real process for the integration tests: a config in a temp folder (tokens hashed), the
 * process spawned from dist/ on free ports (port 0, read back from the "listening" log line), helpers for HTTP and the
 * WebSocket stream, and a stop that sends SIGTERM and waits for the exit (SIGKILL after a timeout, so no test leaves a
 * process behind).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "ws";
import { hashToken } from "../src/service/auth.js";

export const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");
export const REFERENCE = join(import.meta.dirname, "..", "config", "demo.yaml");

export interface ServiceProcess {
  readonly dir: string;
  readonly url: string;
  readonly fixPort: number | null;
  readonly journal: string;
  /** Every stdout line (pino JSON), as parsed objects. */
  readonly logs: Record<string, unknown>[];
  readonly stderr: string[];
  readonly child: ChildProcess;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The YAML of a config (JSON is YAML) with the tokens given as plain text and stored hashed. */
export function serviceConfig(
  dir: string,
  options: {
    sources: { id: string; token: string; accounts?: string[] }[];
    admins?: { id: string; token: string }[];
    fix?: Record<string, unknown>;
    http?: Record<string, unknown>;
    shutdown?: Record<string, unknown>;
    extra?: Record<string, unknown>;
    /** The config file's name in `dir` (default serve.yaml). */
    file?: string;
  },
): string {
  const config = {
    reference: REFERENCE,
    seed: 3,
    session: { minutes: 30 },
    http: { port: 0, ...options.http },
    journal: { path: "journal.db" },
    sources: options.sources.map((s) => ({
      id: s.id,
      tokenSha256: hashToken(s.token),
      ...(s.accounts ? { accounts: s.accounts } : {}),
    })),
    admins: (options.admins ?? []).map((a) => ({ id: a.id, tokenSha256: hashToken(a.token) })),
    ...(options.fix ? { fix: options.fix } : {}),
    ...(options.shutdown ? { shutdown: options.shutdown } : {}),
    log: { level: "info" },
    ...options.extra,
  };
  const path = join(dir, options.file ?? "serve.yaml");
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "tributary-serve-"));
}

/** Spawns `serve --config` (with `args`: `--resume`) and resolves once it listens. */
export async function startServiceProcess(
  dir: string,
  configPath: string,
  args: readonly string[] = [],
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [CLI, "serve", "--config", configPath, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  let partial = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const listening = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line.trim() === "") continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === "listening") resolve(entry);
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr.join("")}`)));
  });
  const ready = await listening;
  const stop = async (signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> => {
    if (child.exitCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return {
    dir,
    url: ready.httpUrl as string,
    fixPort: (ready.fixPort as number | null) ?? null,
    journal: join(dir, "journal.db"),
    logs,
    stderr,
    child,
    exited,
    stop,
  };
}

/** A JSON request with a bearer token; resolves with the status and the parsed body. */
export async function call(
  url: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** A stream client: every message parsed, and a wait for one matching. */
export interface StreamClient {
  readonly events: Record<string, unknown>[];
  readonly closed: Promise<{ code: number; reason: string }>;
  until(predicate: (e: Record<string, unknown>) => boolean, what: string, ms?: number): Promise<void>;
  close(): void;
}

export async function openStream(url: string, token: string, query = ""): Promise<StreamClient> {
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/stream${query}`, {
    headers: { authorization: `Bearer ${token}` },
    rejectUnauthorized: false,
  });
  const events: Record<string, unknown>[] = [];
  socket.on("message", (data) => events.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    events,
    closed,
    async until(predicate, what, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!events.some(predicate)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => socket.close(),
  };
}

/** A limit buy far below the market: it rests and never fills. */
export function restingOrder(clOrdId: string, account: string, extra: Record<string, unknown> = {}) {
  return {
    cl_ord_id: clOrdId,
    account,
    symbol: "ACME",
    side: "buy",
    quantity: "100",
    order_type: "limit",
    limit_price: "90.00",
    ...extra,
  };
}
