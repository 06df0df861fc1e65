/**
 * The contract every `JournalStore` honours, run against each implementation (journal-sqlite.test.ts,
 * journal-postgres.test.ts) on a real database: append and read back in seq order, the hash chain and its
 * verification (tampering names the first bad seq), append-only tables, atomic batches, the order and parent queries
 * and their causation links, continuing a chain after reopening, and a bulk run through the group-committing Journal.
 */
import { afterEach, describe, expect, it } from "vitest";
import { canonicalJson } from "../src/journal/canonical-json.js";
import { Journal } from "../src/journal/journal.js";
import {
  chainHash,
  GENESIS_HASH,
  type JournalRecord,
  makeRecord,
  type StoredRecord,
} from "../src/journal/journal-record.js";
import type { JournalStore } from "../src/journal/journal-store.js";
import { orderLife, parentLife, shareOf } from "../src/journal/order-life.js";
import { verifyJournal } from "../src/journal/verify.js";
import { manyEvents, sampleDay } from "./journal-fixtures.js";

/** Raw SQL on the store's database, unqualified table names. */
export interface RawAccess {
  exec(sql: string): Promise<void>;
  /** Drops or disables the append-only triggers (what an attacker with the database would do). */
  allowTampering(): Promise<void>;
}

export interface StoreHarness {
  /** A fresh, empty store (a new file or schema per call within one test; reopenable with `reopen`). */
  create(): Promise<JournalStore>;
  /** The same database again. */
  reopen(): Promise<JournalStore>;
  raw(store: JournalStore): RawAccess;
  /** Called after each test. */
  cleanup(): Promise<void>;
}

async function journalDay(store: JournalStore): Promise<Journal> {
  const journal = await Journal.open(store, { batchSize: 5 });
  for (const event of sampleDay()) journal.append(event);
  await journal.flush();
  return journal;
}

const seqs = (records: readonly { seq: number }[]): number[] => records.map((r) => r.seq);

