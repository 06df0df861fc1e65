/**
 * The order gateway without sockets or venues: an engine on a virtual clock, sessions fed raw messages. Checks that
 * with a `durability` the answers are stored with the read that caused them and leave, in order, once their events
 * are durable too (those released by one journal commit in one write), and the text helpers.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadReferenceData } from "../config/load-config.js";
import { VirtualScheduler } from "../core/scheduler.js";
import { Engine } from "../engine/engine.js";
import { attachCounterparty } from "./attached-counterparty.js";
import { decodeFix, type FixMessage } from "./codec.js";
import { formatUtcTimestamp } from "./fix-time.js";
import { MemoryFixMessageStore } from "./message-store.js";
import { type Durability, fixRefusalText, formatAvgPx, OrderGateway } from "./order-gateway.js";
import { parseOrderGatewayConfig } from "./order-gateway-config.js";
import type { FixField } from "./session.js";

const REFERENCE = fileURLToPath(new URL("../../config/demo.yaml", import.meta.url));
const data = loadReferenceData(REFERENCE);

class FakeJournal implements Durability {
  durableSeq = 0;
  private readonly listeners: ((seq: number) => void)[] = [];
  onDurable(listener: (seq: number) => void): void {
    this.listeners.push(listener);
  }
  commit(seq: number): void {
    this.durableSeq = seq;
    for (const l of this.listeners) l(seq);
  }
}

/** Counts the message store's commits. */
class CountingStore extends MemoryFixMessageStore {
  commits = 0;
  override transaction<T>(work: () => T): T {
    const r = work();
    this.commits++;
    return r;
  }
}

const OPEN = Date.UTC(2026, 0, 5, 14, 30) * 1000;

function setup(
  durability?: Durability,
  options: { sessionClose?: number; durationSeconds?: number; beginString?: "FIX.4.2" | "FIX.4.4" } = {},
) {
  const clock = new VirtualScheduler(OPEN);
  const defaults = options.durationSeconds === undefined ? {} : { durationSeconds: options.durationSeconds };
  const config = parseOrderGatewayConfig({
    sessions: [
      {
        senderCompId: "TRIBUTARY",
        targetCompId: "OMS1",
        defaultAccount: "A1",
        defaults,
        ...(options.beginString === undefined ? {} : { beginString: options.beginString }),
      },
    ],
  });
  const engine = new Engine({ instruments: data.instruments, scheduler: clock, sources: OrderGateway.sources(config) });
  const gateway = new OrderGateway(engine, config, {
    clock,
    ...(durability ? { durability } : {}),
    ...(options.sessionClose === undefined ? {} : { sessionClose: options.sessionClose }),
  });
  const store = new CountingStore();
  const [session] = gateway.createSessions(store);
  if (session === undefined) throw new Error("no session");
  const { received, writes, send } = attachCounterparty(session, clock, {
    senderCompId: "OMS1",
    targetCompId: "TRIBUTARY",
    ...(options.beginString === undefined ? {} : { beginString: options.beginString }),
  });
  send("A", [
    [98, 0],
    [108, 30],
    [141, "Y"],
  ]);
  const order = (clOrdId: string): FixField[] => [
    [11, clOrdId],
    [55, "ACME"],
    [54, "1"],
    [60, formatUtcTimestamp(clock.now())],
    [38, "100"],
    [40, "2"],
    [44, "149.00"],
  ];
  return { clock, engine, gateway, received, send, order, writes, store };
}

