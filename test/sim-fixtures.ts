/**
 * Shared fixtures for the simulated-venue tests: reference data built in code, recording participants and market-data
 * subscribers, and terse row formats for scenario tables.
 *
 * The reference data mirrors config/demo.yaml but with CONSTANT latencies, so every time in a test is exact:
 * instruments ACME (tick 0.01, whole shares), NRTH (round lots of 100 shares), PNNY (lots of 0.0001 share); venues
 * LITA (maker-taker, everything supported, cancel-incoming), LITB (inverted, no hidden/iceberg/GTC, cancel-both) and
 * DRKP (midpoint dark pool on ACME, no venue minimum). `config(edit)` hands a fresh copy to an edit function.
 * Everything here is deterministic: a virtual scheduler started at START and a seeded Random. Every participant is
 * registered so that `auditParticipants()` (run after each scenario test) checks the bookkeeping of all its reports.
 */
import { isoToMicros } from "../src/core/clock.js";
import { Random } from "../src/core/random.js";
import { VirtualScheduler } from "../src/core/scheduler.js";
import type { CancelReject, ExecutionReport } from "../src/model/execution-report.js";
import type { Instrument } from "../src/model/instrument.js";
import type { MarketDataEvent } from "../src/model/market-data.js";
import type { Side } from "../src/model/order-types.js";
import { parseReferenceData, type ReferenceData, type ReferenceDataInput } from "../src/model/reference-data.js";
import { createSimVenues, type SimVenues } from "../src/venue/sim/sim-venues.js";
import type {
  MarketDataListener,
  NewOrderRequest,
  OrderEntryListener,
  OrderEntrySession,
  Venue,
} from "../src/venue/venue.js";
import { auditReports } from "./venue-contract.js";

export const START = isoToMicros("2026-01-05T14:30:00Z");

/** One-way latencies of the fixture venues, in microseconds. */
export const LATENCY = {
  LITA: { orderEntry: 100, marketData: 50 },
  LITB: { orderEntry: 250, marketData: 200 },
  DRKP: { orderEntry: 400, marketData: 300 },
} as const;

export type VenueInput = ReferenceDataInput["venues"][number];

/** A fresh copy of the fixture reference data, optionally edited in place by `edit`. */
export function config(edit: (input: ReferenceDataInput) => void = () => {}): ReferenceDataInput {
  const input: ReferenceDataInput = {
    instruments: [
      {
        symbol: "ACME",
        currency: "USD",
        priceIncrement: "0.01",
        lotSize: "1",
        referencePrice: "150.00",
        averageDailyVolume: 50_000_000,
        annualVolatility: 0.25,
      },
      {
        symbol: "NRTH",
        currency: "USD",
        priceIncrement: "0.01",
        lotSize: "100",
        referencePrice: "40.00",
        averageDailyVolume: 60_000,
        annualVolatility: 0.32,
      },
      {
        symbol: "PNNY",
        currency: "USD",
        priceIncrement: "0.01",
        lotSize: "0.0001",
        referencePrice: "5.00",
        averageDailyVolume: 200_000_000_000,
        annualVolatility: 0.55,
      },
    ],
    venues: [
      {
        id: "LITA",
        name: "Alpha (maker-taker)",
        kind: "lit",
        fees: { makerFeePerShare: "-0.0020", takerFeePerShare: "0.0030" },
        orderEntryLatency: { kind: "constant", micros: LATENCY.LITA.orderEntry },
        marketDataLatency: { kind: "constant", micros: LATENCY.LITA.marketData },
        orderTypes: ["market", "limit"],
        timesInForce: ["day", "gtc", "ioc", "fok"],
        supports: { postOnly: true, hidden: true, iceberg: true },
        selfTradePrevention: "cancel-incoming",
      },
      {
        id: "LITB",
        name: "Beta (inverted)",
        kind: "lit",
        fees: { makerFeePerShare: "0.0010", takerFeePerShare: "-0.0002" },
        orderEntryLatency: { kind: "constant", micros: LATENCY.LITB.orderEntry },
        marketDataLatency: { kind: "constant", micros: LATENCY.LITB.marketData },
        orderTypes: ["market", "limit"],
        timesInForce: ["day", "ioc", "fok"],
        supports: { postOnly: true, hidden: false, iceberg: false },
        selfTradePrevention: "cancel-both",
      },
      {
        id: "DRKP",
        name: "Midpoint pool",
        kind: "dark",
        fees: { makerFeePerShare: "0.0010", takerFeePerShare: "0.0015" },
        orderEntryLatency: { kind: "constant", micros: LATENCY.DRKP.orderEntry },
        marketDataLatency: { kind: "constant", micros: LATENCY.DRKP.marketData },
        orderTypes: ["market", "limit"],
        timesInForce: ["day", "ioc", "fok"],
        supports: { postOnly: false, hidden: false, iceberg: false },
        instruments: ["ACME"],
      },
    ],
  };
  edit(input);
  return input;
}