export function journalStoreContract(name: string, harness: StoreHarness): void {
  describe(`JournalStore contract: ${name}`, () => {
    const open: JournalStore[] = [];
    const create = async (): Promise<JournalStore> => {
      const store = await harness.create();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close().catch(() => {});
      await harness.cleanup();
    });

    it("starts empty and verifies", async () => {
      const store = await create();
      expect(await store.head()).toBeNull();
      expect(await verifyJournal(store)).toEqual({ ok: true, records: 0, headHash: GENESIS_HASH });
    });

    it("appends in seq order and reads back canonical payloads chained from the genesis hash", async () => {
      const store = await create();
      const journal = await journalDay(store);
      const day = sampleDay();
      const records = await store.readRange(1, 1000);
      expect(seqs(records)).toEqual(day.map((e) => e.seq));
      expect(records.map((r) => r.payload)).toEqual(day.map((e) => canonicalJson(e)));
      expect(records[0]?.prevHash).toBe(GENESIS_HASH);
      for (let i = 1; i < records.length; i++) expect(records[i]?.prevHash).toBe(records[i - 1]?.hash);
      expect(records[3]?.hash).toBe(chainHash(records[3]?.prevHash as string, records[3]?.payload as string));
      expect(records.map((r) => r.time)).toEqual(day.map((e) => e.time));
      expect(await store.head()).toEqual({ seq: 27, hash: journal.headHash });
      expect(await verifyJournal(store)).toEqual({ ok: true, records: 27, headHash: journal.headHash });
      expect(JSON.parse(records[26]?.payload as string).reason).toBe("test \\ \t tab\nline");
      expect(seqs(await store.readRange(5, 7))).toEqual([5, 6, 7]);
      expect(await store.readPayloads(1, 1000)).toEqual(records.map((r) => r.payload));
      expect(await store.readPayloads(5, 7)).toEqual(records.slice(4, 7).map((r) => r.payload));
      expect(await store.readPayloads(28, 30)).toEqual([]);
    });

    it("records source, parent, child and causation", async () => {
      const store = await create();
      await journalDay(store);
      const r = await store.readRange(1, 1000);
      const at = (seq: number) => r[seq - 1] as (typeof r)[number];
      expect(at(2)).toMatchObject({ type: "order-accepted", source: "OMS", parentId: 1, causation: null });
      expect(at(7)).toMatchObject({ type: "child-order", source: null, parentId: 1, childId: "C1" });
      expect(at(24)).toMatchObject({ type: "internal-cross", parentId: 1 });
      const causes = Object.fromEntries(r.filter((x) => x.causation !== null).map((x) => [x.seq, x.causation]));
      expect(causes).toEqual({ 4: 2, 6: 5, 11: 10, 12: 11, 13: 11, 19: 18, 20: 19, 22: 21, 23: 22 });
    });

    it("gives the complete life of a client order: parent, child placements and fills, allocations with shares", async () => {
      const store = await create();
      await journalDay(store);
      const life = await orderLife(store, "A1", null);
      expect(life?.orderIds).toEqual([1]);
      expect(seqs(life?.records ?? [])).toEqual([1, 2, 4, 7, 9, 10, 11, 12, 18, 19, 20, 25]);
      const shares = (life?.records ?? []).flatMap((r) => {
        const s = shareOf(r, [1]);
        return s === null ? [] : [[r.seq, s.qty, s.of]];
      });
      expect(shares).toEqual([
        [11, 30, 100],
        [19, 50, 50],
      ]);
      expect(seqs((await orderLife(store, "A1R", null))?.records ?? [])).toEqual(seqs(life?.records ?? []));
      expect(seqs((await orderLife(store, "A1", "OMS"))?.records ?? [])).toEqual(seqs(life?.records ?? []));
      expect(await orderLife(store, "A1", "FIX")).toBeNull();
      expect(seqs((await orderLife(store, "A2", null))?.records ?? [])).toEqual([1, 5, 6, 7, 9, 10, 11, 13]);
      expect(seqs((await orderLife(store, "S1", null))?.records ?? [])).toEqual([16, 17, 21, 22, 23]);
      expect(await orderLife(store, "NOSUCH", null)).toBeNull();
    });

    it("finds orders that never got an order id by their client ids", async () => {
      const store = await create();
      await journalDay(store);
      const bad = await orderLife(store, "BAD", null);
      expect(bad?.orderIds).toEqual([]);
      expect(seqs(bad?.records ?? [])).toEqual([14]);
      expect(seqs((await orderLife(store, "NOPE", null))?.records ?? [])).toEqual([26]);
      expect(seqs((await orderLife(store, "ZZZ", null))?.records ?? [])).toEqual([26]);
    });

    it("gives the life of a parent: its orders, changes, children, fills, allocations and crosses", async () => {
      const store = await create();
      await journalDay(store);
      expect(seqs(await parentLife(store, 1))).toEqual([1, 2, 3, 5, 7, 8, 9, 10, 11, 15, 18, 19, 24]);
      expect(seqs(await parentLife(store, 2))).toEqual([16, 17, 21, 22, 24]);
      expect(await parentLife(store, 99)).toEqual([]);
      expect(seqs(await store.readByParent(1, 1))).toEqual([1]);
    });

    it("refuses UPDATE and DELETE on every table", async () => {
      const store = await create();
      await journalDay(store);
      const raw = harness.raw(store);
      await expect(raw.exec("UPDATE journal SET payload = '{}' WHERE seq = 3")).rejects.toThrow(/append-only/);
      await expect(raw.exec("DELETE FROM journal WHERE seq = 27")).rejects.toThrow(/append-only/);
      await expect(raw.exec("DELETE FROM journal_order")).rejects.toThrow(/append-only/);
      await expect(raw.exec("UPDATE journal_parent SET parent_id = 5")).rejects.toThrow(/append-only/);
      await expect(raw.exec("DELETE FROM journal_client_id")).rejects.toThrow(/append-only/);
      expect((await verifyJournal(store)).ok).toBe(true);
    });

    it("names the first bad seq when a payload is edited", async () => {
      const store = await create();
      await journalDay(store);
      const raw = harness.raw(store);
      await raw.allowTampering();
      await raw.exec(`UPDATE journal SET payload = replace(payload, '"orderQty":100', '"orderQty":900') WHERE seq = 5`);
      expect(await verifyJournal(store)).toMatchObject({ ok: false, badSeq: 5, records: 4 });
    });

    it("names the next seq when an edited record's own hash is recomputed", async () => {
      const store = await create();
      await journalDay(store);
      const r = (await store.readRange(9, 9))[0] as StoredRecord;
      const payload = r.payload.replace('"leavesQty":0', '"leavesQty":1');
      const hash = chainHash(r.prevHash, payload);
      const raw = harness.raw(store);
      await raw.allowTampering();
      await raw.exec(`UPDATE journal SET payload = '${payload}', hash = '${hash}' WHERE seq = 9`);
      const result = await verifyJournal(store);
      expect(result).toMatchObject({ ok: false, badSeq: 10 });
      expect(result.ok ? "" : result.reason).toMatch(/prev_hash/);
    });

    it("catches edited columns, a deleted record and a deleted index row", async () => {
      const store = await create();
      await journalDay(store);
      const raw = harness.raw(store);
      await raw.allowTampering();
      await raw.exec("UPDATE journal SET source = 'FIX' WHERE seq = 17");
      expect(await verifyJournal(store)).toMatchObject({ ok: false, badSeq: 17 });
      await raw.exec("UPDATE journal SET source = 'OMS' WHERE seq = 17");
      expect((await verifyJournal(store)).ok).toBe(true);
      await raw.exec("DELETE FROM journal_order WHERE seq = 11");
      expect(await verifyJournal(store)).toMatchObject({ ok: false, badSeq: null });
      await raw.exec("DELETE FROM journal WHERE seq = 8");
      const gap = await verifyJournal(store);
      expect(gap).toMatchObject({ ok: false, badSeq: 8 });
      expect(gap.ok ? "" : gap.reason).toMatch(/seq 8 is missing/);
    });

    it("appends a batch atomically: a batch that fails leaves nothing behind", async () => {
      const store = await create();
      await journalDay(store);
      const head = await store.head();
      const extra = [...manyEvents(3, 28)].map((e, i) =>
        makeRecord(e as never, canonicalJson(e), null, i === 0 ? (head?.hash as string) : "x"),
      );
      const duplicate = { ...(extra[2] as JournalRecord), seq: 28 };
      await expect(store.append([extra[0] as JournalRecord, extra[1] as JournalRecord, duplicate])).rejects.toThrow();
      expect(await store.head()).toEqual(head);
      expect((await verifyJournal(store)).ok).toBe(true);
    });

    it("continues the chain after reopening", async () => {
      const store = await create();
      const first = await journalDay(store);
      await first.close();
      open.length = 0;
      const again = await harness.reopen();
      open.push(again);
      const journal = await Journal.open(again, { batchSize: 7 });
      expect(journal.headSeq).toBe(27);
      for (const event of manyEvents(50, 28)) journal.append(event);
      await journal.flush();
      expect(await verifyJournal(again)).toMatchObject({ ok: true, records: 77 });
      expect(seqs((await orderLife(again, "BAD", null))?.records ?? [])).toEqual([14]);
      expect((await orderLife(again, "O10", null))?.records[0]?.seq).toBeGreaterThan(27);
    });

    it("group-commits many events and tells when each is durable", async () => {
      const store = await create();
      const journal = await Journal.open(store, { batchSize: 1_000 });
      const durable: number[] = [];
      journal.onDurable((seq) => durable.push(seq));
      let last = 0;
      let ack: Promise<void> | null = null;
      for (const event of manyEvents(12_345)) {
        journal.append(event);
        last = event.seq;
        if (last === 2_500) ack = journal.durable(2_500);
      }
      await ack;
      expect(journal.durableSeq).toBeGreaterThanOrEqual(2_500);
      await journal.durable(last);
      await journal.flush();
      expect(journal.durableSeq).toBe(12_345);
      expect(durable[durable.length - 1]).toBe(12_345);
      expect(journal.batches).toBeLessThan(100);
      expect(await verifyJournal(store)).toMatchObject({ ok: true, records: 12_345 });
      const life = await orderLife(store, "O300", null);
      expect(life?.records.some((r) => r.type === "fill-allocated")).toBe(true);
    });

    it("keeps a fractional clock time exact in the payload and whole µs in the time column", async () => {
      const store = await create();
      const journal = await Journal.open(store);
      const [a] = sampleDay();
      journal.append({ ...(a as object), time: 1_767_623_420_509_236.5 } as never);
      await journal.flush();
      const [r] = await store.readRange(1, 1);
      expect(r?.time).toBe(1_767_623_420_509_236);
      expect(JSON.parse(r?.payload as string).time).toBe(1_767_623_420_509_236.5);
      expect((await verifyJournal(store)).ok).toBe(true);
    });

    it("refuses an event out of seq order (a bug)", async () => {
      const store = await create();
      const journal = await Journal.open(store);
      const [a, b] = sampleDay();
      journal.append(a as never);
      expect(() => journal.append({ ...(b as object), seq: 5 } as never)).toThrow(/seq 5 after 1/);
      await journal.flush();
    });
  });
}
