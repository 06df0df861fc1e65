/**
 * The configuration of `tributary serve` (examples/serve.yaml shows and comments every field), validated with zod.
 * Any mistake is one line naming the file and the field: `serve.yaml: sources[1].tokenSha256: ...`.
 *
 * - Relative paths (reference data, TLS files, FIX store) are read from the config file's folder; the journal path
 *   too, so a config and its journal travel together.
 * - The journal is a SQLite file (`journal.path`) or a PostgreSQL schema (`journal.pg`, `journal.schema`), one of
 *   them; snapshots are kept beside a SQLite file, or for PostgreSQL in the file `journal.snapshot` names. The FIX
 *   store is a file, a schema (a postgres:// URL, with `fix.storeSchema`) or, `journal`, the journal's own file or
 *   schema.
 * - Tokens are never in the file: only their SHA-256 (`tributary serve hash-token`).
 * - The FIX sessions are the order gateway's own schema (fix/order-gateway-config.ts), validated by it.
 * - `fixVenues`: venues of the reference data reached over FIX 4.4 instead of simulated (runtime/live-day.ts); each
 *   names its venue once (that the reference data has it is checked when the service loads it). Their sessions are
 *   kept beside the journal (`<journal>.fix-venues`, SQLite, or the schema `<schema>_fix_venues` beside a PostgreSQL
 *   journal), so `--resume` continues them.
 * - Every principal id (HTTP source, admin, FIX session) is unique, and so is every token hash.
 * - A FIX venue's Logon password is never in the file: `passwordFile` names a file holding it.
 * Limits: one HTTP listener.
 */

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { AllocationPolicyConfig } from "../allocation/allocation-policy.js";
import { UserError } from "../core/errors.js";
import { type OrderGatewayConfig, parseOrderGatewayConfig } from "../fix/order-gateway-config.js";
import { parseRiskConfig, type RiskConfig } from "../intake/risk-config.js";
import { type JournalTarget, targetLocation } from "../journal/journal-target.js";
import { DEFAULT_WARM_UP_ORDERS } from "../runtime/gateway-warm-up.js";
import type { FixVenueSetup } from "../runtime/live-day.js";
import { snapshotPathOf } from "../runtime/snapshot-file.js";
import { issueField } from "./zod-issue.js";

