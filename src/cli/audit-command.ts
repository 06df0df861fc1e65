/**
 * `tributary audit`: reads the journal (src/journal/) of a run, in SQLite (`--db FILE`, default tributary.db) or
 * PostgreSQL (`--pg URL`, `--pg-schema`).
 *   tributary audit --order CL_ORD_ID [--source S]   the life of a client order: its parent, the child orders and
 *                                                    fills that executed it, every allocation with its share, reports
 *   tributary audit --parent ID                      every event of a parent
 *   tributary audit verify                           checks the hash chain; exit 0 intact, 1 tampered
 * `--format table|csv|jsonl` (default table). A missing, foreign, corrupt or too-new database, an unreachable server
 * or an unknown order is a `UserError`: one line, exit 2.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { microsToIso } from "../core/clock.js";
import { UserError } from "../core/errors.js";
import { JournalOpenError } from "../journal/journal-errors.js";
import type { StoredRecord } from "../journal/journal-record.js";
import type { JournalStore } from "../journal/journal-store.js";
import { orderLife, parentLife, shareOf } from "../journal/order-life.js";
import { PostgresJournalStore } from "../journal/postgres-journal-store.js";
import { SqliteJournalStore } from "../journal/sqlite-journal-store.js";
import { verifyJournal } from "../journal/verify.js";

export const DEFAULT_JOURNAL_FILE = "tributary.db";
const FORMATS = ["table", "csv", "jsonl"] as const;
type Format = (typeof FORMATS)[number];

/** Where a stored journal is: a SQLite file or a PostgreSQL database (and schema). */
export interface StoreOptions {
  db?: string;
  pg?: string;
  pgSchema: string;
}

interface QueryOptions extends StoreOptions {
  order?: string;
  source?: string;
  parent?: number;
  format: Format;
}

function parentId(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError(`--parent must be a parent id (a whole number), got "${value}"`);
  return Number(value);
}

function storeOptions(command: Command): Command {
  return command
    .option("--db <file>", `the SQLite journal (default ${DEFAULT_JOURNAL_FILE})`)
    .option("--pg <url>", "the PostgreSQL journal, postgres://user@host:port/database")
    .option("--pg-schema <name>", "the PostgreSQL schema holding the journal", "public");
}

/** Opens the stored journal `--db` or `--pg` names (one, not both) for `command`'s reading: a file read-only. */
async function openStore(options: StoreOptions, command: string): Promise<JournalStore> {
  if (options.db !== undefined && options.pg !== undefined)
    throw new UserError("bad-flag", `${command}: give --db or --pg, not both`);
  if (options.pg !== undefined)
    return PostgresJournalStore.open({ url: options.pg, schema: options.pgSchema, mode: "open" });
  return SqliteJournalStore.open(options.db ?? DEFAULT_JOURNAL_FILE, { mode: "read" });
}

/**
 * Runs `run` on the journal `--db` or `--pg` names, then closes it. A file that turns out damaged past its header
 * while it is read is one line naming it, like one that cannot be opened.
 */
export async function withStore<T>(
  options: StoreOptions,
  run: (store: JournalStore) => Promise<T>,
  command = "audit",
): Promise<T> {
  const store = await openStore(options, command);
  try {
    return await run(store);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && /^SQLITE_(CORRUPT|NOTADB|IOERR)/.test(code))
      throw new JournalOpenError("journal-corrupt", `${store.location}: ${(error as Error).message} (${code})`, {
        cause: error,
      });
    throw error;
  } finally {
    await store.close();
  }
}

export function registerAudit(program: Command): void {
  const audit = storeOptions(
    program
      .command("audit")
      .description(
        "the audit trail: the life of a client order or a parent, from the journal; `audit verify` checks it",
      ),
  )
    .option("--order <clOrdId>", "a client order's ClOrdID")
    .option("--source <source>", "the order source, when the ClOrdID is not unique across sources")
    .option("--parent <id>", "a parent order id", parentId)
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("table"))
    .action(async (opts: QueryOptions) => {
      if ((opts.order === undefined) === (opts.parent === undefined))
        throw new UserError("bad-flag", "audit: give --order CL_ORD_ID or --parent ID (or the verify command)");
      const text = await withStore(opts, async (store) =>
        opts.order !== undefined
          ? await orderReport(store, opts.order, opts.source ?? null, opts.format)
          : await parentReport(store, opts.parent as number, opts.format),
      );
      process.stdout.write(text);
    });

  storeOptions(audit.command("verify").description("check the journal's hash chain, seqs and indexes")).action(
    async (_opts: StoreOptions, command: Command) => {
      const opts = command.optsWithGlobals() as StoreOptions;
      const result = await withStore(opts, async (store) => ({
        location: store.location,
        result: await verifyJournal(store),
      }));
      const { location, result: r } = result;
      if (r.ok) {
        process.stdout.write(
          `${location}: ${r.records.toLocaleString("en-US")} records verified; hash chain intact; head ${r.headHash}\n`,
        );
        return;
      }
      const where = r.badSeq === null ? "in the indexes" : `at seq ${r.badSeq}`;
      process.stdout.write(
        `${location}: TAMPERED ${where}: ${r.reason} (${r.records.toLocaleString("en-US")} records before it verify)\n`,
      );
      process.exitCode = 1;
    },
  );
}

