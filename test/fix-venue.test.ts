/**
 * FixVenue, for real over loopback TCP: the Venue contract suite (test/venue-contract.ts, on the wall clock) against
 * FixVenue connected to `venue-sim` (the simulated lit venue and dark pool served over FIX by runtime/venue-sim.ts, no
 * background flow), then what the contract cannot see: a dropped connection (reports sent while away arrive after
 * the reconnect, status requests reconcile, orders while down are refused as venue-unavailable), and market data over
 * FIX compared event for event with what the venue publishes in process. The QuickFIX C++ acceptor as the venue is in
 * test/fix-venue-quickfix.test.ts, the engine trading through FixVenue in test/fix-venue-engine.test.ts.
 *
 * Settling on the wall clock: every port session of a FixVenue shares its one FIX session, which venue-sim serves with
 * one order-entry session, and both directions are FIFO (TCP, the venue's latency channels). So a cancel of an order
 * that does not exist, sent on a session of its own, is a barrier: when its CancelReject is back, everything sent
 * before it has been processed and every report it caused has been delivered.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeFix, encodeFix, type FixMessage } from "../src/fix/codec.js";
import { formatUtcTimestamp } from "../src/fix/fix-time.js";
import { FixFramer } from "../src/fix/framer.js";
import { sha256Hex } from "../src/fix/logon-password.js";
import type { FixField } from "../src/fix/session.js";
import { SqliteFixMessageStore } from "../src/fix/sqlite-message-store.js";
import { MarketView } from "../src/market/market-view.js";
import type { CancelReject, ExecutionReport } from "../src/model/execution-report.js";
import type { MarketDataEvent } from "../src/model/market-data.js";
import type { Side } from "../src/model/order-types.js";
import { parseReferenceData } from "../src/model/reference-data.js";
import { startVenueSim } from "../src/runtime/venue-sim.js";
import { WallScheduler } from "../src/runtime/wall-scheduler.js";
import { FixVenue } from "../src/venue/fix/fix-venue.js";
import type { NewOrderRequest, OrderEntryListener, OrderEntrySession } from "../src/venue/venue.js";
import { config, px, venueInput } from "./sim-fixtures.js";
import { selfSignedCert } from "./tls-fixtures.js";
import { auditReports, venueContract, type WallVenueUnderTest } from "./venue-contract.js";

const IGNORE: OrderEntryListener = { onExecutionReport() {}, onCancelReject() {} };

/** Waits until `predicate` holds, checking every 5 ms; fails after `ms`. */
async function until(predicate: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function referenceData() {
  return parseReferenceData(
    config((c) => {
      const dark = venueInput(c, "DRKP");
      dark.orderTypes = ["limit"];
      dark.timesInForce = ["day", "ioc"];
      venueInput(c, "LITA").timesInForce = ["day", "ioc", "fok"];
    }),
    "test",
  );
}

function limit(clOrdId: string, account: string, side: Side, orderQty: number, price: number): NewOrderRequest {
  return {
    clOrdId,
    account,
    symbol: "ACME",
    side,
    ordType: "limit",
    timeInForce: "day",
    orderQty,
    price,
    postOnly: false,
    displayQty: null,
    minQty: null,
  };
}

/** A barrier on its own port session of `venue` (see the header). */
function barrier(venue: FixVenue): () => Promise<void> {
  const waiting = new Map<string, () => void>();
  const session = venue.connect({
    onExecutionReport() {},
    onCancelReject: (reject) => waiting.get(reject.clOrdId)?.(),
  });
  let n = 0;
  return () =>
    new Promise<void>((resolve, reject) => {
      const id = `BARRIER-${++n}`;
      const timer = setTimeout(() => reject(new Error(`barrier ${id} not answered`)), 10_000);
      waiting.set(id, () => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve();
      });
      session.cancel({ clOrdId: id, origClOrdId: `NO-ORDER-${n}`, symbol: "ACME" });
    });
}

