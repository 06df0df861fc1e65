/**
 * The contract suite of the `Venue` port: what every venue promises, whatever it is (simulated lit book, simulated
 * dark pool, and later the FIX venue adapter). `venueContract(name, make)` registers the suite; each implementation's
 * test file calls it with a factory that builds a fresh venue and the environment it needs to fill an order.
 *
 * Everything is observed through the port only (sessions, reports, cancel rejects), so an adapter to a real venue can
 * pass it too. Every report delivered in a test is audited after the test (`auditReports`): cumQty is the sum of
 * lastQty, cumQty + leavesQty = orderQty while working, leavesQty 0 once terminal, avgPx the quantity-weighted lastPx,
 * the OrdStatus the one the FIX state machine gives, the first report an acknowledgement or a reject, nothing after a
 * terminal status, a ClOrdID that changes only by a replace or cancel naming the previous one as OrigClOrdID.
 *
 * What a factory must provide (`VenueUnderTest`): a whole-share instrument the venue trades, and one price at which a
 * lone order rests while a buy and a sell of two accounts cross; `addLiquidity` rests contra quantity there from a
 * participant of its own; `settle` returns once everything sent so far has been answered. The suite runs in either
 * time: in virtual time (`clock: "virtual"`, a `VirtualScheduler`), settling runs the scheduler until idle, so the
 * tests hold with random latencies too, and the tests that measure latency or compare two runs' times run as well; on
 * the wall clock (`clock: "wall"`, a venue across a real connection) settling waits for a barrier the factory provides,
 * and the checks are the same except those two timing tests, which need a clock the test controls.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { VirtualScheduler } from "../src/core/scheduler.js";
import type { CancelReject, ExecType, ExecutionReport, OrdStatus } from "../src/model/execution-report.js";
import type { Instrument } from "../src/model/instrument.js";
import { ORD_TYPES, type Side, TIMES_IN_FORCE } from "../src/model/order-types.js";
import { venueFeeMicros } from "../src/model/venue-spec.js";
import type { NewOrderRequest, OrderEntryListener, OrderEntrySession, Venue } from "../src/venue/venue.js";

interface VenueUnderTestBase {
  venue: Venue;
  /** An instrument the venue trades, in whole shares (lot "1"), so a fee is the per-share rate times the quantity. */
  instrument: Instrument;
  /** A price (price units, on tick) at which a lone order of either side rests and a buy meets a sell of another account. */
  price: number;
  /** A lower bound of the one-way order-entry latency, in microseconds. */
  minOneWayMicros: number;
  /** Rests `qty` lots on `side` at `price` from a participant of its own, and settles. */
  addLiquidity(side: Side, qty: number): Promise<void>;
  /** A symbol of the reference data that this venue does not trade, when there is one. */
  untradedSymbol?: string;
  /** Releases what the venue holds (connections, servers) after the test. */
  close?(): Promise<void>;
}

/** A venue in virtual time: settling runs the scheduler until idle. */
export interface VirtualVenueUnderTest extends VenueUnderTestBase {
  scheduler: VirtualScheduler;
}

/** A venue on the wall clock. */
export interface WallVenueUnderTest extends VenueUnderTestBase {
  /** Resolves once every request sent so far has been answered and every report it caused delivered. */
  settle(): Promise<void>;
  now(): number;
}

export type VenueUnderTest = VirtualVenueUnderTest | WallVenueUnderTest;

const isVirtual = (t: VenueUnderTest): t is VirtualVenueUnderTest => "scheduler" in t;
const nowOf = (t: VenueUnderTest): number => (isVirtual(t) ? t.scheduler.now() : t.now());
const settle = async (t: VenueUnderTest): Promise<void> => {
  if (isVirtual(t)) t.scheduler.runUntilIdle();
  else await t.settle();
};

type Message = { kind: "report"; msg: ExecutionReport } | { kind: "cancel-reject"; msg: CancelReject };

