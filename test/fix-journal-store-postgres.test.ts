/**
 * The FIX message store in a PostgreSQL journal's schema, on the real server of this machine (127.0.0.1:5432, database
 * `test`, or TRIBUTARY_TEST_PG; a schema of its own per journal, dropped after): the store contract against it, and
 * what it is for, as with a SQLite journal (src/fix/journal-message-store.test.ts): a read's store writes and its
 * events are one transaction (a commit the server refused leaves neither, its retry brings both), durable means both
 * are committed, and a restart (the journal reopened, or a PostgreSQL store of its own on the schema) finds them.
 * (The journal's worker runs from dist/: `npm run build` first.)
 */
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { durableWithItsEvent, SENT_RAW } from "../src/fix/journal-message-store.contract.js";
import { JournalFixMessageStore } from "../src/fix/journal-message-store.js";
import { fixMessageStoreContract } from "../src/fix/message-store.contract.js";
import { PostgresFixMessageStore } from "../src/fix/postgres-message-store.js";
import { quoteIdent } from "../src/journal/postgres-journal-store.js";
import { ThreadedJournal } from "../src/journal/threaded-journal.js";
import type { EngineEvent } from "../src/model/client-events.js";
import { sampleDay } from "./journal-fixtures.js";
import { dropSchemas, PG_URL, testSchema, withClient } from "./postgres-fixtures.js";

const RUN = testSchema("tfixj");
let n = 0;
const schemas: string[] = [];
const open: ThreadedJournal[] = [];
afterEach(() => {
  for (const journal of open.splice(0)) journal.closeSync();
});
afterAll(() => dropSchemas(...schemas));

function schema(): string {
  const s = `${RUN}_${++n}`;
  schemas.push(s);
  return s;
}

/** A journal in `schema` (made with `create`) whose worker writes the FIX store's tables too. */
function journalIn(s: string, options: { create?: boolean; onError?: (error: Error) => void } = {}): ThreadedJournal {
  const journal = new ThreadedJournal(
    { kind: "postgres", url: PG_URL, schema: s },
    {
      create: options.create ?? true,
      companion: JournalFixMessageStore.companion,
      ...(options.onError ? { onError: options.onError } : {}),
    },
  );
  open.push(journal);
  return journal;
}

const durable = (store: JournalFixMessageStore) =>
  new Promise<Error | null>((resolve) => store.whenDurable((error) => resolve(error)));

const eventsCommitted = (s: string) =>
  withClient(async (client) => {
    return (await client.query(`SELECT count(*)::int AS n FROM ${quoteIdent(s)}.journal`)).rows[0].n as number;
  });

/** What another connection sees committed now: the journal's events and the FIX store's rows. */
function committed(s: string) {
  return withClient(async (client) => {
    const q = quoteIdent(s);
    const events = (await client.query(`SELECT count(*)::int AS n FROM ${q}.journal`)).rows[0].n as number;
    const sessions = (await client.query(`SELECT session_id, next_sender::int, next_target::int FROM ${q}.fix_session`))
      .rows;
    const sent = (
      await client.query(`SELECT msg_seq_num::int, upstream_seq::int FROM ${q}.fix_sent_message ORDER BY msg_seq_num`)
    ).rows;
    return { events, sessions, sent };
  });
}

describe("JournalFixMessageStore on a PostgreSQL journal", () => {
  fixMessageStoreContract(() => new JournalFixMessageStore(journalIn(schema())));

  it("commits a read's store writes with its events: a refused commit leaves neither, its retry both", async () => {
    const s = schema();
    const errors: Error[] = [];
    const journal = journalIn(s, { onError: (error) => errors.push(error) });
    const store = new JournalFixMessageStore(journal);
    const [first, second] = sampleDay();
    // Another connection holds fix_session: the worker's transaction has COPied the events and waits at the store's
    // write; its connection is then cut (as a server restart would), the commit refused, and retried.
    const blocker = new pg.Client({ connectionString: PG_URL });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query(`LOCK TABLE ${quoteIdent(s)}.fix_session IN ACCESS EXCLUSIVE MODE`);
      store.transaction(() => {
        journal.append(first as never);
        journal.append(second as never);
        store.setNextTargetMsgSeqNum("S", 2);
        store.recordSent("S", 1, "8=FIX.4.4\x01", 2);
      });
      const said = durable(store);
      // Asked outside the blocker's transaction, within which pg_stat_activity answers from one snapshot.
      const waiting = `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%'`;
      const pids = await withClient(async (c) => {
        for (;;) {
          const found = (await c.query(waiting, [s])).rows.map((r) => r.pid as number);
          if (found.length > 0) return found;
        }
      });
      expect(await eventsCommitted(s)).toBe(0);
      await withClient((c) => c.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [pids]));
      expect(await said).toBeInstanceOf(Error);
      expect(errors[0]?.message).toMatch(/retrying/);
      expect(await eventsCommitted(s)).toBe(0);
      await blocker.query("COMMIT");
    } finally {
      await blocker.end(); // a failed expectation must not leave the journal's worker (and its closing) waiting
    }
    await journal.durable(2);
    expect(await durable(store)).toBeNull();
    expect(await committed(s)).toEqual({
      events: 2,
      sessions: [{ session_id: "S", next_sender: 2, next_target: 2 }],
      sent: [{ msg_seq_num: 1, upstream_seq: 2 }],
    });
  });

  it("says durable once the journal's commit holds both; a read waits behind the writes before it", async () => {
    const s = schema();
    await durableWithItsEvent(journalIn(s), sampleDay()[0] as EngineEvent, async () => (await committed(s)).sessions);
    const plain = new PostgresFixMessageStore(PG_URL, s);
    expect(plain.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 5, nextTargetMsgSeqNum: 2 });
    expect(plain.sentBetween("S", 1, 9)).toEqual([{ msgSeqNum: 1, raw: SENT_RAW }]);
    plain.close();
  });

  it("keeps the numbers and messages across a restart: the journal reopened continues its chain and the store", () => {
    const s = schema();
    const first = journalIn(s);
    const before = new JournalFixMessageStore(first);
    const events = sampleDay();
    before.transaction(() => {
      for (const e of events.slice(0, 3)) first.append(e as never);
      before.setNextTargetMsgSeqNum("S", 4);
      before.recordSent("S", 1, "a", 2);
      before.recordSent("S", 2, "b", 3);
    });
    before.close();
    first.closeSync();
    const again = journalIn(s, { create: false });
    const after = new JournalFixMessageStore(again);
    expect(again.headSeq).toBe(3);
    expect(after.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 3, nextTargetMsgSeqNum: 4 });
    expect(after.sentBetween("S", 1, 9).map((m) => m.raw)).toEqual(["a", "b"]);
    after.transaction(() => {
      again.append(events[3] as never);
      after.recordSent("S", 3, "c", 4);
    });
    expect(after.seqNums("S").nextSenderMsgSeqNum).toBe(4);
    after.close();
  });
});