async function build(venueId: "LITA" | "DRKP", seed: number): Promise<WallVenueUnderTest> {
  const data = referenceData();
  const sim = await startVenueSim({ data, seed, minutes: 0, port: 0 });
  const instrument = data.instruments.get("ACME");
  if (instrument === undefined) throw new Error("ACME missing");
  const price = px(instrument, "150.00");
  if (venueId === "DRKP") {
    // The pool crosses at the lit NBBO midpoint: one-lot quotes a tick either side of the price, on the server.
    const quotes = (sim.sim.lit[0] as NonNullable<(typeof sim.sim.lit)[0]>).connect(IGNORE);
    quotes.submit(limit("Q-BID", "MM", "buy", 1, price - instrument.tickUnits));
    quotes.submit(limit("Q-ASK", "MM", "sell", 1, price + instrument.tickUnits));
    const nbbo = () => sim.sim.quotes.nbbo("ACME");
    await until(
      () => nbbo().bid === price - instrument.tickUnits && nbbo().ask === price + instrument.tickUnits,
      "NBBO",
    );
  }
  const spec = data.venues.find((v) => v.id === venueId);
  if (spec === undefined) throw new Error(`${venueId} missing`);
  const scheduler = new WallScheduler();
  const venue = new FixVenue({ spec, instruments: data.instruments, scheduler, port: sim.port }).start();
  await venue.loggedOn();
  const settle = barrier(venue);
  const liquidity = venue.connect(IGNORE);
  let n = 0;
  return {
    venue,
    instrument,
    price,
    minOneWayMicros: 0,
    now: () => scheduler.now(),
    settle,
    async addLiquidity(side: Side, qty: number) {
      liquidity.submit(limit(`LP${++n}`, "LP", side, qty, price));
      await settle();
    },
    ...(venueId === "DRKP" ? { untradedSymbol: "NRTH" } : {}),
    async close() {
      await venue.stop();
      scheduler.stop();
      await sim.stop();
    },
  };
}

venueContract("FixVenue -> venue-sim LITA over TCP", (seed) => build("LITA", seed), { clock: "wall" });
venueContract("FixVenue -> venue-sim DRKP over TCP", (seed) => build("DRKP", seed), { clock: "wall" });

/** Records what one port session is told. */
class Recorder implements OrderEntryListener {
  readonly reports: ExecutionReport[] = [];
  readonly rejects: CancelReject[] = [];
  onExecutionReport(report: ExecutionReport): void {
    this.reports.push(report);
  }
  onCancelReject(reject: CancelReject): void {
    this.rejects.push(reject);
  }
}

