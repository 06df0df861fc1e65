/**
 * FIX session layer throughput: NewOrderSingle messages through a logged-on `FixSession` with the echo application,
 * in process (no sockets): per message the session decodes and checks CheckSum/BodyLength, validates against the FIX
 * 4.4 dictionary, checks SendingTime, CompIDs and MsgSeqNum, stores the next expected MsgSeqNum, and the echo is
 * encoded, stored (message + next sender MsgSeqNum) and written. So each message is one decode, one encode and two
 * store writes.
 *
 * Stores: in memory (the session's own CPU cost), SQLite `synchronous=NORMAL` and `synchronous=FULL` (WAL; FULL
 * fsyncs every commit, so it runs fewer messages: it measures the disk, not the code). Each SQLite store is measured
 * with one message per TCP read and with `batch` messages per read, as a pipelining client sends them; either way
 * `receiveAll` makes one commit per read (the next expected MsgSeqNum and the echo together) and writes after it.
 * PostgreSQL (`PostgresFixMessageStore`, the server's defaults: a commit is durable) the same two ways, with as many
 * messages as SQLite FULL; each store call is a round trip to the server, waited for on the session's thread.
 * Baseline measured in the same run, the raw cost of the layer below: decode every incoming message and encode its
 * echo (codec only, no session rules, no store).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { decodeFix, encodeFix } from "../src/fix/codec.js";
import { EchoApplication } from "../src/fix/echo-application.js";
import { FIX44_DICTIONARY } from "../src/fix/fix-dictionaries.js";
import { formatUtcTimestamp } from "../src/fix/fix-time.js";
import { type FixMessageStore, MemoryFixMessageStore } from "../src/fix/message-store.js";
import { PostgresFixMessageStore } from "../src/fix/postgres-message-store.js";
import { type FixField, FixSession } from "../src/fix/session.js";
import { SqliteFixMessageStore } from "../src/fix/sqlite-message-store.js";
import { quoteIdent } from "../src/journal/postgres-journal-store.js";
import { collectGarbage, median, si } from "./harness.js";

export interface FixSessionBenchOptions {
  /** Messages per round for the baseline, the in-memory store and batched SQLite NORMAL. */
  messages: number;
  /** Messages per round for SQLite NORMAL one per read and SQLite FULL batched. */
  sqliteMessages: number;
  /** Messages per round for SQLite FULL one per read (two fsyncs per message). */
  fullSyncMessages: number;
  /** Messages per TCP read in the batched runs. */
  batch: number;
  rounds: number;
  pgUrl: string;
}

export const DEFAULT_FIX_SESSION: FixSessionBenchOptions = {
  messages: 50_000,
  sqliteMessages: 5_000,
  fullSyncMessages: 500,
  batch: 20,
  rounds: 3,
  pgUrl: process.env.TRIBUTARY_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/test",
};

const START = Date.UTC(2026, 0, 5, 14, 30) * 1000;

function orders(count: number): string[] {
  const sendingTime = formatUtcTimestamp(START);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(
      encodeFix("FIX.4.4", [
        [35, "D"],
        [49, "TW44"],
        [56, "ISLD"],
        [34, i + 2],
        [52, sendingTime],
        [11, `C${i}`],
        [1, `ACC${i % 200}`],
        [21, 1],
        [55, i % 3 === 0 ? "ACME" : i % 3 === 1 ? "NRTH" : "PNNY"],
        [54, i % 2 === 0 ? 1 : 2],
        [60, sendingTime],
        [38, 100 + (i % 900)],
        [40, 2],
        [44, `${(100 + (i % 50) / 100).toFixed(2)}`],
        [59, 0],
      ]),
    );
  }
  return out;
}