/** One order-entry session that records what it is told, with delivery times. */
class Trader implements OrderEntryListener {
  readonly session: OrderEntrySession;
  readonly log: { at: number; m: Message }[] = [];

  constructor(
    private readonly t: VenueUnderTest,
    readonly account: string,
  ) {
    this.session = t.venue.connect(this);
  }

  onExecutionReport(report: ExecutionReport): void {
    this.log.push({ at: nowOf(this.t), m: { kind: "report", msg: report } });
  }

  onCancelReject(reject: CancelReject): void {
    this.log.push({ at: nowOf(this.t), m: { kind: "cancel-reject", msg: reject } });
  }

  get reports(): ExecutionReport[] {
    return this.log.flatMap((e) => (e.m.kind === "report" ? [e.m.msg] : []));
  }

  get cancelRejects(): CancelReject[] {
    return this.log.flatMap((e) => (e.m.kind === "cancel-reject" ? [e.m.msg] : []));
  }

  /** Reports about the order first sent as `clOrdId` (followed through replaces by its venue order id). */
  about(clOrdId: string): ExecutionReport[] {
    const first = this.reports.find((r) => r.clOrdId === clOrdId);
    return first === undefined ? [] : this.reports.filter((r) => r.venueOrderId === first.venueOrderId);
  }

  request(clOrdId: string, side: Side, orderQty: number, extra: Partial<NewOrderRequest> = {}): NewOrderRequest {
    return {
      clOrdId,
      account: this.account,
      symbol: this.t.instrument.symbol,
      side,
      ordType: "limit",
      timeInForce: "day",
      orderQty,
      price: this.t.price,
      postOnly: false,
      displayQty: null,
      minQty: null,
      ...extra,
    };
  }

  /** Submits and settles. */
  async send(clOrdId: string, side: Side, orderQty: number, extra: Partial<NewOrderRequest> = {}): Promise<void> {
    this.session.submit(this.request(clOrdId, side, orderQty, extra));
    await settle(this.t);
  }

  async cancel(clOrdId: string, origClOrdId: string): Promise<void> {
    this.session.cancel({ clOrdId, origClOrdId, symbol: this.t.instrument.symbol });
    await settle(this.t);
  }

  async replace(
    clOrdId: string,
    origClOrdId: string,
    orderQty: number,
    price: number | null = this.t.price,
  ): Promise<void> {
    this.session.replace({ clOrdId, origClOrdId, symbol: this.t.instrument.symbol, orderQty, price });
    await settle(this.t);
  }
}

/** The OrdStatus FIX gives after a report of `execType` (written out independently of the production table). */
function expectedStatus(execType: ExecType, cumQty: number, leavesQty: number): OrdStatus {
  switch (execType) {
    case "new":
      return "new";
    case "rejected":
      return "rejected";
    case "canceled":
      return "canceled";
    case "expired":
      return "expired";
    case "trade":
      return leavesQty === 0 ? "filled" : "partially-filled";
    case "replaced":
      return cumQty > 0 ? "partially-filled" : "new";
  }
}

const TERMINAL: ReadonlySet<OrdStatus> = new Set(["filled", "canceled", "rejected", "expired"]);

/**
 * Checks the bookkeeping of every report of one session, order by order (orders are told apart by venue order id);
 * throws on the first report that breaks a rule, naming it.
 */