describe("FixVenue across a dropped connection", () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it("gets the fills made while it was away after the reconnect, refuses orders while down, and reconciles", async () => {
    const data = referenceData();
    const sim = await startVenueSim({ data, seed: 1, minutes: 0, port: 0 });
    const scheduler = new WallScheduler();
    const spec = data.venues.find((v) => v.id === "LITA");
    if (spec === undefined) throw new Error("LITA missing");
    const venue = new FixVenue({
      spec,
      instruments: data.instruments,
      scheduler,
      port: sim.port,
      minBackoffMillis: 20,
      maxBackoffMillis: 100,
    }).start();
    closers.push(async () => {
      await venue.stop();
      scheduler.stop();
      await sim.stop();
    });
    await venue.loggedOn();
    const price = 1_500_000;
    const a = new Recorder();
    const session: OrderEntrySession = venue.connect(a);
    const view = new MarketView(scheduler);
    venue.subscribe(view);
    session.submit(limit("O1", "A", "buy", 10, price));
    session.submit(limit("O2", "A", "buy", 5, price - 100));
    await until(() => a.reports.length === 2, "two acknowledgements");
    await until(() => view.nbbo("ACME").bid === price, "our bid in the consolidated view");

    // The network goes: the server stops listening and drops the connection; the venue goes on trading.
    await sim.closeListener();
    await until(() => !venue.isLoggedOn, "the session to notice");
    expect(Number.isNaN(view.nbbo("ACME").bid)).toBe(true); // the venue's book left the view: nothing stale
    const seller = (sim.sim.lit[0] as NonNullable<(typeof sim.sim.lit)[0]>).connect(IGNORE);
    seller.submit(limit("S1", "B", "sell", 4, price));
    seller.submit(limit("S2", "B", "sell", 6, price));
    session.submit(limit("O3", "A", "buy", 1, price)); // down: refused here, never sent late
    await until(() => a.reports.some((r) => r.clOrdId === "O3"), "the refusal of O3");
    session.cancel({ clOrdId: "C2", origClOrdId: "O2", symbol: "ACME" }); // kept, delivered after the reconnect

    await sim.listen();
    await venue.loggedOn();
    await until(() => a.reports.filter((r) => r.execType !== "new").length === 4, "fills, refusal, cancel");
    expect(
      a.reports.map((r) => [r.clOrdId, r.execType, r.ordStatus, r.lastQty, r.cumQty, r.leavesQty, r.reason]),
    ).toEqual([
      ["O1", "new", "new", 0, 0, 10, null],
      ["O2", "new", "new", 0, 0, 5, null],
      ["O3", "rejected", "rejected", 0, 0, 0, "venue-unavailable"],
      ["O1", "trade", "partially-filled", 4, 4, 6, null],
      ["O1", "trade", "filled", 6, 10, 0, null],
      ["C2", "canceled", "canceled", 0, 0, 0, "requested"],
    ]);
    expect(a.reports.slice(3, 5).map((r) => [r.liquidity, r.feeMicros])).toEqual([
      ["maker", -2000 * 4],
      ["maker", -2000 * 6],
    ]);
    auditReports(a.reports);
    expect(venue.connectionAttempts).toBeGreaterThanOrEqual(2);
    // Every order the venue knows is done, so the status answers after the Logon changed nothing.
    session.submit(limit("O4", "A", "sell", 1, price + 100));
    await until(() => a.reports.some((r) => r.clOrdId === "O4"), "a new order after the reconnect");
    expect(a.reports.at(-1)).toMatchObject({ clOrdId: "O4", execType: "new" });
    await until(() => view.nbbo("ACME").ask === price + 100, "the venue's book in the view again");
  }, 30_000);

  it("reconciles from OrderStatusRequest when nothing is resent (sequence numbers reset on every Logon)", async () => {
    const data = referenceData();
    const sim = await startVenueSim({ data, seed: 1, minutes: 0, port: 0 });
    const scheduler = new WallScheduler();
    const spec = data.venues.find((v) => v.id === "LITA");
    if (spec === undefined) throw new Error("LITA missing");
    const venue = new FixVenue({
      spec,
      instruments: data.instruments,
      scheduler,
      port: sim.port,
      resetOnEveryLogon: true,
      minBackoffMillis: 20,
      maxBackoffMillis: 100,
    }).start();
    closers.push(async () => {
      await venue.stop();
      scheduler.stop();
      await sim.stop();
    });
    await venue.loggedOn();
    const a = new Recorder();
    const session = venue.connect(a);
    session.submit(limit("O1", "A", "buy", 10, 1_500_000));
    session.submit(limit("O2", "A", "sell", 10, 1_510_000));
    session.submit(limit("O3", "A", "sell", 10, 1_520_000));
    await until(() => a.reports.length === 3, "the acknowledgements");
    await sim.closeListener();
    await until(() => !venue.isLoggedOn, "the session to notice");
    const other = new Recorder();
    const counterparty = (sim.sim.lit[0] as NonNullable<(typeof sim.sim.lit)[0]>).connect(other);
    counterparty.submit(limit("S1", "B", "sell", 3, 1_500_000));
    counterparty.submit(limit("S2", "B", "sell", 2, 1_490_000));
    counterparty.submit(limit("S3", "B", "buy", 10, 1_510_000));
    await until(() => other.reports.filter((r) => r.execType === "trade").length === 3, "the fills at the venue");
    const ours = sim.acceptor.allSessions().find((s) => s.senderCompId === "LITA");
    expect(ours?.isLoggedOn).toBe(false);
    await sim.listen();
    await until(() => a.reports.length === 5, "the reconciled fills", 10_000);
    expect(
      a.reports.slice(3).map((r) => [r.clOrdId, r.execType, r.ordStatus, r.lastQty, r.lastPx, r.cumQty, r.leavesQty]),
    ).toEqual([
      ["O1", "trade", "partially-filled", 5, 1_500_000, 5, 5],
      ["O2", "trade", "filled", 10, 1_510_000, 10, 0],
    ]);
    expect(a.reports.slice(3).map((r) => [r.liquidity, r.feeMicros])).toEqual([
      [null, 0],
      [null, 0],
    ]);
    // O3 did not trade: its status answer adds nothing (the next report is the next order's acknowledgement).
    session.submit(limit("O4", "A", "sell", 1, 1_530_000));
    await until(() => a.reports.length === 6, "O4 acknowledged");
    expect(a.reports.at(-1)).toMatchObject({ clOrdId: "O4", execType: "new" });
  }, 30_000);
});

