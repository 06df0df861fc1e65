/**
 * Runs the Venue contract suite (test/venue-contract.ts) against every venue implementation there is: the simulated
 * lit venue and the simulated dark pool, each once with constant latencies (exact times) and once with random ones
 * (lognormal for the lit venue, uniform for the dark pool), which the contract must not notice.
 *
 * The dark pool crosses at the midpoint of the lit NBBO, so its factory also builds a lit venue and rests one-lot quotes
 * a tick either side of the contract price there: the midpoint is then exactly that price.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../src/core/random.js";
import { VirtualScheduler } from "../src/core/scheduler.js";
import type { ExecutionReport } from "../src/model/execution-report.js";
import type { Side } from "../src/model/order-types.js";
import { parseReferenceData, type ReferenceDataInput } from "../src/model/reference-data.js";
import { createSimVenues } from "../src/venue/sim/sim-venues.js";
import type { OrderEntryListener, Venue } from "../src/venue/venue.js";
import { config, px, START, venueInput } from "./sim-fixtures.js";
import { auditReports, type VenueUnderTest, venueContract } from "./venue-contract.js";

type Latency = ReferenceDataInput["venues"][number]["orderEntryLatency"];

const IGNORE: OrderEntryListener = { onExecutionReport() {}, onCancelReject() {} };

function build(seed: number, venueId: "LITA" | "DRKP", latency: Latency, minOneWayMicros: number): VenueUnderTest {
  const input = config((c) => {
    const v = venueInput(c, venueId);
    v.orderEntryLatency = latency;
    if (venueId === "DRKP") {
      // A limit-only pool without FOK: the contract's "unsupported" checks then have something to refuse.
      v.orderTypes = ["limit"];
      v.timesInForce = ["day", "ioc"];
    } else {
      v.timesInForce = ["day", "ioc", "fok"];
    }
  });
  const data = parseReferenceData(input, "test");
  const scheduler = new VirtualScheduler(START);
  const sim = createSimVenues(data, scheduler, new Random(seed));
  const venue = sim.venues.find((v) => v.id === venueId) as Venue;
  const instrument = data.instruments.get("ACME");
  if (instrument === undefined) throw new Error("ACME missing");
  const price = px(instrument, "150.00");
  if (venueId === "DRKP") {
    const quotes = (sim.lit[0] as Venue).connect(IGNORE);
    const quote = (clOrdId: string, side: Side, at: number): void =>
      quotes.submit({
        clOrdId,
        account: "MM",
        symbol: "ACME",
        side,
        ordType: "limit",
        timeInForce: "day",
        orderQty: 1,
        price: at,
        postOnly: false,
        displayQty: null,
        minQty: null,
      });
    quote("Q-BID", "buy", price - instrument.tickUnits);
    quote("Q-ASK", "sell", price + instrument.tickUnits);
    scheduler.runUntilIdle();
  }
  const liquidity = venue.connect(IGNORE);
  let n = 0;
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
    ...(venueId === "DRKP" ? { untradedSymbol: "NRTH" } : {}),
  };
}

venueContract("SimLitVenue, constant latency", (seed) => build(seed, "LITA", { kind: "constant", micros: 100 }, 100));
venueContract("SimLitVenue, lognormal latency", (seed) =>
  build(seed, "LITA", { kind: "lognormal", medianMicros: 150, sigma: 0.8, maxMicros: 2000 }, 0),
);
venueContract("SimDarkPool, constant latency", (seed) => build(seed, "DRKP", { kind: "constant", micros: 400 }, 400));
venueContract("SimDarkPool, uniform latency", (seed) =>
  build(seed, "DRKP", { kind: "uniform", minMicros: 200, maxMicros: 900 }, 200),
);

describe("the contract's report audit", () => {
  const ack: ExecutionReport = {
    venueId: "V",
    execId: "E1",
    venueOrderId: "V-1",
    clOrdId: "O1",
    origClOrdId: null,
    account: "A",
    symbol: "ACME",
    side: "buy",
    ordType: "limit",
    timeInForce: "day",
    execType: "new",
    ordStatus: "new",
    orderQty: 10,
    price: 1_500_000,
    lastQty: 0,
    lastPx: 0,
    cumQty: 0,
    leavesQty: 10,
    avgPx: 0,
    liquidity: null,
    feeMicros: 0,
    reason: null,
    transactTime: 1,
  };
  const fill = (o: Partial<ExecutionReport>): ExecutionReport => ({
    ...ack,
    execId: "E2",
    execType: "trade",
    ordStatus: "partially-filled",
    lastQty: 4,
    lastPx: 1_500_000,
    cumQty: 4,
    leavesQty: 6,
    avgPx: 1_500_000,
    liquidity: "taker",
    feeMicros: 12_000,
    ...o,
  });

  it("accepts consistent reports", () => {
    expect(() => auditReports([ack, fill({})])).not.toThrow();
  });

  it.each<[string, ExecutionReport[]]>([
    ["a fill before the acknowledgement", [fill({})]],
    ["cumQty that is not the sum of lastQty", [ack, fill({ cumQty: 5, leavesQty: 5 })]],
    ["leaves that do not add up", [ack, fill({ leavesQty: 5 })]],
    ["the wrong OrdStatus", [ack, fill({ ordStatus: "new" })]],
    ["a wrong avgPx", [ack, fill({ avgPx: 1_400_000 })]],
    ["a fill without a liquidity flag", [ack, fill({ liquidity: null })]],
    [
      "a report after a terminal one",
      [
        ack,
        { ...ack, execId: "E2", execType: "canceled", ordStatus: "canceled", leavesQty: 0, reason: "requested" },
        fill({ execId: "E3" }),
      ],
    ],
    ["a ClOrdID changed without a replace", [ack, fill({ clOrdId: "O2" })]],
    ["an execId used twice", [ack, fill({ execId: "E1" })]],
  ])("catches %s", (_what, reports) => {
    expect(() => auditReports(reports)).toThrow();
  });
});