export function auditReports(reports: readonly ExecutionReport[]): void {
  const orders = new Map<string, ExecutionReport[]>();
  const execIds = new Set<string>();
  for (const r of reports) {
    const chain = orders.get(r.venueOrderId) ?? [];
    chain.push(r);
    orders.set(r.venueOrderId, chain);
    expect(execIds.has(r.execId), `execId ${r.execId} used twice`).toBe(false);
    execIds.add(r.execId);
  }
  for (const [venueOrderId, chain] of orders) {
    let cumQty = 0;
    let notional = 0;
    let previous: ExecutionReport | null = null;
    for (const r of chain) {
      const where = `order ${venueOrderId}, report ${r.execId} (${r.execType})`;
      if (previous === null) {
        expect(["new", "rejected"], `${where}: the first report acknowledges or rejects`).toContain(r.execType);
      } else {
        expect(TERMINAL.has(previous.ordStatus), `${where}: a report after ${previous.ordStatus}`).toBe(false);
        expect(r.execType, `${where}: acknowledged twice`).not.toBe("new");
        expect(r.transactTime, `${where}: transactTime went backwards`).toBeGreaterThanOrEqual(previous.transactTime);
        if (r.clOrdId !== previous.clOrdId) {
          expect(["replaced", "canceled"], `${where}: ClOrdID changed`).toContain(r.execType);
          expect(r.origClOrdId, `${where}: OrigClOrdID names the previous ClOrdID`).toBe(previous.clOrdId);
        }
      }
      if (r.execType === "trade") {
        expect(r.lastQty, `${where}: lastQty`).toBeGreaterThan(0);
        expect(Number.isSafeInteger(r.lastQty), `${where}: lastQty in whole lots`).toBe(true);
        expect(Number.isSafeInteger(r.lastPx), `${where}: lastPx in whole price units`).toBe(true);
        expect(["maker", "taker"], `${where}: liquidity flag`).toContain(r.liquidity);
        expect(Number.isSafeInteger(r.feeMicros), `${where}: fee in whole micros`).toBe(true);
        cumQty += r.lastQty;
        notional += r.lastQty * r.lastPx;
      } else {
        expect([r.lastQty, r.lastPx, r.liquidity, r.feeMicros], `${where}: no execution fields`).toEqual([
          0,
          0,
          null,
          0,
        ]);
      }
      expect(r.cumQty, `${where}: cumQty = sum of lastQty`).toBe(cumQty);
      const terminal = TERMINAL.has(r.ordStatus);
      if (terminal) expect(r.leavesQty, `${where}: leavesQty once terminal`).toBe(0);
      else expect(r.cumQty + r.leavesQty, `${where}: cumQty + leavesQty = orderQty`).toBe(r.orderQty);
      expect(r.ordStatus, `${where}: OrdStatus`).toBe(expectedStatus(r.execType, r.cumQty, r.leavesQty));
      if (cumQty === 0) expect(r.avgPx, `${where}: avgPx with nothing done`).toBe(0);
      else expect(r.avgPx, `${where}: avgPx`).toBeCloseTo(notional / cumQty, 6);
      expect(r.reason !== null, `${where}: a reason exactly on rejects and cancels`).toBe(
        r.execType === "rejected" || r.execType === "canceled",
      );
      previous = r;
    }
  }
}

