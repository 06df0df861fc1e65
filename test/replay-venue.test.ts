/**
 * `ReplayLitVenue`: a lit venue whose background book is a LOBSTER replay.
 * 1. The Venue contract suite (test/venue-contract.ts) against it, over a small generated recording whose book sits
 *    away from the contract price (bid 149.00, ask 151.00), so the contract's own orders meet each other there.
 * 2. Our orders in the real AMZN 2012-06-21 recording (../shared/data/lobster): a passive order queues behind the
 *    displayed size and fills only once recorded executions at its price have passed the quantity ahead of it; a
 *    marketable order takes the recorded best offer; every report passes the contract's bookkeeping audit; the same
 *    inputs give the same reports. (The venue reads the files itself; skipped if ../shared/data is absent.)
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MICROS_PER_SECOND } from "../src/core/clock.js";
import { Random } from "../src/core/random.js";
import { VirtualScheduler } from "../src/core/scheduler.js";
import { LobsterFeed } from "../src/market/replay/lobster-feed.js";
import {
  EXECUTION,
  type LobsterBookRows,
  lobsterInstrument,
  newMessageBatch,
  newYorkMidnightMicros,
} from "../src/market/replay/lobster-format.js";
import { pairedBatches } from "../src/market/replay/lobster-pairs.js";
import { readLobsterBook, readLobsterMessages } from "../src/market/replay/lobster-reader.js";
import { RowProblems } from "../src/market/replay/row-problems.js";
import type { ExecutionReport } from "../src/model/execution-report.js";
import type { Side } from "../src/model/order-types.js";
import { parseReferenceData } from "../src/model/reference-data.js";
import type { VenueSpec } from "../src/model/venue-spec.js";
import { ReplayLitVenue } from "../src/venue/replay/replay-lit-venue.js";
import type { NewOrderRequest, OrderEntryListener } from "../src/venue/venue.js";
import { config, START, venueInput } from "./sim-fixtures.js";
import { auditReports, type VenueUnderTest, venueContract } from "./venue-contract.js";

const IGNORE: OrderEntryListener = { onExecutionReport() {}, onCancelReject() {} };
const OPEN_SECONDS = 34_200;

/** The LITA venue of the fixtures, trading `symbol`, with the given latency. */
function spec(symbol: string, latency: VenueSpec["orderEntryLatency"]): VenueSpec {
  const input = config((c) => {
    const v = venueInput(c, "LITA");
    v.orderEntryLatency = latency;
    v.timesInForce = ["day", "ioc", "fok"];
  });
  const venue = parseReferenceData(input, "test").venues.find((v) => v.id === "LITA") as VenueSpec;
  return { ...venue, instruments: [symbol] };
}

/** A one-message recording at 09:30:00: the seed row is bid 149.00 x 100 / ask 151.00 x 100. */
function generatedFeed(): LobsterFeed {
  const messages = newMessageBatch(1, 1);
  messages.count = 1;
  messages.timeNs[0] = OPEN_SECONDS * 1e9;
  messages.type[0] = 1;
  messages.orderId[0] = 1;
  messages.size[0] = 100;
  messages.price[0] = 1_510_000;
  messages.direction[0] = -1;
  const rows: LobsterBookRows = {
    count: 1,
    firstLine: 1,
    levels: 1,
    data: Float64Array.from([1_510_000, 100, 1_490_000, 100]),
    skipped: new Uint8Array(1),
  };
  return new LobsterFeed(pairedBatches([messages], [rows], { messages: "gen", orderbook: "gen" })[Symbol.iterator]());
}

function contractVenue(seed: number, latency: VenueSpec["orderEntryLatency"], minOneWayMicros: number): VenueUnderTest {
  const scheduler = new VirtualScheduler(START);
  const instrument = lobsterInstrument("ACME", 1_500_000);
  const venue = new ReplayLitVenue(spec("ACME", latency), instrument, scheduler, new Random(seed), {
    feed: generatedFeed(),
    midnightMicros: START - OPEN_SECONDS * MICROS_PER_SECOND,
  });
  const liquidity = venue.connect(IGNORE);
  let n = 0;
  const price = 1_500_000;
  return {
    venue,
    scheduler,
    instrument,
    price,
    minOneWayMicros,
    async addLiquidity(side: Side, qty: number) {
      liquidity.submit({
        clOrdId: `LP${++n}`,
        account: "LP",
        symbol: "ACME",
        side,
        ordType: "limit",
        timeInForce: "day",
        orderQty: qty,
        price,
        postOnly: false,
        displayQty: null,
        minQty: null,
      });
      scheduler.runUntilIdle();
    },
  };
}

venueContract("ReplayLitVenue, constant latency", (seed) =>
  contractVenue(seed, { kind: "constant", micros: 100 }, 100),
);
venueContract("ReplayLitVenue, lognormal latency", (seed) =>
  contractVenue(seed, { kind: "lognormal", medianMicros: 150, sigma: 0.8, maxMicros: 2000 }, 0),
);

// ---- the real AMZN recording ------------------------------------------------------------------------------------

const LOBSTER = join(import.meta.dirname, "..", "..", "shared", "data", "lobster");
const AMZN = "AMZN_2012-06-21_34200000_57600000";
const MESSAGES = join(LOBSTER, `${AMZN}_message_1.csv`);
const ORDERBOOK = join(LOBSTER, `${AMZN}_orderbook_1.csv`);
const MIDNIGHT = newYorkMidnightMicros("2012-06-21");
const at = (hh: number, mm: number): number => MIDNIGHT + (hh * 60 + mm) * 60 * MICROS_PER_SECOND;