/** Runs `messages` through a fresh logged-on session, `batch` per read; returns seconds. */
function throughSession(messages: readonly string[], store: FixMessageStore, batch = 1): number {
  const clock = { now: () => START };
  let written = 0;
  const session = new FixSession(
    { beginString: "FIX.4.4", senderCompId: "ISLD", targetCompId: "TW44", resetOnLogon: true },
    { clock, store, dictionary: FIX44_DICTIONARY, application: new EchoApplication() },
  );
  session.attach({
    write: (raw) => {
      written += raw.split("\x0110=").length - 1;
    },
    disconnect: () => {},
  });
  session.receive(
    encodeFix("FIX.4.4", [
      [35, "A"],
      [49, "TW44"],
      [56, "ISLD"],
      [34, 1],
      [52, formatUtcTimestamp(START)],
      [98, 0],
      [108, 30],
    ]),
  );
  collectGarbage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i += batch) session.receiveAll(messages.slice(i, i + batch));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (written !== messages.length + 1) throw new Error(`echoed ${written - 1} of ${messages.length}`);
  store.close();
  return seconds;
}

function codecOnly(messages: readonly string[]): number {
  collectGarbage();
  const sendingTime = formatUtcTimestamp(START);
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i++) {
    const r = decodeFix(messages[i] as string);
    if (!r.ok) throw new Error(r.reason);
    const m = r.message;
    const fields: FixField[] = [
      [35, m.msgType],
      [49, "ISLD"],
      [56, "TW44"],
      [34, i + 2],
      [52, sendingTime],
    ];
    for (let k = 5; k < m.tags.length - 1; k++) fields.push([m.tags[k] as number, m.values[k] as string]);
    bytes += encodeFix("FIX.4.4", fields).length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (bytes === 0) throw new Error("nothing encoded");
  return seconds;
}

export async function runFixSessionBench(options: FixSessionBenchOptions, log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tributary-fix-bench-"));
  const many = orders(options.messages);
  const some = many.slice(0, options.sqliteMessages);
  const few = many.slice(0, options.fullSyncMessages);
  const b = options.batch;
  log(
    `workload: NewOrderSingle (15 fields, ~${many[0]?.length ?? 0} bytes) into a logged-on FIX 4.4 session with the ` +
      `echo application; ${si(options.messages)} messages (SQLite NORMAL one per read and FULL batched: ` +
      `${si(options.sqliteMessages)}; FULL one per read: ${si(options.fullSyncMessages)}); batched = ${b} per read; ` +
      `${options.rounds} rounds, median; store files in ${tmpdir()}`,
  );
  let n = 0;
  const rate = (count: number, run: () => number, warmUp = false): number => {
    if (warmUp) run();
    const seconds: number[] = [];
    for (let r = 0; r < options.rounds; r++) seconds.push(run());
    return count / median(seconds);
  };
  const sqlite = (synchronous: "FULL" | "NORMAL") =>
    new SqliteFixMessageStore(join(dir, `s${n++}.sqlite`), { synchronous });
  const schemas: string[] = [];
  const postgres = () => {
    schemas.push(`bench_fix_${process.pid}_${n++}`);
    return new PostgresFixMessageStore(options.pgUrl, schemas[schemas.length - 1]);
  };
  const results: [string, number][] = [
    ["baseline: decode + encode only (codec)", rate(many.length, () => codecOnly(many), true)],
    ["session, memory store", rate(many.length, () => throughSession(many, new MemoryFixMessageStore()), true)],
    ["session, SQLite NORMAL, 1 per read", rate(some.length, () => throughSession(some, sqlite("NORMAL")))],
    [`session, SQLite NORMAL, ${b} per read`, rate(many.length, () => throughSession(many, sqlite("NORMAL"), b))],
    ["session, SQLite FULL, 1 per read", rate(few.length, () => throughSession(few, sqlite("FULL")))],
    [`session, SQLite FULL, ${b} per read`, rate(some.length, () => throughSession(some, sqlite("FULL"), b))],
    ["session, PostgreSQL, 1 per read", rate(few.length, () => throughSession(few, postgres()))],
    [`session, PostgreSQL, ${b} per read`, rate(few.length, () => throughSession(few, postgres(), b))],
  ];
  rmSync(dir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: options.pgUrl });
  await admin.connect();
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(s)} CASCADE`);
  await admin.end();
  const base = results[0]?.[1] ?? Number.NaN;
  log("");
  log("| path | messages/s (each echoed) | vs codec only |");
  log("| --- | ---: | ---: |");
  for (const [name, value] of results) log(`| ${name} | ${si(value)} | ${(value / base).toFixed(2)}x |`);
}
