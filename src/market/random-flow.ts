/**
 * A seeded stream of random participant orders that keeps simulated venues busy: passive and aggressive limit orders,
 * market orders, post-only, hidden and iceberg orders, cancels and replaces on lit venues, and midpoint orders with
 * minimum quantities in dark pools, priced around a fair value that follows a random walk with each instrument's
 * volatility. It exercises every venue feature end to end; it is not a calibrated market model (arrivals are
 * Poisson at a flat rate, with no intraday profile and no reaction to anyone's orders).
 */
import { MICROS_PER_SECOND } from "../core/clock.js";
import { IdSequence } from "../core/ids.js";
import type { Random } from "../core/random.js";
import type { Scheduler } from "../core/scheduler.js";
import type { CancelReject, ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import { isTerminal } from "../model/ord-status.js";
import type { Side } from "../model/order-types.js";
import type { NewOrderRequest, OrderEntryListener, OrderEntrySession, Venue } from "../venue/venue.js";

export interface RandomFlowOptions {
  /** Mean order arrivals per second, per venue and instrument. */
  readonly ordersPerSecond: number;
  /** Number of participant accounts orders are spread over (same-account orders exercise self-trade prevention). */
  readonly accounts: number;
}

/** Trading seconds in a year, for scaling annual volatility to a step: 252 days of 6.5 hours. */
const SECONDS_PER_YEAR = 252 * 6.5 * 3600;

interface Live {
  readonly venue: number;
  readonly clOrdId: string;
  readonly symbol: string;
  readonly orderQty: number;
  readonly price: number | null;
}

export class RandomFlow implements OrderEntryListener {
  private readonly sessions: OrderEntrySession[];
  private readonly fair = new Map<string, { price: number; time: number }>();
  private readonly live: Live[] = [];
  private readonly liveIndex = new Map<string, number>();
  private readonly clOrdIds = new IdSequence("F");
  private until = 0;

  constructor(
    private readonly venues: readonly Venue[],
    private readonly instruments: ReadonlyMap<string, Instrument>,
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    private readonly options: RandomFlowOptions,
    private readonly onReport: (report: ExecutionReport) => void,
  ) {
    this.sessions = venues.map((venue) => venue.connect(this));
    for (const instrument of instruments.values()) {
      this.fair.set(instrument.symbol, { price: instrument.referencePriceUnits, time: scheduler.now() });
    }
  }

  /** Schedules arrivals on every venue and instrument from now until `until` (microseconds). */
  start(until: number): void {
    this.until = until;
    this.venues.forEach((venue, v) => {
      for (const symbol of venue.spec.instruments) {
        const instrument = this.instruments.get(symbol) as Instrument;
        const stream = this.random.fork();
        const arrive = (): void => {
          this.arrival(v, venue, instrument, stream);
          const next = this.scheduler.now() + this.gap(stream);
          if (next < this.until) this.scheduler.at(next, arrive);
        };
        this.scheduler.at(this.scheduler.now() + this.gap(stream), arrive);
      }
    });
  }

  onExecutionReport(report: ExecutionReport): void {
    if (report.execType === "replaced" && report.origClOrdId !== null) this.forget(report.origClOrdId);
    if (isTerminal(report.ordStatus)) this.forget(report.clOrdId);
    else if (report.execType === "new" || report.execType === "replaced") {
      const venue = this.venues.findIndex((v) => v.id === report.venueId);
      this.remember({
        venue,
        clOrdId: report.clOrdId,
        symbol: report.symbol,
        orderQty: report.orderQty,
        price: report.price,
      });
    }
    this.onReport(report);
  }

  onCancelReject(_reject: CancelReject): void {
    // A race with a fill or a cancel: the order's own reports settle what is live.
  }

  private gap(stream: Random): number {
    return Math.max(1, Math.round(stream.exponential(MICROS_PER_SECOND / this.options.ordersPerSecond)));
  }

  private arrival(v: number, venue: Venue, instrument: Instrument, r: Random): void {
    const fair = this.walk(instrument, r);
    const session = this.sessions[v] as OrderEntrySession;
    const side: Side = r.bool(0.5) ? "buy" : "sell";
    const account = `P${r.int(1, this.options.accounts)}`;
    const tick = instrument.tickUnits;
    const spec = venue.spec;
    const qty = Math.max(spec.minQuantity, this.size(instrument, r));
    const base = {
      clOrdId: this.clOrdIds.nextId(),
      account,
      symbol: instrument.symbol,
      side,
      orderQty: qty,
      postOnly: false,
      displayQty: null,
      minQty: null,
    } satisfies Partial<NewOrderRequest>;
    if (venue.kind === "dark") {
      // A midpoint peg, capped a few ticks through the fair value when the pool wants a limit.
      const capped = !spec.orderTypes.includes("market") || r.bool(0.5);
      const cap = side === "buy" ? fair + 3 * tick : Math.max(tick, fair - 3 * tick);
      session.submit({
        ...base,
        ordType: capped ? "limit" : "market",
        timeInForce: r.bool(0.5) && spec.timesInForce.includes("ioc") ? "ioc" : "day",
        price: capped ? cap : null,
        minQty: r.bool(0.3) ? Math.max(1, Math.floor(qty / 2)) : null,
      });
      return;
    }
    const { supports } = spec;
    const passive = (offset: number): number =>
      Math.max(tick, side === "buy" ? fair - (offset + 1) * tick : fair + (offset + 1) * tick);
    const roll = r.float();
    const candidate = this.live.length > 0 ? this.live[r.int(0, this.live.length - 1)] : undefined;
    const mine = candidate !== undefined && candidate.venue === v ? candidate : undefined;
    if (roll < 0.15 && mine !== undefined) {
      session.cancel({ clOrdId: this.clOrdIds.nextId(), origClOrdId: mine.clOrdId, symbol: mine.symbol });
    } else if (roll < 0.27 && mine !== undefined && mine.price !== null) {
      const step = r.int(-2, 2) * tick;
      const price = Math.max(tick, mine.price + step);
      const orderQty = r.bool(0.5)
        ? mine.orderQty
        : Math.max(1, mine.orderQty + r.int(-2, 2) * Math.ceil(mine.orderQty / 4));
      session.replace({
        clOrdId: this.clOrdIds.nextId(),
        origClOrdId: mine.clOrdId,
        symbol: mine.symbol,
        orderQty,
        price,
      });
    } else if (roll < 0.37) {
      session.submit({ ...base, ordType: "limit", timeInForce: "ioc", price: passive(-3) });
    } else if (roll < 0.41 && spec.orderTypes.includes("market")) {
      session.submit({ ...base, ordType: "market", timeInForce: "ioc", price: null });
    } else if (roll < 0.47 && supports.postOnly) {
      session.submit({ ...base, ordType: "limit", timeInForce: "day", price: passive(r.int(-1, 2)), postOnly: true });
    } else if (roll < 0.52 && supports.hidden) {
      session.submit({ ...base, ordType: "limit", timeInForce: "day", price: passive(r.int(0, 3)), displayQty: 0 });
    } else if (roll < 0.58 && supports.iceberg) {
      const show = Math.max(1, Math.floor(qty / 5));
      session.submit({ ...base, ordType: "limit", timeInForce: "day", price: passive(r.int(0, 3)), displayQty: show });
    } else {
      session.submit({ ...base, ordType: "limit", timeInForce: "day", price: passive(r.int(0, 8)) });
    }
  }

  /**
   * Moves the instrument's fair value by a Gaussian step scaled to the time since it last moved, kept unrounded so that
   * small steps accumulate; returns it rounded to the tick.
   */
  private walk(instrument: Instrument, r: Random): number {
    const fair = this.fair.get(instrument.symbol) as { price: number; time: number };
    const now = this.scheduler.now();
    const dtSeconds = (now - fair.time) / MICROS_PER_SECOND;
    const sigma = instrument.annualVolatility * Math.sqrt(dtSeconds / SECONDS_PER_YEAR) * fair.price;
    fair.price = Math.max(instrument.tickUnits, fair.price + r.normal(0, sigma));
    fair.time = now;
    const tick = instrument.tickUnits;
    return Math.max(tick, Math.round(fair.price / tick) * tick);
  }

  /** Order sizes: lognormal around 200 shares, in whole lots, at least one lot. */
  private size(instrument: Instrument, r: Random): number {
    const shares = r.lognormal(200, 0.8);
    const lotShares = instrument.quantityToShares(1);
    return Math.max(1, Math.round(shares / lotShares));
  }

  private remember(order: Live): void {
    const existing = this.liveIndex.get(order.clOrdId);
    if (existing !== undefined) {
      this.live[existing] = order;
      return;
    }
    this.liveIndex.set(order.clOrdId, this.live.length);
    this.live.push(order);
  }

  private forget(clOrdId: string): void {
    const index = this.liveIndex.get(clOrdId);
    if (index === undefined) return;
    const last = this.live.pop() as Live;
    this.liveIndex.delete(clOrdId);
    if (index < this.live.length) {
      this.live[index] = last;
      this.liveIndex.set(last.clOrdId, index);
    }
  }
}