/** The venue entry `id` of a config being edited. */
export function venueInput(input: ReferenceDataInput, id: string): VenueInput {
  const venue = input.venues.find((v) => v.id === id);
  if (venue === undefined) throw new Error(`no venue ${id} in the fixture config`);
  return venue;
}

export interface World extends SimVenues {
  readonly data: ReferenceData;
  readonly scheduler: VirtualScheduler;
  venue(id: string): Venue;
  instrument(symbol: string): Instrument;
}

/** The fixture venues (or `input`'s) built with `createSimVenues`, on a virtual clock at START. */
export function world(input: ReferenceDataInput = config(), seed = 1): World {
  const data = parseReferenceData(input, "test");
  const scheduler = new VirtualScheduler(START);
  const sim = createSimVenues(data, scheduler, new Random(seed));
  return {
    ...sim,
    data,
    scheduler,
    venue(id) {
      const venue = sim.venues.find((v) => v.id === id);
      if (venue === undefined) throw new Error(`no venue ${id}`);
      return venue;
    },
    instrument(symbol) {
      const instrument = data.instruments.get(symbol);
      if (instrument === undefined) throw new Error(`no instrument ${symbol}`);
      return instrument;
    },
  };
}

/** A price string to price units, refusing anything that is not a valid price of the instrument. */
export function px(instrument: Instrument, text: string): number {
  const parsed = instrument.parsePrice(text);
  if (!parsed.ok) throw new Error(`${text} is not a price of ${instrument.symbol}: ${parsed.reason}`);
  return parsed.value;
}

/** Something delivered to a listener, with the virtual time it arrived. */
export interface Delivered<T> {
  at: number;
  msg: T;
}

export interface OrderOptions {
  symbol?: string;
  ordType?: NewOrderRequest["ordType"];
  timeInForce?: NewOrderRequest["timeInForce"];
  postOnly?: boolean;
  displayQty?: number | null;
  minQty?: number | null;
  account?: string;
}

/**
 * One participant on one order-entry session: sends orders tersely and records every report and cancel reject with
 * its delivery time. Orders default to DAY limits in `symbol` for `account`.
 */
export class Participant implements OrderEntryListener {
  readonly session: OrderEntrySession;
  readonly delivered: Delivered<ExecutionReport>[] = [];
  readonly cancelRejects: Delivered<CancelReject>[] = [];
  /** Everything delivered, reports and cancel rejects, in delivery order. */
  readonly all: Delivered<ExecutionReport | CancelReject>[] = [];
  /** Every report ever delivered, kept through `take()`: what `auditParticipants` checks. */
  readonly history: ExecutionReport[] = [];

  constructor(
    readonly venue: Venue,
    private readonly scheduler: VirtualScheduler,
    readonly account: string,
    private readonly symbol = "ACME",
  ) {
    this.session = venue.connect(this);
    opened.push(this);
  }

  onExecutionReport(report: ExecutionReport): void {
    const item = { at: this.scheduler.now(), msg: report };
    this.history.push(report);
    this.delivered.push(item);
    this.all.push(item);
  }

  onCancelReject(reject: CancelReject): void {
    const item = { at: this.scheduler.now(), msg: reject };
    this.cancelRejects.push(item);
    this.all.push(item);
  }

  get reports(): ExecutionReport[] {
    return this.delivered.map((d) => d.msg);
  }

  /** Reports about one order (by any of its ClOrdIDs' venue order id, found from `clOrdId`). */
  reportsFor(clOrdId: string): ExecutionReport[] {
    const first = this.reports.find((r) => r.clOrdId === clOrdId || r.origClOrdId === clOrdId);
    if (first === undefined) return [];
    return this.reports.filter((r) => r.venueOrderId === first.venueOrderId);
  }