async function orderReport(
  store: JournalStore,
  clOrdId: string,
  source: string | null,
  format: Format,
): Promise<string> {
  const life = await orderLife(store, clOrdId, source);
  if (life === null)
    throw new UserError(
      "journal-unknown-order",
      `${store.location}: no order with ClOrdID "${clOrdId}"${source === null ? "" : ` from source ${source}`} in the journal`,
    );
  const share = (r: StoredRecord) => shareOf(r, life.orderIds);
  if (format !== "table") return exportRecords(life.records, format, share);
  let allocated = 0;
  let fills = 0;
  for (const r of life.records) {
    const s = share(r);
    if (s !== null && s.qty > 0) {
      allocated += s.qty;
      fills++;
    }
  }
  const head =
    `order ${clOrdId}${source === null ? "" : ` (source ${source})`}: ` +
    (life.orderIds.length === 0 ? "never accepted" : `engine order ${life.orderIds.join(", ")}`) +
    (life.parentIds.length === 0 ? "" : `, parent ${life.parentIds.join(", ")}`) +
    `; ${life.records.length} events; ${allocated} lots allocated from ${fills} fills`;
  return `${head}\n${table(life.records, share)}`;
}

async function parentReport(store: JournalStore, id: number, format: Format): Promise<string> {
  const records = await parentLife(store, id);
  if (records.length === 0)
    throw new UserError("journal-unknown-parent", `${store.location}: no parent ${id} in the journal`);
  if (format !== "table") return exportRecords(records, format, () => null);
  return `parent ${id}: ${records.length} events\n${table(records, () => null)}`;
}

type Share = (r: StoredRecord) => { qty: number; of: number } | null;

const HIDDEN = new Set(["seq", "time", "type", "source", "parentId", "childId", "allocations"]);

/** What the record says beyond its columns, as key=value (nulls left out); an allocation as this order's share. */
function detail(r: StoredRecord, share: Share): string {
  const event = JSON.parse(r.payload) as Record<string, unknown>;
  const parts: string[] = [];
  const s = share(r);
  if (s !== null) parts.push(`share=${s.qty}/${s.of}`);
  if (Array.isArray(event.allocations)) parts.push(`orders=${event.allocations.length}`);
  for (const [key, value] of Object.entries(event)) {
    if (HIDDEN.has(key) || value === null) continue;
    parts.push(`${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
  }
  return parts.join(" ");
}

function table(records: readonly StoredRecord[], share: Share): string {
  const rows = records.map((r) => [
    String(r.seq),
    microsToIso(r.time),
    r.type,
    r.source ?? "",
    r.parentId === null ? "" : String(r.parentId),
    r.childId ?? "",
    r.causation === null ? "" : String(r.causation),
    detail(r, share),
  ]);
  const header = ["seq", "time (UTC)", "type", "source", "parent", "child", "cause", "detail"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function exportRecords(records: readonly StoredRecord[], format: "csv" | "jsonl", share: Share): string {
  if (format === "jsonl")
    return records
      .map((r) => {
        const s = share(r);
        return `${JSON.stringify({
          seq: r.seq,
          time: microsToIso(r.time),
          type: r.type,
          source: r.source,
          parentId: r.parentId,
          orderId: r.orderId,
          childId: r.childId,
          causation: r.causation,
          ...(s === null ? {} : { share: s.qty }),
          event: JSON.parse(r.payload),
          hash: r.hash,
        })}\n`;
      })
      .join("");
  const header = "seq,time,type,source,parent_id,order_id,child_id,causation,share,payload,hash\n";
  return (
    header +
    records
      .map((r) => {
        const s = share(r);
        return `${[
          String(r.seq),
          microsToIso(r.time),
          r.type,
          r.source ?? "",
          r.parentId === null ? "" : String(r.parentId),
          r.orderId === null ? "" : String(r.orderId),
          r.childId ?? "",
          r.causation === null ? "" : String(r.causation),
          s === null ? "" : String(s.qty),
          r.payload,
          r.hash,
        ]
          .map(csvCell)
          .join(",")}\n`;
      })
      .join("")
  );
}