export function venueContract(
  name: string,
  make: (seed: number) => VenueUnderTest | Promise<VenueUnderTest>,
  options: { clock: "virtual" | "wall" } = { clock: "virtual" },
): void {
  /** Tests that need a clock the test controls (latency bounds, identical times in two runs). */
  const itVirtual = options.clock === "virtual" ? it : it.skip;
  describe(`Venue contract: ${name}`, () => {
    let traders: Trader[] = [];
    let t: VenueUnderTest;
    let opened: VenueUnderTest[] = [];

    /** A fresh venue; every trader opened on it is audited after the test. */
    const open = async (seed = 1): Promise<VenueUnderTest> => {
      t = await make(seed);
      opened.push(t);
      traders = [];
      return t;
    };
    /** The venue in virtual time, for the tests that only run there. */
    const virtual = (): VirtualVenueUnderTest => {
      if (!isVirtual(t)) throw new Error("this test needs a venue in virtual time");
      return t;
    };
    const trader = (account: string): Trader => {
      const trader = new Trader(t, account);
      traders.push(trader);
      return trader;
    };
    const fees = (): { maker: number; taker: number } => {
      const f = venueFeeMicros(t.venue.spec.fees);
      return { maker: f.makerMicrosPerShare, taker: f.takerMicrosPerShare };
    };

    afterEach(async () => {
      const closing = opened;
      opened = [];
      for (const u of closing) await u.close?.();
      for (const trader of traders) auditReports(trader.reports);
    });

    describe("acknowledgement and latency", () => {
      it("acknowledges a resting order with ExecType new and OrdStatus new, echoing the order", async () => {
        await open();
        const a = trader("A");
        await a.send("O1", "buy", 10);
        expect(a.reports).toHaveLength(1);
        expect(a.reports[0]).toMatchObject({
          venueId: t.venue.id,
          clOrdId: "O1",
          origClOrdId: null,
          account: "A",
          symbol: t.instrument.symbol,
          side: "buy",
          ordType: "limit",
          timeInForce: "day",
          execType: "new",
          ordStatus: "new",
          orderQty: 10,
          price: t.price,
          cumQty: 0,
          leavesQty: 10,
          avgPx: 0,
          reason: null,
        });
      });

      it("delivers nothing synchronously", async () => {
        await open();
        const a = trader("A");
        a.session.submit(a.request("O1", "sell", 5));
        a.session.cancel({ clOrdId: "C1", origClOrdId: "NEVER-SENT", symbol: t.instrument.symbol });
        expect(a.log, "nothing is delivered synchronously").toEqual([]);
        await settle(t);
        expect(a.log.map((e) => e.m.kind)).toEqual(["report", "cancel-reject"]);
      });

      itVirtual("sends nothing before the order has travelled to the venue and the report back", async () => {
        await open();
        const v = virtual();
        const a = trader("A");
        const sent = v.scheduler.now();
        a.session.submit(a.request("O1", "sell", 5));
        expect(a.log, "nothing is delivered synchronously").toEqual([]);
        v.scheduler.runUntil(sent + 2 * t.minOneWayMicros - 1);
        expect(a.log, "nothing before one round trip").toEqual([]);
        v.scheduler.runUntilIdle();
        const [ack] = a.log;
        expect(ack?.at).toBeGreaterThanOrEqual(sent + 2 * t.minOneWayMicros);
        const report = a.reports[0] as ExecutionReport;
        expect(report.transactTime).toBeGreaterThanOrEqual(sent + t.minOneWayMicros);
        expect(report.transactTime).toBeLessThanOrEqual((ack?.at as number) - t.minOneWayMicros);
      });

      it("acknowledges an order before reporting its immediate fill", async () => {
        await open();
        await t.addLiquidity("sell", 10);
        const a = trader("A");
        await a.send("O1", "buy", 10);
        expect(a.reports.map((r) => [r.execType, r.ordStatus, r.cumQty, r.leavesQty])).toEqual([
          ["new", "new", 0, 10],
          ["trade", "filled", 10, 0],
        ]);
      });
    });

    describe("executions", () => {
      it("reports a taker fill with the taker flag, the price and the taker fee", async () => {
        await open();
        await t.addLiquidity("buy", 7);
        const a = trader("A");
        await a.send("S1", "sell", 7);
        const trade = a.reports.find((r) => r.execType === "trade");
        expect(trade).toMatchObject({
          lastQty: 7,
          lastPx: t.price,
          liquidity: "taker",
          feeMicros: fees().taker * 7,
          cumQty: 7,
          leavesQty: 0,
          avgPx: t.price,
          ordStatus: "filled",
        });
      });

      it("reports a maker fill with the maker flag and the maker fee (negative for a rebate)", async () => {
        await open();
        const a = trader("A");
        await a.send("B1", "buy", 9);
        await t.addLiquidity("sell", 9);
        const trade = a.reports.find((r) => r.execType === "trade");
        expect(trade).toMatchObject({ lastQty: 9, lastPx: t.price, liquidity: "maker", feeMicros: fees().maker * 9 });
      });

      it("reports a partial fill as partially-filled and keeps the rest working", async () => {
        await open();
        const a = trader("A");
        await a.send("B1", "buy", 10);
        await t.addLiquidity("sell", 4);
        expect(a.reports.map((r) => [r.execType, r.ordStatus, r.lastQty, r.cumQty, r.leavesQty])).toEqual([
          ["new", "new", 0, 0, 10],
          ["trade", "partially-filled", 4, 4, 6],
        ]);
        await t.addLiquidity("sell", 6);
        expect(a.reports.at(-1)).toMatchObject({ execType: "trade", ordStatus: "filled", cumQty: 10, leavesQty: 0 });
      });

      it("says nothing more about a filled order: a later cancel is refused as unknown-order", async () => {
        await open();
        const a = trader("A");
        await a.send("B1", "buy", 3);
        await t.addLiquidity("sell", 3);
        const count = a.reports.length;
        await a.cancel("C1", "B1");
        await t.addLiquidity("sell", 3);
        expect(a.reports).toHaveLength(count);
        expect(a.cancelRejects).toMatchObject([{ clOrdId: "C1", origClOrdId: "B1", reason: "unknown-order" }]);
      });

      it("cancels the unfilled rest of an IOC order", async () => {
        await open();
        if (!t.venue.spec.timesInForce.includes("ioc")) return;
        await t.addLiquidity("sell", 4);
        const a = trader("A");
        await a.send("I1", "buy", 10, { timeInForce: "ioc" });
        expect(a.reports.map((r) => [r.execType, r.ordStatus, r.cumQty, r.leavesQty, r.reason])).toEqual([
          ["new", "new", 0, 10, null],
          ["trade", "partially-filled", 4, 6, null],
          ["canceled", "canceled", 4, 0, "ioc-unfilled"],
        ]);
        const b = trader("B");
        await b.send("I2", "buy", 5, { timeInForce: "ioc" });
        expect(b.reports.map((r) => [r.execType, r.reason])).toEqual([
          ["new", null],
          ["canceled", "ioc-unfilled"],
        ]);
      });
    });

    describe("rejects", () => {
      const invalid: [string, Partial<NewOrderRequest>, string][] = [
        ["an unknown symbol", { symbol: "NO-SUCH" }, "unknown-symbol"],
        ["a zero quantity", { orderQty: 0 }, "invalid-quantity"],
        ["a negative quantity", { orderQty: -5 }, "invalid-quantity"],
        ["a fractional quantity", { orderQty: 1.5 }, "invalid-quantity"],
        ["a NaN quantity", { orderQty: Number.NaN }, "invalid-quantity"],
        ["a limit without a price", { price: null }, "missing-price"],
      ];

      it.each(invalid)("rejects %s with its reason and goes on", async (_what, change, reason) => {
        await open();
        const a = trader("A");
        await a.send("X1", "buy", 10, change);
        expect(a.reports).toHaveLength(1);
        expect(a.reports[0]).toMatchObject({ clOrdId: "X1", execType: "rejected", ordStatus: "rejected", reason });
        expect(a.reports[0]).toMatchObject({ cumQty: 0, leavesQty: 0 });
        await a.send("OK", "buy", 10);
        expect(a.reports.at(-1)).toMatchObject({ clOrdId: "OK", execType: "new" });
      });

      it("rejects prices off the tick (one price unit, half a tick) as price-off-tick", async () => {
        await open();
        const a = trader("A");
        await a.send("X1", "buy", 10, { price: t.price + 1 });
        await a.send("X2", "sell", 10, { price: t.price + t.instrument.tickUnits / 2 });
        expect(a.reports.map((r) => [r.clOrdId, r.execType, r.reason])).toEqual([
          ["X1", "rejected", "price-off-tick"],
          ["X2", "rejected", "price-off-tick"],
        ]);
      });

      it("rejects a symbol of the reference data that the venue does not trade as unknown-symbol", async () => {
        await open();
        if (t.untradedSymbol === undefined) return;
        const a = trader("A");
        await a.send("X1", "buy", 10, { symbol: t.untradedSymbol });
        expect(a.reports).toMatchObject([{ execType: "rejected", reason: "unknown-symbol" }]);
      });

      it("rejects order types and times in force the venue does not list", async () => {
        await open();
        const a = trader("A");
        const types = ORD_TYPES.filter((o) => !t.venue.spec.orderTypes.includes(o));
        const tifs = TIMES_IN_FORCE.filter((o) => !t.venue.spec.timesInForce.includes(o));
        for (const ordType of types) await a.send(`T-${ordType}`, "buy", 10, { ordType });
        for (const timeInForce of tifs) await a.send(`F-${timeInForce}`, "buy", 10, { timeInForce });
        expect(a.reports.map((r) => [r.clOrdId, r.reason])).toEqual([
          ...types.map((o) => [`T-${o}`, "unsupported-order-type"]),
          ...tifs.map((o) => [`F-${o}`, "unsupported-time-in-force"]),
        ]);
      });

      it("never echoes a price on a market order: it is refused, or reported with price null", async () => {
        await open();
        if (!t.venue.spec.orderTypes.includes("market")) return;
        const a = trader("A");
        await a.send("M1", "buy", 10, { ordType: "market", price: t.price + 1 });
        const first = a.reports[0] as ExecutionReport;
        if (first.execType !== "rejected") expect(a.reports.map((r) => r.price)).toEqual(a.reports.map(() => null));
      });

      it("rejects a ClOrdID already used on the session, live or done, and leaves the live order alone", async () => {
        await open();
        const a = trader("A");
        await a.send("O1", "buy", 10);
        await a.send("O1", "sell", 4);
        await a.send("X1", "buy", 0);
        await a.send("X1", "buy", 5);
        expect(a.reports.map((r) => [r.clOrdId, r.side, r.execType, r.reason])).toEqual([
          ["O1", "buy", "new", null],
          ["O1", "sell", "rejected", "duplicate-cl-ord-id"],
          ["X1", "buy", "rejected", "invalid-quantity"],
          ["X1", "buy", "rejected", "duplicate-cl-ord-id"],
        ]);
        await a.cancel("C1", "O1");
        expect(a.reports.at(-1)).toMatchObject({ execType: "canceled", clOrdId: "C1", origClOrdId: "O1", cumQty: 0 });
      });

      it("lets two sessions use the same ClOrdID (ClOrdIDs are unique per session)", async () => {
        await open();
        const a = trader("A");
        await a.send("O1", "buy", 10);
        const b = trader("B");
        await b.send("O1", "buy", 10);
        expect([...a.reports, ...b.reports].map((r) => [r.account, r.execType])).toEqual([
          ["A", "new"],
          ["B", "new"],
        ]);
      });
    });

    describe("cancel", () => {
      it("cancels a live order: canceled, with the cancel's ClOrdID and the order's as OrigClOrdID", async () => {
        await open();
        const a = trader("A");
        await a.send("O1", "sell", 10);
        await a.cancel("C1", "O1");
        expect(a.reports.at(-1)).toMatchObject({
          execType: "canceled",
          ordStatus: "canceled",
          clOrdId: "C1",
          origClOrdId: "O1",
          cumQty: 0,
          leavesQty: 0,
          reason: "requested",
        });
        await t.addLiquidity("buy", 10);
        expect(a.reports).toHaveLength(2);
      });

      it("cancels the rest of a partially filled order, keeping cumQty and avgPx", async () => {
        await open();
        const a = trader("A");
        await a.send("O1", "sell", 10);
        await t.addLiquidity("buy", 3);
        await a.cancel("C1", "O1");
        expect(a.reports.at(-1)).toMatchObject({
          execType: "canceled",
          ordStatus: "canceled",
          cumQty: 3,
          leavesQty: 0,
          avgPx: t.price,
        });
      });

      it("refuses a cancel of an order it does not know with unknown-order", async () => {
        await open();
        const a = trader("A");
        await a.cancel("C1", "NEVER-SENT");
        expect(a.reports).toEqual([]);
        expect(a.cancelRejects).toEqual([
          expect.objectContaining({
            venueId: t.venue.id,
            clOrdId: "C1",
            origClOrdId: "NEVER-SENT",
            responseTo: "cancel",
            reason: "unknown-order",
          }),
        ]);
      });

      it("refuses a second cancel of an order already canceled with unknown-order", async () => {
        await open();
        const a = trader("A");
        await a.send("O1", "buy", 10);
        await a.cancel("C1", "O1");
        await a.cancel("C2", "O1");
        expect(a.reports.map((r) => r.execType)).toEqual(["new", "canceled"]);
        expect(a.cancelRejects).toMatchObject([{ clOrdId: "C2", origClOrdId: "O1", reason: "unknown-order" }]);
      });

      it("refuses a cancel whose own ClOrdID was used before, and the order stays live", async () => {
        await open();
        const a = trader("A");
        await a.send("O1", "buy", 10);
        await a.send("O2", "buy", 10);
        await a.cancel("O2", "O1");
        expect(a.cancelRejects).toMatchObject([
          { clOrdId: "O2", origClOrdId: "O1", responseTo: "cancel", reason: "duplicate-cl-ord-id" },
        ]);
        await a.cancel("C1", "O1");
        expect(a.reports.at(-1)).toMatchObject({ execType: "canceled", clOrdId: "C1", origClOrdId: "O1" });
      });
    });

    describe("replace", () => {
      it("replaces a resting order: the order answers to the new ClOrdID with the new quantity", async () => {
        await open();
        const a = trader("A");
        await a.send("O1", "buy", 10);
        await a.replace("R1", "O1", 6);
        expect(a.reports.at(-1)).toMatchObject({
          execType: "replaced",
          ordStatus: "new",
          clOrdId: "R1",
          origClOrdId: "O1",
          orderQty: 6,
          price: t.price,
          cumQty: 0,
          leavesQty: 6,
          reason: null,
        });
        await a.cancel("C1", "O1");
        expect(a.cancelRejects).toMatchObject([{ clOrdId: "C1", reason: "unknown-order" }]);
        await a.cancel("C2", "R1");
        expect(a.reports.at(-1)).toMatchObject({ execType: "canceled", clOrdId: "C2", origClOrdId: "R1" });
      });

      it("replaces the price of a resting order", async () => {
        await open();
        const lower = t.price - t.instrument.tickUnits;
        const a = trader("A");
        await a.send("O1", "buy", 10, { price: lower });
        await a.replace("R1", "O1", 10, t.price);
        expect(a.reports.at(-1)).toMatchObject({ execType: "replaced", clOrdId: "R1", price: t.price, orderQty: 10 });
      });

      it("counts the executed quantity in a partially filled order's new OrderQty", async () => {
        await open();
        const a = trader("A");
        await a.send("O1", "sell", 10);
        await t.addLiquidity("buy", 4);
        await a.replace("R1", "O1", 8);
        expect(a.reports.at(-1)).toMatchObject({
          execType: "replaced",
          ordStatus: "partially-filled",
          orderQty: 8,
          cumQty: 4,
          leavesQty: 4,
          avgPx: t.price,
        });
        await a.replace("R2", "R1", 4);
        await a.replace("R3", "R1", 3);
        expect(a.cancelRejects).toMatchObject([
          { clOrdId: "R2", origClOrdId: "R1", responseTo: "replace", reason: "invalid-quantity" },
          { clOrdId: "R3", origClOrdId: "R1", responseTo: "replace", reason: "invalid-quantity" },
        ]);
        await t.addLiquidity("buy", 4);
        expect(a.reports.at(-1)).toMatchObject({ execType: "trade", clOrdId: "R1", ordStatus: "filled", cumQty: 8 });
      });

      it("refuses a replace of an unknown order, or to an off-tick price, or a zero quantity", async () => {
        await open();
        const a = trader("A");
        await a.replace("R1", "NEVER-SENT", 10);
        await a.send("O1", "buy", 10);
        await a.replace("R2", "O1", 10, t.price + 1);
        await a.replace("R3", "O1", 0);
        expect(a.cancelRejects.map((r) => [r.clOrdId, r.origClOrdId, r.responseTo, r.reason])).toEqual([
          ["R1", "NEVER-SENT", "replace", "unknown-order"],
          ["R2", "O1", "replace", "price-off-tick"],
          ["R3", "O1", "replace", "invalid-quantity"],
        ]);
        expect(a.reports.map((r) => r.execType)).toEqual(["new"]);
      });
    });

    describe("sessions", () => {
      it("reports to each session only about its own orders, and to nobody else", async () => {
        await open();
        const a = trader("A");
        await a.send("A1", "buy", 10);
        const b = trader("B");
        await b.send("B1", "sell", 10);
        const c = trader("C");
        expect(a.reports.map((r) => [r.clOrdId, r.account, r.execType, r.side])).toEqual([
          ["A1", "A", "new", "buy"],
          ["A1", "A", "trade", "buy"],
        ]);
        expect(b.reports.map((r) => [r.clOrdId, r.account, r.execType, r.side])).toEqual([
          ["B1", "B", "new", "sell"],
          ["B1", "B", "trade", "sell"],
        ]);
        expect(c.log).toEqual([]);
      });

      it("does not let a session cancel or replace another session's order", async () => {
        await open();
        const a = trader("A");
        await a.send("A1", "buy", 10);
        const c = trader("C");
        await c.cancel("X1", "A1");
        await c.replace("X2", "A1", 5);
        expect(c.cancelRejects.map((r) => [r.clOrdId, r.reason])).toEqual([
          ["X1", "unknown-order"],
          ["X2", "unknown-order"],
        ]);
        expect(c.reports).toEqual([]);
        expect(a.reports.map((r) => r.execType)).toEqual(["new"]);
      });
    });

    describe("determinism", () => {
      /** A mixed script: fills both ways, a partial fill, replace, cancels, rejects, an unknown cancel. */
      const script = async (seed: number): Promise<unknown> => {
        await open(seed);
        const v = virtual();
        const a = trader("A");
        const b = trader("B");
        a.session.submit(a.request("A1", "buy", 10));
        b.session.submit(b.request("B1", "buy", 5));
        a.session.submit(a.request("A2", "sell", 3, { orderQty: 0 }));
        v.scheduler.runUntilIdle();
        await t.addLiquidity("sell", 12);
        a.session.replace({
          clOrdId: "A3",
          origClOrdId: "A1",
          symbol: t.instrument.symbol,
          orderQty: 20,
          price: t.price,
        });
        b.session.cancel({ clOrdId: "B2", origClOrdId: "B1", symbol: t.instrument.symbol });
        b.session.cancel({ clOrdId: "B3", origClOrdId: "NOPE", symbol: t.instrument.symbol });
        v.scheduler.runUntilIdle();
        await t.addLiquidity("sell", 30);
        return { a: a.log, b: b.log };
      };

      itVirtual("gives the same report sequence, times included, for the same seed and the same inputs", async () => {
        const first = JSON.stringify(await script(7));
        const second = JSON.stringify(await script(7));
        expect(second).toBe(first);
        expect(first.length).toBeGreaterThan(100);
      });
    });
  });
}
