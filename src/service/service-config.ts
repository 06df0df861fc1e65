/**
 * The configuration of `tributary serve` (examples/serve.yaml shows and comments every field), validated with zod.
 * Any mistake is one line naming the file and the field: `serve.yaml: sources[1].tokenSha256: ...`.
 *
 * - Relative paths (reference data, TLS files, FIX store) are read from the config file's folder; the journal path
 *   too, so a config and its journal travel together.
 * - Tokens are never in the file: only their SHA-256 (`tributary serve hash-token`).
 * - The FIX sessions are the order gateway's own schema (fix/order-gateway-config.ts), validated by it.
 * - Every principal id (HTTP source, admin, FIX session) is unique, and so is every token hash.
 * Limits: one HTTP listener.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { type OrderGatewayConfig, parseOrderGatewayConfig } from "../fix/order-gateway-config.js";
import { parseRiskConfig, type RiskConfig } from "../intake/risk-config.js";
import { issueField } from "./zod-issue.js";

const DEFAULT_REFERENCE = fileURLToPath(new URL("../../../config/demo.yaml", import.meta.url));

const DEFAULT_RELEASE_SECONDS = 60;

const idText = z.string().regex(/^[\x21-\x7e]{1,64}$/, "printable ASCII without spaces, at most 64 characters");
const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "a SHA-256 as 64 lowercase hex digits (print one with `tributary serve hash-token`)");
const whole = (min: number, max: number) =>
  z.number().int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const serviceSchema = z.strictObject({
  reference: z.string().min(1, "must not be empty").optional(),
  seed: whole(0, 2 ** 31 - 1).default(1),
  session: z
    .strictObject({
      minutes: z.number().positive("must be > 0").max(1440, "at most 1440").default(390),
      open: z
        .string()
        .regex(/^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/, "a UTC time of day, HH:MM or HH:MM:SS")
        .optional(),
      endOfDayReport: z.string().min(1, "must not be empty").optional(),
    })
    .default({
      minutes: 390,
    }),
  http: z
    .strictObject({
      host: z.string().min(1, "must not be empty").default("127.0.0.1"),
      port: whole(0, 65535).default(8080),
      bodyLimitBytes: whole(256, 64 * 1024 * 1024).default(1024 * 1024),
      maxBatchOrders: whole(1, 100_000).default(1000),
      rateLimit: z
        .strictObject({ max: whole(1, 10_000_000).default(5000), windowMs: whole(10, 3_600_000).default(1000) })
        .default({ max: 5000, windowMs: 1000 }),
      tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
    })
    .default({
      host: "127.0.0.1",
      port: 8080,
      bodyLimitBytes: 1024 * 1024,
      maxBatchOrders: 1000,
      rateLimit: { max: 5000, windowMs: 1000 },
    }),
  journal: z.strictObject({
    path: z.string().min(1, "must not be empty"),
    snapshotEvery: whole(0, 1_000_000_000).default(100_000),
  }),
  sources: z
    .array(z.strictObject({ id: idText, tokenSha256: sha256Hex, accounts: z.array(idText).min(1).optional() }))
    .default([]),
  admins: z.array(z.strictObject({ id: idText, tokenSha256: sha256Hex })).default([]),
  fix: z
    .strictObject({
      host: z.string().min(1).default("127.0.0.1"),
      port: whole(0, 65535),
      store: z.string().min(1).optional(),
      tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
      sessions: z.array(z.unknown()),
    })
    .optional(),
  risk: z.unknown().optional(),
  engine: z
    .strictObject({
      releaseDoneOrdersAfter: z
        .number()
        .min(0, "must be at least 0")
        .max(86_400, "at most 86400")
        .nullable()
        .default(DEFAULT_RELEASE_SECONDS),
    })
    .default({ releaseDoneOrdersAfter: DEFAULT_RELEASE_SECONDS }),
  postTrade: z.strictObject({ allocations: z.string().min(1, "must not be empty").optional() }).default({}),
  shutdown: z
    .strictObject({
      children: z.enum(["cancel", "keep"]).default("cancel"),
      graceSeconds: z.number().positive("must be > 0").max(120, "at most 120").default(5),
    })
    .default({ children: "cancel", graceSeconds: 5 }),
  log: z
    .strictObject({ level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info") })
    .default({ level: "info" }),
});

type Parsed = z.output<typeof serviceSchema>;

export interface ServiceConfig {
  /** Absolute paths from here on. */
  readonly reference: string;
  readonly seed: number;
  readonly sessionMinutes: number;
  /** The session's open, a UTC time of day (HH:MM[:SS]) today; null: at start-up. */
  readonly sessionOpen: string | null;
  /** Where the end-of-day report is written (JSON) after the close; null: logged only. */
  readonly endOfDayReport: string | null;
  readonly http: Omit<Parsed["http"], "tls"> & { readonly tls: { readonly cert: string; readonly key: string } | null };
  readonly journalPath: string;
  /** Events between two snapshots of the session beside the journal (0: none but the one at a stop). */
  readonly snapshotEvery: number;
  /** Seconds a done order stays in the engine's memory before it is released (null: never). */
  readonly releaseDoneOrdersAfter: number | null;
  readonly sources: Parsed["sources"];
  readonly admins: Parsed["admins"];
  readonly fix: {
    readonly host: string;
    readonly port: number;
    readonly store: string | null;
    readonly tls: { readonly cert: string; readonly key: string } | null;
    readonly gateway: OrderGatewayConfig;
  } | null;
  readonly risk: RiskConfig | undefined;
  /** JSON Lines file of every allocation, written once durable (null: none). */
  readonly allocationsFile: string | null;
  readonly shutdown: Parsed["shutdown"];
  readonly logLevel: Parsed["log"]["level"];
}