class Recorder implements OrderEntryListener {
  readonly reports: ExecutionReport[] = [];
  onExecutionReport(report: ExecutionReport): void {
    this.reports.push(report);
  }
  onCancelReject(): void {}
}

function amznVenue(start: number): { venue: ReplayLitVenue; scheduler: VirtualScheduler } {
  const problems = new RowProblems(false);
  const files = { messages: MESSAGES, orderbook: ORDERBOOK };
  const batches = pairedBatches(readLobsterMessages(MESSAGES, problems), readLobsterBook(ORDERBOOK, problems), files);
  const feed = new LobsterFeed(batches[Symbol.iterator]());
  const scheduler = new VirtualScheduler(start);
  const instrument = lobsterInstrument("AMZN", feed.replay.book.bids.priceAt(0));
  const venue = new ReplayLitVenue(
    spec("AMZN", { kind: "constant", micros: 50 }),
    instrument,
    scheduler,
    new Random(1),
    {
      feed,
      midnightMicros: MIDNIGHT,
    },
  );
  return { venue, scheduler };
}

function order(clOrdId: string, side: Side, qty: number, price: number | null): NewOrderRequest {
  return {
    clOrdId,
    account: "US",
    symbol: "AMZN",
    side,
    ordType: price === null ? "market" : "limit",
    timeInForce: price === null ? "ioc" : "day",
    orderQty: qty,
    price,
    postOnly: false,
    displayQty: null,
    minQty: null,
  };
}

describe("ReplayLitVenue over the AMZN 2012-06-21 recording", () => {
  it("fast-forwards to the session's start: the recorded book at 10:00 New York is the file's", () => {
    const { venue } = amznVenue(at(10, 0));
    const book = venue.recorded.book;
    expect(venue.nextMessageMicros).toBeGreaterThan(at(10, 0));
    expect(book.bids.priceAt(0)).toBeLessThan(book.asks.priceAt(0));
  });

  it("queues a passive buy behind the displayed bid; it fills at its price, as maker, only after recorded flow reached it", () => {
    const { venue, scheduler } = amznVenue(at(10, 0));
    const us = new Recorder();
    const session = venue.connect(us);
    const book = venue.recorded.book;
    const bid = book.bids.priceAt(0);
    const displayed = book.bids.qtyAt(0);
    session.submit(order("B1", "buy", 100, bid));
    scheduler.runUntil(at(10, 0) + 1000);
    expect(us.reports.map((r) => r.execType)).toEqual(["new"]);
    const joined = (us.reports[0] as ExecutionReport).transactTime;
    expect(venue.orders.aheadOf(1)).toBe(displayed); // nothing happened at the bid within the first millisecond

    scheduler.runUntil(at(11, 0));
    const fills = us.reports.filter((r) => r.execType === "trade");
    expect(fills.length).toBeGreaterThan(0);
    expect(fills.every((f) => f.lastPx === bid && f.liquidity === "maker")).toBe(true);
    expect(fills.reduce((sum, f) => sum + f.lastQty, 0)).toBe(100);

    // Independently of the model: the first recorded event after we joined that can reach a resting buy at `bid`
    // (an execution on the bid side at or below it, or a sell submitted at or below it) comes no later than our fill.
    let firstReach = Number.NaN;
    for (const batch of readLobsterMessages(MESSAGES, new RowProblems(false))) {
      for (let i = 0; i < batch.count && Number.isNaN(firstReach); i++) {
        const time = MIDNIGHT + Math.floor((batch.timeNs[i] as number) / 1000);
        if (time <= joined) continue;
        const price = batch.price[i] as number;
        const type = batch.type[i] as number;
        const direction = batch.direction[i] as number;
        const execution = (type === EXECUTION || type === 5) && direction === 1 && price <= bid;
        const crossingSell = type === 1 && direction === -1 && price <= bid;
        if (execution || crossingSell) firstReach = time;
      }
    }
    expect((fills[0] as ExecutionReport).transactTime).toBeGreaterThanOrEqual(firstReach);
    auditReports(us.reports);
  });

  it("takes the recorded best offer with a marketable order, and reports it as taker", () => {
    const { venue, scheduler } = amznVenue(at(12, 0));
    const us = new Recorder();
    const session = venue.connect(us);
    const ask = venue.recorded.book.asks.priceAt(0);
    const shown = venue.recorded.book.asks.qtyAt(0);
    session.submit(order("M1", "buy", shown + 50, null));
    scheduler.runUntil(at(12, 0) + 1000);
    expect(us.reports.map((r) => [r.execType, r.lastQty, r.lastPx, r.liquidity])).toEqual([
      ["new", 0, 0, null],
      ["trade", shown, ask, "taker"],
      ["canceled", 0, 0, null],
    ]);
    auditReports(us.reports);
  });

  it("gives the same reports for the same inputs", () => {
    const run = (): string => {
      const { venue, scheduler } = amznVenue(at(14, 0));
      const us = new Recorder();
      const session = venue.connect(us);
      const bid = venue.recorded.book.bids.priceAt(0);
      session.submit(order("B1", "buy", 300, bid));
      session.submit(order("S1", "sell", 200, venue.recorded.book.asks.priceAt(0) + 100));
      scheduler.runUntil(at(14, 30));
      return JSON.stringify(us.reports);
    };
    const first = run();
    expect(run()).toBe(first);
    expect(first.length).toBeGreaterThan(100);
  });
});