describe("FixVenue across a restart of ours", () => {
  const closers: (() => Promise<void>)[] = [];
  const dir = mkdtempSync(join(tmpdir(), "tributary-fixvenue-"));
  afterAll(async () => {
    for (const close of closers) await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a new FixVenue on the kept store, handed the open orders back, applies every fill exactly once", async () => {
    const data = referenceData();
    const sim = await startVenueSim({ data, seed: 1, minutes: 0, port: 0 });
    const spec = data.venues.find((v) => v.id === "LITA");
    if (spec === undefined) throw new Error("LITA missing");
    const storePath = join(dir, "venue-fix.db");
    const sessionId = "FIX.4.4:TRIBUTARY->LITA";
    const scheduler = new WallScheduler();
    closers.push(async () => {
      scheduler.stop();
      await sim.stop();
    });
    const options = { spec, instruments: data.instruments, scheduler, port: sim.port, minBackoffMillis: 20 };
    const store1 = new SqliteFixMessageStore(storePath);
    const first = new FixVenue({ ...options, store: store1 });
    const firstChanges: boolean[] = [];
    first.onConnectionChange((up) => firstChanges.push(up));
    first.start();
    await first.loggedOn();
    const price = 1_500_000;
    const a = new Recorder();
    const session = first.connect(a);
    session.submit(limit("O1", "A", "buy", 10, price));
    session.submit(limit("O2", "A", "buy", 5, price - 100));
    await until(() => a.reports.length === 2, "two acknowledgements");
    const other = new Recorder();
    const counterparty = (sim.sim.lit[0] as NonNullable<(typeof sim.sim.lit)[0]>).connect(other);
    // The fill of 4 reaches us; then we "crash" as if the store had not committed it (its MsgSeqNum is expected again).
    const beforeFill = store1.seqNums(sessionId).nextTargetMsgSeqNum;
    counterparty.submit(limit("S1", "B", "sell", 4, price));
    await until(() => a.reports.length === 3, "the first fill");
    await first.stop();
    store1.close();
    expect(firstChanges).toEqual([false, true, false]);

    // While we are away: O1 fills (6 more) and O2 partly (2).
    counterparty.submit(limit("S2", "B", "sell", 6, price));
    counterparty.submit(limit("S3", "B", "sell", 2, price - 100));
    await until(() => other.reports.filter((r) => r.execType === "trade").length === 3, "the fills at the venue");

    const store2 = new SqliteFixMessageStore(storePath);
    store2.setNextTargetMsgSeqNum(sessionId, beforeFill);
    const second = new FixVenue({ ...options, store: store2, resetOnFirstLogon: false });
    closers.push(async () => {
      await second.stop();
      store2.close();
    });
    const secondChanges: boolean[] = [];
    second.onConnectionChange((up) => secondChanges.push(up));
    const b = new Recorder();
    const resumed = second.connect(b);
    const order = { account: "A", symbol: "ACME", side: "buy" as const, ordType: "limit" as const };
    const base = { ...order, timeInForce: "day" as const };
    // What our journal knew: O1 had its fill of 4; O2 nothing; GHOST was never known to the venue.
    resumed.resume?.({ ...base, clOrdId: "O1", clOrdIds: ["O1"], orderQty: 10, price, cumQty: 4, avgPx: price });
    resumed.resume?.({
      ...base,
      clOrdId: "O2",
      clOrdIds: ["O2"],
      orderQty: 5,
      price: price - 100,
      cumQty: 0,
      avgPx: 0,
    });
    resumed.resume?.({ ...base, clOrdId: "GHOST", clOrdIds: ["GHOST"], orderQty: 1, price, cumQty: 0, avgPx: 0 });
    second.start();
    await second.loggedOn();
    await until(() => b.reports.length === 3, "the resent fills and the status answers", 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more may come: the fill of 4 is not repeated
    expect(
      b.reports.map((r) => [r.clOrdId, r.execType, r.ordStatus, r.lastQty, r.lastPx, r.cumQty, r.leavesQty, r.reason]),
    ).toEqual([
      ["O1", "trade", "filled", 6, price, 10, 0, null],
      ["O2", "trade", "partially-filled", 2, price - 100, 2, 3, null],
      ["GHOST", "canceled", "canceled", 0, 0, 0, 0, "unknown-at-venue"],
    ]);
    // The resent fills are the venue's own (liquidity and fee), not reconstructions.
    expect(b.reports.slice(0, 2).map((r) => r.liquidity)).toEqual(["maker", "maker"]);
    expect(secondChanges).toEqual([false, true]);
  }, 30_000);
});

describe("FixVenue over TLS with a Logon password", () => {
  const closers: (() => Promise<void>)[] = [];
  const dir = mkdtempSync(join(tmpdir(), "tributary-fixvenue-tls-"));
  afterAll(async () => {
    for (const close of closers) await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs on to a venue that requires both and trades; a wrong password or an unchecked certificate never logs on", async () => {
    const { cert, key } = selfSignedCert(dir, "venue");
    const data = referenceData();
    const tls = { cert: readFileSync(cert), key: readFileSync(key) };
    const sim = await startVenueSim({ data, seed: 1, minutes: 0, port: 0, tls, passwordSha256: sha256Hex("s3cret") });
    const scheduler = new WallScheduler();
    const venues: FixVenue[] = [];
    closers.push(async () => {
      for (const v of venues) await v.stop();
      scheduler.stop();
      await sim.stop();
    });
    const open = (id: string, extra: { password?: string; tls: { ca?: Buffer } }) => {
      const spec = data.venues.find((v) => v.id === id);
      if (spec === undefined) throw new Error(`${id} missing`);
      const venue = new FixVenue({
        spec,
        instruments: data.instruments,
        scheduler,
        port: sim.port,
        minBackoffMillis: 20,
        maxBackoffMillis: 50,
        ...extra,
      });
      venues.push(venue);
      return venue.start();
    };
    const good = open("LITA", { password: "s3cret", tls: { ca: tls.cert } });
    await good.loggedOn();
    const a = new Recorder();
    good.connect(a).submit(limit("O1", "A", "buy", 10, 1_500_000));
    await until(() => a.reports.length === 1, "the acknowledgement over TLS");
    expect(a.reports[0]).toMatchObject({ clOrdId: "O1", execType: "new" });
    // Another venue's session: a wrong password is refused at every attempt; a certificate we cannot check is too.
    const wrong = open("DRKP", { password: "guess", tls: { ca: tls.cert } });
    const untrusted = open("DRKP", { password: "s3cret", tls: {} });
    await until(() => wrong.connectionAttempts >= 3 && untrusted.connectionAttempts >= 3, "attempts refused");
    expect([wrong.isLoggedOn, untrusted.isLoggedOn]).toEqual([false, false]);
  }, 30_000);
});

describe("FixVenue market data over FIX", () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  /** Times come over FIX in milliseconds. */
  const toMillis = (e: MarketDataEvent): MarketDataEvent => ({ ...e, time: Math.floor(e.time / 1000) * 1000 });

  it("delivers the venue's own snapshots, depth updates and trade prints, and the consolidated view agrees", async () => {
    const data = referenceData();
    const sim = await startVenueSim({ data, seed: 1, minutes: 0, port: 0 });
    const scheduler = new WallScheduler();
    const spec = data.venues.find((v) => v.id === "LITA");
    if (spec === undefined) throw new Error("LITA missing");
    const venue = new FixVenue({ spec, instruments: data.instruments, scheduler, port: sim.port }).start();
    closers.push(async () => {
      await venue.stop();
      scheduler.stop();
      await sim.stop();
    });
    await venue.loggedOn();
    const overFix: MarketDataEvent[] = [];
    const view = new MarketView(scheduler);
    venue.subscribe({ onMarketData: (e) => overFix.push(e) });
    venue.subscribe(view);
    // What the venue publishes, seen in process: the oracle (subscribed once the FIX subscription has its snapshots).
    await until(() => overFix.length === spec.instruments.length, "the snapshots");
    expect(venue.tradingSessionOpen).toBe(true);
    const direct: MarketDataEvent[] = [];
    (sim.sim.lit[0] as NonNullable<(typeof sim.sim.lit)[0]>).subscribe({ onMarketData: (e) => direct.push(e) });
    await until(() => direct.length === spec.instruments.length, "the in-process snapshots");
    expect(overFix.map(toMillis).map((e) => ({ ...e, time: 0 }))).toEqual(direct.map((e) => ({ ...e, time: 0 })));

    const settle = barrier(venue);
    const a = venue.connect(IGNORE);
    const b = venue.connect(IGNORE);
    a.submit(limit("B1", "A", "buy", 300, 1_499_900));
    a.submit(limit("B2", "A", "buy", 200, 1_500_000));
    a.submit(limit("S1", "A", "sell", 100, 1_500_100));
    a.submit({ ...limit("S2", "A", "sell", 50, 1_500_200), symbol: "NRTH" });
    b.submit({ ...limit("T1", "B", "sell", 250, 1_499_900), timeInForce: "ioc" }); // takes 200 @150.00, 50 @149.99
    b.submit(limit("T2", "B", "buy", 100, 1_500_100)); // takes the 100 offered
    await settle();
    await until(() => overFix.length === direct.length && direct.length > 8, "updates");
    const updates = overFix.slice(spec.instruments.length);
    expect(updates.map(toMillis)).toEqual(direct.slice(spec.instruments.length).map(toMillis));
    expect(
      updates
        .filter((e) => e.type === "trade")
        .map((e) => [e.symbol, e.price, e.qty, (e as { aggressor: unknown }).aggressor]),
    ).toEqual([
      ["ACME", 1_500_000, 200, "sell"],
      ["ACME", 1_499_900, 50, "sell"],
      ["ACME", 1_500_100, 100, "buy"],
    ]);
    const nbbo = view.nbbo("ACME");
    expect([nbbo.bid, nbbo.bidQty, nbbo.ask]).toEqual([1_499_900, 250, Number.NaN]);
  }, 30_000);
});