describe("OrderGateway with a durability source", () => {
  it("stores each acknowledgement with its read, sends it once the journal says durable, in order", () => {
    const journal = new FakeJournal();
    const { received, send, order, engine, store, writes } = setup(journal);
    const seqs: number[] = [];
    engine.on((e) => {
      if (e.type === "execution-report" || e.type === "order-rejected") seqs.push(e.seq);
    });
    const commits = store.commits;
    send("D", order("O1"));
    send("D", order("O2"));
    send("D", order("O3").map(([t, v]) => (t === 55 ? [t, "NOPE"] : [t, v])) as FixField[]);
    const reports = () => received.filter((m) => m.msgType === "8");
    expect(reports()).toHaveLength(0);
    // Stored already, in the read's own commit (one per NewOrderSingle), before the journal's commit.
    expect(store.commits - commits).toBe(3);
    const stored = store.sentBetween("FIX.4.4:TRIBUTARY->OMS1", 1, 100).map((m) => decodeFix(m.raw));
    expect(stored.map((r) => (r.ok ? r.message.get(11) : null))).toEqual(["O1", "O2", "O3"]);
    journal.commit(seqs[0] as number);
    expect(reports().map((m) => m.get(11))).toEqual(["O1"]);
    const before = { commits: store.commits, writes: writes.count };
    journal.commit(seqs[2] as number);
    // O2 and O3 leave together: no store commit (they were stored with their reads), one write.
    expect({ commits: store.commits - before.commits, writes: writes.count - before.writes }).toEqual({
      commits: 0,
      writes: 1,
    });
    expect(reports().map((m) => [m.get(11), m.get(39)])).toEqual([
      ["O1", "0"],
      ["O2", "0"],
      ["O3", "8"],
    ]);
  });

  it("an OrderStatusRequest answer does not overtake an acknowledgement still waiting for the journal", () => {
    const journal = new FakeJournal();
    const { received, send, order, engine } = setup(journal);
    let seq = 0;
    engine.on((e) => {
      seq = e.seq;
    });
    send("D", order("O1"));
    send("H", [
      [11, "O1"],
      [55, "ACME"],
      [54, "1"],
    ]);
    expect(received.filter((m) => m.msgType === "8")).toHaveLength(0);
    journal.commit(seq);
    expect(received.filter((m) => m.msgType === "8").map((m) => [m.get(11), m.get(150)])).toEqual([
      ["O1", "0"],
      ["O1", "I"],
    ]);
  });

  it("a NewOrderSingle resent with PossDupFlag=Y for an order it has is answered with its status, not run again", () => {
    const { received, send, order, engine } = setup();
    send("D", order("O1"));
    const resent = formatUtcTimestamp(Date.UTC(2026, 0, 5, 14, 30) * 1000);
    send("D", [[43, "Y"], [122, resent], ...order("O1")]);
    send("D", [[43, "Y"], [122, resent], ...order("O2")]);
    const reports = received.filter((m) => m.msgType === "8").map((m) => [m.get(11), m.get(150), m.get(39)]);
    expect(reports).toEqual([
      ["O1", "0", "0"],
      ["O1", "I", "0"],
      ["O2", "0", "0"],
    ]);
    expect(engine.orders.map((o) => o.clOrdId)).toEqual(["O1", "O2"]);
  });

  it("an ExecutionReport carries ExecTransType 0 to a FIX 4.2 session, and none to a FIX 4.4 one", () => {
    const ack = (beginString: "FIX.4.2" | "FIX.4.4") => {
      const { received, send, order } = setup(undefined, { beginString });
      send("D", [...order("O1"), [21, "1"]]); // HandlInst: required in FIX 4.2, allowed in 4.4
      const report = received.find((m) => m.msgType === "8");
      return [report?.get(8), report?.get(150), report?.get(20) ?? null];
    };
    expect(ack("FIX.4.2")).toEqual(["FIX.4.2", "0", "0"]);
    expect(ack("FIX.4.4")).toEqual(["FIX.4.4", "0", null]);
  });

  it("without a durability source answers at once", () => {
    const { received, send, order } = setup();
    send("D", order("O1"));
    expect(received.filter((m) => m.msgType === "8").map((m) => m.get(150))).toEqual(["0"]);
  });
});

describe("Day orders and the session close", () => {
  const CLOSE = OPEN + 60 * 60 * 1_000_000;
  const reports = (received: FixMessage[], clOrdId: string) =>
    received.filter((m) => m.msgType === "8" && m.get(11) === clOrdId).map((m) => [m.get(150), m.get(39)]);

  it("ends an order without ExpireTime at the close, where it expires with a report", () => {
    const { clock, engine, received, send, order } = setup(undefined, { sessionClose: CLOSE });
    send("D", order("O1"));
    expect(engine.order("OMS1", "O1")?.endTime).toBe(CLOSE);
    clock.runUntil(CLOSE);
    expect(reports(received, "O1")).toEqual([
      ["0", "0"],
      ["C", "C"],
    ]);
  });

  it("keeps an ExpireTime as sent, and ends a default duration no later than the close", () => {
    const { engine, send, order } = setup(undefined, { sessionClose: CLOSE, durationSeconds: 7200 });
    const expire = OPEN + 10 * 60 * 1_000_000;
    send("D", [...order("O1"), [126, formatUtcTimestamp(expire)]]);
    send("D", order("O2"));
    expect(engine.order("OMS1", "O1")?.endTime).toBe(expire);
    expect(engine.order("OMS1", "O2")?.endTime).toBe(CLOSE);
  });

  it("refuses a NewOrderSingle at or after the close: OrdRejReason 2 (exchange closed)", () => {
    const { clock, received, send, order } = setup(undefined, { sessionClose: CLOSE });
    clock.runUntil(CLOSE);
    send("D", order("LATE"));
    const reject = received.find((m) => m.msgType === "8" && m.get(11) === "LATE");
    expect([reject?.get(150), reject?.get(103)]).toEqual(["8", "2"]);
    expect(reject?.get(58)).toMatch(/^the trading session closed at /);
  });

  it("without a session close, an order without ExpireTime has no end time", () => {
    const { engine, send, order } = setup();
    send("D", order("O1"));
    expect(engine.order("OMS1", "O1")?.endTime).toBeNull();
  });
});

describe("text helpers", () => {
  it("names intake's fields as FIX fields", () => {
    expect(fixRefusalText("symbol", 'unknown symbol "X"')).toBe('Symbol (55): unknown symbol "X"');
    expect(fixRefusalText("limit_price", "off tick")).toBe("Price (44): off tick");
    expect(fixRefusalText(null, "a kill switch covers this order")).toBe("a kill switch covers this order");
  });

  it("prints AvgPx 4 decimals finer than the price units, without trailing zeros", () => {
    const acme = data.instruments.get("ACME");
    if (acme === undefined) throw new Error("ACME");
    expect(formatAvgPx(acme, 1_500_050)).toBe("150.005");
    expect(formatAvgPx(acme, 1_500_000 + 1 / 3)).toBe("150.00003333");
    expect(formatAvgPx(acme, 0)).toBe("0");
  });
});