const DEFAULT_SNAPSHOT_EVERY = 100_000;
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
    path: z.string().min(1, "must not be empty").optional(),
    pg: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "a postgres:// URL (postgres://user@host:port/database)")
      .optional(),
    schema: z.string().min(1, "must not be empty").max(63, "at most 63 characters (PostgreSQL's limit)").optional(),
    snapshot: z.string().min(1, "must not be empty").optional(),
    snapshotEvery: whole(0, 1_000_000_000).optional(),
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
      storeSchema: z
        .string()
        .min(1, "must not be empty")
        .max(63, "at most 63 characters (PostgreSQL's limit)")
        .optional(),
      tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
      /** Orders through a scratch copy of the FIX order path before serving (runtime/gateway-warm-up.ts; 0: none). */
      warmUp: whole(0, 1_000_000).default(DEFAULT_WARM_UP_ORDERS),
      sessions: z.array(z.unknown()),
    })
    .optional(),
  fixVenues: z
    .array(
      z.strictObject({
        venue: idText,
        host: z.string().min(1, "must not be empty").default("127.0.0.1"),
        port: whole(1, 65535),
        senderCompId: idText.default("TRIBUTARY"),
        targetCompId: idText.optional(),
        heartBtInt: whole(1, 3600).default(30),
        reconnect: z
          .strictObject({ minMillis: whole(10, 600_000).default(100), maxMillis: whole(10, 3_600_000).default(5000) })
          .default({ minMillis: 100, maxMillis: 5000 }),
        resetOnLogon: z.boolean().default(false),
        marketData: z.boolean().default(true),
        tls: z
          .strictObject({
            ca: z.string().min(1, "must not be empty").optional(),
            serverName: z.string().min(1, "must not be empty").optional(),
          })
          .optional(),
        passwordFile: z.string().min(1, "must not be empty").optional(),
      }),
    )
    .default([]),
  risk: z.unknown().optional(),
  engine: z
    .strictObject({
      releaseDoneOrdersAfter: z
        .number()
        .min(0, "must be at least 0")
        .max(86_400, "at most 86400")
        .nullable()
        .optional(),
      allocation: z
        .discriminatedUnion("policy", [
          z.strictObject({ policy: z.literal("pro-rata") }),
          z.strictObject({ policy: z.literal("fifo") }),
          z.strictObject({
            policy: z.literal("by-account"),
            accounts: z.array(z.string().min(1, "must not be empty")).min(1, "name at least one account"),
          }),
        ])
        .default({ policy: "pro-rata" }),
    })
    .default({ allocation: { policy: "pro-rata" } }),
  postTrade: z.strictObject({ allocations: z.string().min(1, "must not be empty").optional() }).default({}),
  shutdown: z
    .strictObject({
      children: z.enum(["cancel", "keep"]).default("cancel"),
      graceSeconds: z.number().positive("must be > 0").max(120, "at most 120").default(5),
      drainSeconds: z.number().min(0, "must be >= 0").max(120, "at most 120").default(1),
    })
    .default({ children: "cancel", graceSeconds: 5, drainSeconds: 1 }),
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
  /** A SQLite file (synchronous FULL: durable against a power cut) or a PostgreSQL schema. */
  readonly journal: JournalTarget;
  /** The session's snapshots (beside a SQLite journal; for PostgreSQL `journal.snapshot`), or null: none. */
  readonly snapshotPath: string | null;
  /** Events between two snapshots (0: none but the one at a stop). */
  readonly snapshotEvery: number;
  /** Seconds a done order stays in the engine's memory before it is released (null: never). */
  readonly releaseDoneOrdersAfter: number | null;
  readonly sources: Parsed["sources"];
  readonly admins: Parsed["admins"];
  readonly fix: {
    readonly host: string;
    readonly port: number;
    /** A SQLite file, a PostgreSQL schema (`store` a postgres:// URL) or the journal; null: in memory. */
    readonly store: FixStoreTarget | null;
    readonly tls: { readonly cert: string; readonly key: string } | null;
    /** Orders of the warm-up before serving (0: none). */
    readonly warmUp: number;
    readonly gateway: OrderGatewayConfig;
  } | null;
  /** Venues reached over FIX instead of simulated (empty: all simulated). */
  readonly fixVenues: readonly FixVenueConfig[];
  readonly risk: RiskConfig | undefined;
  /** How a parent's fills are shared among its client orders (default pro-rata). */
  readonly allocation: AllocationPolicyConfig;
  /** JSON Lines file of every allocation, written once durable (null: none). */
  readonly allocationsFile: string | null;
  readonly shutdown: Parsed["shutdown"];
  readonly logLevel: Parsed["log"]["level"];
}

/** A FIX venue as configured: its TLS CA and password are files, read when the service starts. */
export interface FixVenueConfig extends Omit<FixVenueSetup, "tls" | "password"> {
  /** TLS (null: plain TCP): the CA file the venue's certificate must chain to (null: the system's), its name. */
  readonly tls: { readonly ca: string | null; readonly serverName: string | null } | null;
  /** A file holding the Logon password (its first line), or null. */
  readonly passwordFile: string | null;
}