describe("FixVenue facing a venue that sends nonsense", () => {
  it("refuses an execution report off the instrument with a BusinessMessageReject and carries on", async () => {
    const received: FixMessage[] = [];
    const sockets = new Set<Socket>();
    // A hand-written venue: answers the Logon, then acknowledges an order, reports a fill of 2.5 shares of a
    // whole-share instrument (nonsense), then a real fill of 4.
    const server = createServer((socket) => {
      sockets.add(socket);
      const framer = new FixFramer();
      let seq = 1;
      const send = (msgType: string, body: FixField[]): void => {
        const head: FixField[] = [
          [35, msgType],
          [49, "LITA"],
          [56, "TRIBUTARY"],
          [34, seq++],
          [52, formatUtcTimestamp(Date.now() * 1000)],
        ];
        socket.write(Buffer.from(encodeFix("FIX.4.4", [...head, ...body]), "latin1"));
      };
      socket.on("data", (chunk: Buffer) => {
        for (const frame of framer.push(chunk.toString("latin1"))) {
          const decoded = decodeFix(frame);
          if (!decoded.ok) continue;
          const m = decoded.message;
          received.push(m);
          if (m.msgType === "A")
            send("A", [
              [98, 0],
              [108, m.get(108) ?? "30"],
              [141, "Y"],
            ]);
          if (m.msgType !== "D") continue;
          const report = (execId: string, execType: string, lastQty: string | null, cumQty: string): FixField[] => [
            [37, "V1"],
            [11, m.get(11) ?? ""],
            [17, execId],
            [150, execType],
            [39, cumQty === "0" ? "0" : "1"],
            [54, "1"],
            [55, "ACME"],
            [38, "10"],
            ...(lastQty === null
              ? []
              : ([
                  [32, lastQty],
                  [31, "150.00"],
                  [851, "2"],
                ] as FixField[])),
            [14, cumQty],
            [151, String(10 - Number(cumQty))],
            [6, cumQty === "0" ? "0" : "150"],
          ];
          send("8", report("E1", "0", null, "0"));
          send("8", report("E2", "F", "2.5", "2.5"));
          send("8", report("E3", "F", "4", "4"));
        }
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const data = referenceData();
    const spec = data.venues.find((v) => v.id === "LITA");
    if (spec === undefined) throw new Error("LITA missing");
    const scheduler = new WallScheduler();
    const venue = new FixVenue({ spec, instruments: data.instruments, scheduler, port }).start();
    try {
      await venue.loggedOn();
      const a = new Recorder();
      venue.connect(a).submit(limit("O1", "A", "buy", 10, 1_500_000));
      await until(() => a.reports.length === 2, "the acknowledgement and the real fill");
      await until(() => received.some((m) => m.msgType === "j"), "the BusinessMessageReject");
      expect(a.reports.map((r) => [r.execId, r.execType, r.lastQty, r.cumQty])).toEqual([
        ["E1", "new", 0, 0],
        ["E3", "trade", 4, 4],
      ]);
      const reject = received.find((m) => m.msgType === "j");
      expect([reject?.get(45), reject?.get(372), reject?.get(380)]).toEqual(["3", "8", "0"]);
      expect(venue.isLoggedOn).toBe(true);
    } finally {
      await venue.stop();
      scheduler.stop();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 30_000);
});