  /** The report list since the last call, forgotten once returned: for step-by-step scenarios. */
  take(): ExecutionReport[] {
    const out = this.delivered.splice(0).map((d) => d.msg);
    this.all.splice(0);
    return out;
  }

  order(clOrdId: string, side: Side, qty: number, price: number | null, o: OrderOptions = {}): this {
    this.session.submit({
      clOrdId,
      account: o.account ?? this.account,
      symbol: o.symbol ?? this.symbol,
      side,
      ordType: o.ordType ?? (price === null ? "market" : "limit"),
      timeInForce: o.timeInForce ?? "day",
      orderQty: qty,
      price,
      postOnly: o.postOnly ?? false,
      displayQty: o.displayQty ?? null,
      minQty: o.minQty ?? null,
    });
    return this;
  }

  buy(clOrdId: string, qty: number, price: number | null, o: OrderOptions = {}): this {
    return this.order(clOrdId, "buy", qty, price, o);
  }

  sell(clOrdId: string, qty: number, price: number | null, o: OrderOptions = {}): this {
    return this.order(clOrdId, "sell", qty, price, o);
  }

  cancel(clOrdId: string, origClOrdId: string, symbol = this.symbol): this {
    this.session.cancel({ clOrdId, origClOrdId, symbol });
    return this;
  }

  replace(clOrdId: string, origClOrdId: string, orderQty: number, price: number | null, symbol = this.symbol): this {
    this.session.replace({ clOrdId, origClOrdId, symbol, orderQty, price });
    return this;
  }
}

const opened: Participant[] = [];

/**
 * Audits the bookkeeping of every report delivered to every participant opened since the last call (the contract's
 * `auditReports`), then forgets them: scenario files run it after each test.
 */
export function auditParticipants(): void {
  const all = opened.splice(0);
  for (const participant of all) auditReports(participant.history);
}

/** A market-data subscriber recording every event with its delivery time. */
export class Watcher implements MarketDataListener {
  readonly events: Delivered<MarketDataEvent>[] = [];

  constructor(
    venue: Venue,
    private readonly scheduler: VirtualScheduler,
  ) {
    venue.subscribe(this);
  }

  onMarketData(event: MarketDataEvent): void {
    this.events.push({ at: this.scheduler.now(), msg: event });
  }

  take(): Delivered<MarketDataEvent>[] {
    return this.events.splice(0);
  }
}

/** `[clOrdId, execType, ordStatus, cumQty, leavesQty, reason]`: the life of an order, one row per report. */
export type LifeRow = [string, string, string, number, number, string | null];

export function life(reports: readonly ExecutionReport[]): LifeRow[] {
  return reports.map((r) => [r.clOrdId, r.execType, r.ordStatus, r.cumQty, r.leavesQty, r.reason]);
}

/** `[clOrdId, lastQty, lastPx, liquidity, feeMicros]`: one row per execution. */
export type FillRow = [string, number, number, string | null, number];

export function fills(reports: readonly ExecutionReport[]): FillRow[] {
  return reports
    .filter((r) => r.execType === "trade")
    .map((r) => [r.clOrdId, r.lastQty, r.lastPx, r.liquidity, r.feeMicros]);
}

/** The numeric part of a simulated venue's execId ("LITA-E12" -> 12): the venue's own order of events. */
export function execSeq(report: ExecutionReport): number {
  return Number(report.execId.slice(report.execId.lastIndexOf("-E") + 2));
}

/** `[clOrdId, side, lastQty, lastPx as a decimal string, liquidity]`. */
export type ExecutionRow = [string, Side, number, string, string | null];

/**
 * Every execution the participants were told about, in the order the venue made them (transactTime, then execId),
 * with prices formatted by `instrument`: a scenario's "fills out" table.
 */
export function executions(instrument: Instrument, ...participants: Participant[]): ExecutionRow[] {
  return participants
    .flatMap((p) => p.reports)
    .filter((r) => r.execType === "trade")
    .sort((a, b) => a.transactTime - b.transactTime || execSeq(a) - execSeq(b))
    .map((r) => [r.clOrdId, r.side, r.lastQty, instrument.formatPrice(r.lastPx), r.liquidity]);
}