/** Validates a parsed config object; `origin` names it in messages, `baseDir` anchors relative paths. */
export function parseServiceConfig(value: unknown, origin: string, baseDir: string): ServiceConfig {
  const parsed = serviceSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = issueField(parsed.error.issues[0] as z.core.$ZodIssue);
    throw new UserError("serve-config", `${origin}: ${issue.text === "" ? "" : `${issue.text}: `}${issue.message}`);
  }
  const c = parsed.data;
  const at = (path: string) => resolve(baseDir, path);
  const gateway = c.fix === undefined ? null : parseOrderGatewayConfig({ sessions: c.fix.sessions }, `${origin}: fix`);
  const problem = crossCheck(c, gateway);
  if (problem !== null) throw new UserError("serve-config", `${origin}: ${problem}`);
  return {
    reference: c.reference === undefined ? DEFAULT_REFERENCE : at(c.reference),
    seed: c.seed,
    sessionMinutes: c.session.minutes,
    sessionOpen: c.session.open ?? null,
    endOfDayReport: c.session.endOfDayReport === undefined ? null : at(c.session.endOfDayReport),
    http: { ...c.http, tls: c.http.tls === undefined ? null : { cert: at(c.http.tls.cert), key: at(c.http.tls.key) } },
    journalPath: at(c.journal.path),
    snapshotEvery: c.journal.snapshotEvery,
    releaseDoneOrdersAfter: c.engine.releaseDoneOrdersAfter,
    sources: c.sources,
    admins: c.admins,
    fix:
      c.fix === undefined || gateway === null
        ? null
        : {
            host: c.fix.host,
            port: c.fix.port,
            store: c.fix.store === undefined ? null : at(c.fix.store),
            tls: c.fix.tls === undefined ? null : { cert: at(c.fix.tls.cert), key: at(c.fix.tls.key) },
            gateway,
          },
    risk: c.risk === undefined ? undefined : parseRiskConfig(c.risk, `${origin}: risk`),
    allocationsFile: c.postTrade.allocations === undefined ? null : at(c.postTrade.allocations),
    shutdown: c.shutdown,
    logLevel: c.log.level,
  };
}

/** Reads and validates a YAML or JSON config file. */
export function loadServiceConfig(path: string): ServiceConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError("serve-config", `${path}: ${code === "ENOENT" ? "no such file" : `cannot be read (${code})`}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new UserError("serve-config", `${path}: invalid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  return parseServiceConfig(value, path, dirname(resolve(path)));
}

function crossCheck(c: Parsed, gateway: OrderGatewayConfig | null): string | null {
  const ids = new Map<string, string>();
  const hashes = new Map<string, string>();
  const named: [string, string, string | null][] = [
    ...c.sources.map((s, i): [string, string, string] => [`sources[${i}]`, s.id, s.tokenSha256]),
    ...c.admins.map((a, i): [string, string, string] => [`admins[${i}]`, a.id, a.tokenSha256]),
    ...(gateway?.sessions ?? []).map((s, i): [string, string, null] => [`fix.sessions[${i}]`, s.id, null]),
  ];
  for (const [where, id, hash] of named) {
    const other = ids.get(id);
    if (other !== undefined) return `${where}.id: "${id}" is already the id of ${other}`;
    ids.set(id, where);
    if (hash === null) continue;
    const same = hashes.get(hash);
    if (same !== undefined) return `${where}.tokenSha256: the same token as ${same}`;
    hashes.set(hash, where);
  }
  if (c.sources.length === 0 && (gateway?.sessions.length ?? 0) === 0)
    return "sources: at least one HTTP source or FIX session is needed to take orders";
  return null;
}

/** The configuration without secrets: no token hashes, no FIX passwords. */
export function publicConfig(c: ServiceConfig) {
  return {
    reference: c.reference,
    seed: c.seed,
    sessionMinutes: c.sessionMinutes,
    sessionOpen: c.sessionOpen,
    endOfDayReport: c.endOfDayReport,
    http: { ...c.http, tls: c.http.tls !== null },
    journalPath: c.journalPath,
    snapshotEvery: c.snapshotEvery,
    releaseDoneOrdersAfter: c.releaseDoneOrdersAfter,
    sources: c.sources.map((s) => ({ id: s.id, accounts: s.accounts ?? null })),
    admins: c.admins.map((a) => ({ id: a.id })),
    fix:
      c.fix === null
        ? null
        : {
            host: c.fix.host,
            port: c.fix.port,
            store: c.fix.store,
            tls: c.fix.tls !== null,
            sessions: c.fix.gateway.sessions.map(({ password, passwordSha256, ...s }) => ({
              ...s,
              password: password !== undefined || passwordSha256 !== undefined,
            })),
          },
    risk: c.risk !== undefined,
    allocationsFile: c.allocationsFile,
    shutdown: c.shutdown,
    logLevel: c.logLevel,
  };
}
