/**
 * Redelivery after a restart, made deterministic: reports whose events the journal holds but the FIX store never got
 * (the gateway stopped listening, as a killed process would) are sent by `redeliverMissedReports`, in journal order,
 * after the ones the store has; none twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VirtualScheduler } from "../src/core/scheduler.js";
import { Engine } from "../src/engine/engine.js";
import { decodeFix } from "../src/fix/codec.js";
import { MemoryFixMessageStore } from "../src/fix/message-store.js";
import { OrderGateway } from "../src/fix/order-gateway.js";
import { parseOrderGatewayConfig } from "../src/fix/order-gateway-config.js";
import { wallClock } from "../src/fix/tcp-acceptor.js";
import { Journal } from "../src/journal/journal.js";
import { SqliteJournalReader } from "../src/journal/sqlite-journal-reader.js";
import { SqliteJournalStore } from "../src/journal/sqlite-journal-store.js";
import { redeliverMissedReports } from "../src/service/fix-redelivery.js";
import { INSTRUMENTS, START, TestQuotes } from "./engine-fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-redelivery-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("FIX reports missed at a crash", () => {
  it("are sent from the journal, after the ones the store holds, each once", () => {
    const config = parseOrderGatewayConfig({
      sessions: [{ id: "OMS1", senderCompId: "TRIBUTARY", targetCompId: "OMS1" }],
    });
    const quotes = new TestQuotes();
    quotes.set("ACME", "149.99", "150.01");
    const engine = new Engine({
      instruments: INSTRUMENTS,
      scheduler: new VirtualScheduler(START),
      quotes,
      sources: OrderGateway.sources(config),
    });
    const path = join(dir, "journal.db");
    const journalStore = SqliteJournalStore.open(path, { mode: "create" });
    const journal = Journal.openSync(journalStore);
    journal.attach(engine);
    const fixStore = new MemoryFixMessageStore();
    const first = new OrderGateway(engine, config, { clock: wallClock });
    first.createSessions(fixStore);
    const submit = (id: string) =>
      engine.submit({
        clOrdId: id,
        source: "OMS1",
        account: "A1",
        symbol: "ACME",
        side: "buy",
        quantity: "100",
        orderType: "limit",
        limitPrice: "140.00",
      });
    submit("a");
    submit("b");
    first.close(); // the process dies: these two reports reach the journal only
    submit("c");
    submit("d");
    journal.flushSync();

    const second = new OrderGateway(engine, config, { clock: wallClock });
    const [session] = second.createSessions(fixStore);
    const before = fixStore.seqNums(session?.id as string).nextSenderMsgSeqNum;
    const reader = new SqliteJournalReader(path);
    const counts = redeliverMissedReports(second, fixStore, reader, engine.lastSeq);
    expect(counts).toEqual(new Map([["OMS1", 2]]));
    const stored = fixStore
      .sentBetween(session?.id as string, 1, 100)
      .map((m) => decodeFix(m.raw))
      .map((r) => (r.ok ? `${r.message.get(11)}:${r.message.get(17)}` : "bad"));
    expect(stored).toEqual(["a:X1", "b:X2", "c:X3", "d:X4"]);
    expect(fixStore.seqNums(session?.id as string).nextSenderMsgSeqNum).toBe(before + 2);
    // Run again (a second restart): nothing is missing any more.
    expect(redeliverMissedReports(second, fixStore, reader, engine.lastSeq)).toEqual(new Map());
    reader.close();
    second.close();
    journal.closeSync();
  });
});
