/**
 * The FIX message store contract on the real PostgreSQL server of this machine (127.0.0.1:5432, database `test`, or
 * TRIBUTARY_TEST_PG), a schema of its own per store, dropped after; and what only a durable store must do: keep its
 * state across a reopen (a restart), make a transaction all or nothing, and name the server when it cannot open.
 * (The worker runs from dist/: `npm run build` first.)
 */
import { afterAll, describe, expect, it } from "vitest";
import { fixMessageStoreContract } from "../src/fix/message-store.contract.js";
import { PostgresFixMessageStore } from "../src/fix/postgres-message-store.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";

const RUN = testSchema("tfix");
let n = 0;
const schemas: string[] = [];

function schema(): string {
  const s = `${RUN}_${++n}`;
  schemas.push(s);
  return s;
}

afterAll(() => dropSchemas(...schemas));

describe("PostgresFixMessageStore", () => {
  fixMessageStoreContract(() => new PostgresFixMessageStore(PG_URL, schema()));

  it("keeps sequence numbers and sent messages across a reopen", () => {
    const s = schema();
    const a = new PostgresFixMessageStore(PG_URL, s);
    a.recordSent("FIX.4.4:ISLD->TW44", 1, "8=FIX.4.4\x01\xe9");
    a.setNextTargetMsgSeqNum("FIX.4.4:ISLD->TW44", 9);
    a.close();
    const b = new PostgresFixMessageStore(PG_URL, s);
    expect(b.seqNums("FIX.4.4:ISLD->TW44")).toEqual({ nextSenderMsgSeqNum: 2, nextTargetMsgSeqNum: 9 });
    expect(b.sentBetween("FIX.4.4:ISLD->TW44", 1, 1)).toEqual([{ msgSeqNum: 1, raw: "8=FIX.4.4\x01\xe9" }]);
    b.close();
  });

  it("commits a transaction whole, nested calls included, and rolls back one that throws", () => {
    const s = schema();
    const store = new PostgresFixMessageStore(PG_URL, s);
    store.transaction(() => {
      store.recordSent("S", 1, "a");
      store.transaction(() => store.recordSent("S", 2, "b"));
    });
    expect(() =>
      store.transaction(() => {
        store.recordSent("S", 3, "c");
        throw new Error("the peer's message was garbled");
      }),
    ).toThrow("garbled");
    store.close();
    const again = new PostgresFixMessageStore(PG_URL, s);
    expect(again.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 3, nextTargetMsgSeqNum: 1 });
    expect(again.sentBetween("S", 1, 10).map((m) => m.raw)).toEqual(["a", "b"]);
    again.close();
  });

  it("reads its own writes inside a transaction, and forgets them all when it rolls back", () => {
    const store = new PostgresFixMessageStore(PG_URL, schema());
    expect(() =>
      store.transaction(() => {
        store.recordSent("S", 1, "a");
        expect(store.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 2, nextTargetMsgSeqNum: 1 });
        store.recordSent("S", 2, "b");
        expect(store.sentBetween("S", 1, 9).map((m) => m.raw)).toEqual(["a", "b"]);
        throw new Error("stop");
      }),
    ).toThrow("stop");
    expect(store.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1 });
    expect(store.sentBetween("S", 1, 9)).toEqual([]);
    store.recordSent("S", 1, "c");
    expect(store.sentBetween("S", 1, 9)).toEqual([{ msgSeqNum: 1, raw: "c" }]);
    store.close();
  });

  it("names the server, without its password, when it cannot open", () => {
    expect(() => new PostgresFixMessageStore("postgres://u:secret@127.0.0.1:1/test", "x")).toThrow(
      /^postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/test \(schema x\): cannot open the FIX message store: .*ECONNREFUSED/,
    );
  });
});
