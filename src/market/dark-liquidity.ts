/**
 * Natural contra liquidity in one dark pool for one instrument: midpoint orders that arrive in proportion to the
 * instrument's lit volume, so that a dark order finds a contra sometimes, not always.
 *
 * Arrivals are a Poisson process in lit-volume time: every lot traded on a lit venue adds `volumeRatio` lots of
 * "credit", and an order arrives each time the credit passes an exponential threshold whose mean is the mean order
 * size, so dark order volume is about volumeRatio x lit volume. Each order: a random side, one of 8 accounts (so
 * natural orders also cross each other), a lognormal size (median orderSizeMultiple x the instrument's
 * marketOrderSize, at least the pool's minimum), with probability minQtyProbability a minimum execution quantity of
 * minQtyFraction of its size, pegged to the midpoint with a limit `capTicks` beyond the contra quote target (a
 * market peg where the pool takes no limit orders), resting for an exponential lifetime before its owner cancels it.
 * Invariant: the model's dark orders never rest past their lifetime while the flow runs. Known limit: no side
 * imbalance or information in dark flow; sizes do not depend on the time of day.
 */
import { MICROS_PER_SECOND } from "../core/clock.js";
import { IdSequence } from "../core/ids.js";
import type { Random } from "../core/random.js";
import type { Scheduler, TimerHandle } from "../core/scheduler.js";
import type { CancelReject, ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import type { VenueMarket } from "../model/market-parameters.js";
import type { Side, TimeInForce } from "../model/order-types.js";
import type { OrderEntryListener, OrderEntrySession, Venue } from "../venue/venue.js";

const ACCOUNTS = 8;

export class DarkLiquidity implements OrderEntryListener {
  private readonly session: OrderEntrySession;
  private readonly ids: IdSequence;
  private readonly live = new Map<string, TimerHandle | null>();
  private readonly median: number;
  private readonly meanSize: number;
  private readonly tif: TimeInForce;
  private readonly rests: boolean;
  private readonly pegIsLimit: boolean;
  private credit = 0;
  private threshold: number;
  private running = false;
  /** Orders sent, for summaries and tests. */
  ordersSent = 0;

  constructor(
    readonly pool: Venue,
    readonly instrument: Instrument,
    private readonly params: VenueMarket,
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    /** The bid and ask liquidity providers quote around the fundamental now. */
    private readonly targets: () => { bid: number; ask: number },
    private readonly onReport: (report: ExecutionReport) => void,
  ) {
    this.session = pool.connect(this);
    this.ids = new IdSequence(`D${pool.id}.${instrument.symbol}.`);
    this.median = Math.max(1, params.orderSizeMultiple * instrument.market.marketOrderSize);
    this.meanSize = this.median * Math.exp((params.orderSizeSigma * params.orderSizeSigma) / 2);
    const tifs = pool.spec.timesInForce;
    this.tif = tifs.includes("day") ? "day" : tifs.includes("gtc") ? "gtc" : "ioc";
    this.rests = this.tif !== "ioc";
    this.pegIsLimit = pool.spec.orderTypes.includes("limit");
    this.threshold = random.exponential(this.meanSize);
  }

  start(): void {
    this.running = true;
  }

  /** Stops arrivals and lifetimes; resting orders stay. */
  stop(): void {
    this.running = false;
    for (const [clOrdId, timer] of this.live) {
      if (timer !== null) this.scheduler.cancel(timer);
      this.live.set(clOrdId, null);
    }
  }

  /** `lots` traded on a lit venue in this instrument. */
  onLitVolume(lots: number): void {
    if (!this.running || !(this.params.volumeRatio > 0)) return;
    this.credit += lots * this.params.volumeRatio;
    while (this.credit >= this.threshold) {
      this.credit -= this.threshold;
      this.threshold = this.random.exponential(this.meanSize);
      this.arrive();
    }
  }

  onExecutionReport(report: ExecutionReport): void {
    if (report.leavesQty === 0) {
      const id = report.execType === "canceled" && report.origClOrdId !== null ? report.origClOrdId : report.clOrdId;
      const timer = this.live.get(id);
      if (timer !== undefined && timer !== null) this.scheduler.cancel(timer);
      this.live.delete(id);
    }
    this.onReport(report);
  }

  onCancelReject(_reject: CancelReject): void {
    // The order filled first.
  }

  private arrive(): void {
    const r = this.random;
    const p = this.params;
    const side: Side = r.bool(0.5) ? "buy" : "sell";
    const orderQty = Math.max(this.pool.spec.minQuantity, 1, Math.round(r.lognormal(this.median, p.orderSizeSigma)));
    const minQty = r.bool(p.minQtyProbability)
      ? Math.min(orderQty, Math.max(1, Math.round(orderQty * p.minQtyFraction)))
      : null;
    const { bid, ask } = this.targets();
    const tick = this.instrument.tickUnits;
    const cap = side === "buy" ? ask + p.capTicks * tick : Math.max(tick, bid - p.capTicks * tick);
    const clOrdId = this.ids.nextId();
    this.ordersSent++;
    this.live.set(clOrdId, this.rests ? this.lifetime(clOrdId) : null);
    this.session.submit({
      clOrdId,
      account: `SIM-D${r.int(1, ACCOUNTS)}`,
      symbol: this.instrument.symbol,
      side,
      ordType: this.pegIsLimit ? "limit" : "market",
      timeInForce: this.tif,
      orderQty,
      price: this.pegIsLimit ? cap : null,
      postOnly: false,
      displayQty: null,
      minQty,
    });
  }

  private lifetime(clOrdId: string): TimerHandle {
    const life = Math.max(1, Math.round(this.random.exponential(this.params.lifetimeSeconds * MICROS_PER_SECOND)));
    return this.scheduler.after(life, () => {
      if (!this.live.has(clOrdId)) return;
      this.live.delete(clOrdId);
      this.session.cancel({ clOrdId: this.ids.nextId(), origClOrdId: clOrdId, symbol: this.instrument.symbol });
    });
  }
}