/** Validates a parsed config object; `origin` names it in messages, `baseDir` anchors relative paths. */
export function parseServiceConfig(value: unknown, origin: string, baseDir: string): ServiceConfig {
  const parsed = serviceSchema.safeParse(value ?? {});
  if (!parsed.success) {
    // An unknown key first: a misspelt one also makes the key it meant "missing", and the typo is the news.
    const issues = parsed.error.issues;
    const issue = issueField((issues.find((i) => i.code === "unrecognized_keys") ?? issues[0]) as z.core.$ZodIssue);
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
    journal:
      c.journal.pg === undefined
        ? { kind: "sqlite", path: at(c.journal.path as string), synchronous: "full" }
        : { kind: "postgres", url: c.journal.pg, schema: c.journal.schema ?? "public" },
    snapshotPath:
      c.journal.pg === undefined
        ? snapshotPathOf(at(c.journal.path as string))
        : c.journal.snapshot === undefined
          ? null
          : at(c.journal.snapshot),
    snapshotEvery: c.journal.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY,
    releaseDoneOrdersAfter: releaseAfter(c),
    sources: c.sources,
    admins: c.admins,
    fix:
      c.fix === undefined || gateway === null
        ? null
        : {
            host: c.fix.host,
            port: c.fix.port,
            store: fixStore(c.fix.store, c.fix.storeSchema, at),
            tls: c.fix.tls === undefined ? null : { cert: at(c.fix.tls.cert), key: at(c.fix.tls.key) },
            warmUp: c.fix.warmUp,
            gateway,
          },
    fixVenues: c.fixVenues.map((f) => ({
      venue: f.venue,
      host: f.host,
      port: f.port,
      senderCompId: f.senderCompId,
      targetCompId: f.targetCompId ?? f.venue,
      heartBtInt: f.heartBtInt,
      minBackoffMillis: f.reconnect.minMillis,
      maxBackoffMillis: f.reconnect.maxMillis,
      resetOnEveryLogon: f.resetOnLogon,
      marketData: f.marketData,
      tls:
        f.tls === undefined
          ? null
          : { ca: f.tls.ca === undefined ? null : at(f.tls.ca), serverName: f.tls.serverName ?? null },
      passwordFile: f.passwordFile === undefined ? null : at(f.passwordFile),
    })),
    risk: c.risk === undefined ? undefined : parseRiskConfig(c.risk, `${origin}: risk`),
    allocation: c.engine.allocation,
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

export type FixStoreTarget =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string; readonly schema: string }
  /** In the journal's SQLite file or PostgreSQL schema, written in its own commits (fix/journal-message-store.ts). */
  | { readonly kind: "journal" };

/** `fix.store: journal` (a file of that name: `./journal`). */
const STORE_IN_JOURNAL = "journal";

const POSTGRES_URL = /^postgres(ql)?:\/\//;

function fixStore(
  store: string | undefined,
  schema: string | undefined,
  at: (path: string) => string,
): FixStoreTarget | null {
  if (store === undefined) return null;
  if (store === STORE_IN_JOURNAL) return { kind: "journal" };
  if (POSTGRES_URL.test(store)) return { kind: "postgres", url: store, schema: schema ?? "public" };
  return { kind: "sqlite", path: at(store) };
}

function journalCheck(j: Parsed["journal"]): string | null {
  if (j.path === undefined && j.pg === undefined)
    return "journal: give path (a SQLite file) or pg (a postgres:// URL) for the journal";
  if (j.path !== undefined && j.pg !== undefined) return "journal: give path or pg, not both";
  if (j.schema !== undefined && j.pg === undefined) return "journal.schema: only with journal.pg (a PostgreSQL schema)";
  if (j.snapshot !== undefined && j.pg === undefined)
    return "journal.snapshot: only with journal.pg (a SQLite journal keeps its snapshots beside it)";
  if (j.snapshotEvery !== undefined && j.pg !== undefined && j.snapshot === undefined)
    return "journal.snapshotEvery: with journal.pg, name the snapshot file too (journal.snapshot)";
  return null;
}

/** Seconds a done order stays in memory (null: kept all day); by default a minute. */
function releaseAfter(c: Parsed): number | null {
  const given = c.engine.releaseDoneOrdersAfter;
  return given === undefined ? DEFAULT_RELEASE_SECONDS : given;
}

function crossCheck(c: Parsed, gateway: OrderGatewayConfig | null): string | null {
  const journal = journalCheck(c.journal);
  if (journal !== null) return journal;
  if (c.fix?.storeSchema !== undefined && !POSTGRES_URL.test(c.fix.store ?? ""))
    return "fix.storeSchema: only with a PostgreSQL fix.store (a postgres:// URL)";
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
  const fixVenues = new Map<string, number>();
  for (const [i, f] of c.fixVenues.entries()) {
    const other = fixVenues.get(f.venue);
    if (other !== undefined) return `fixVenues[${i}].venue: "${f.venue}" is already fixVenues[${other}]`;
    fixVenues.set(f.venue, i);
    if (f.reconnect.maxMillis < f.reconnect.minMillis) {
      return `fixVenues[${i}].reconnect.maxMillis: ${f.reconnect.maxMillis} is below minMillis ${f.reconnect.minMillis}`;
    }
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
    journal: targetLocation(c.journal),
    snapshotPath: c.snapshotPath,
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
            store:
              c.fix.store === null
                ? null
                : c.fix.store.kind === "sqlite"
                  ? c.fix.store.path
                  : c.fix.store.kind === "journal"
                    ? STORE_IN_JOURNAL
                    : targetLocation(c.fix.store),
            tls: c.fix.tls !== null,
            warmUp: c.fix.warmUp,
            sessions: c.fix.gateway.sessions.map(({ password, passwordSha256, ...s }) => ({
              ...s,
              password: password !== undefined || passwordSha256 !== undefined,
            })),
          },
    fixVenues: c.fixVenues,
    risk: c.risk !== undefined,
    allocation: c.allocation,
    allocationsFile: c.allocationsFile,
    shutdown: c.shutdown,
    logLevel: c.logLevel,
  };
}
