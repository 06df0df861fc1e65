/**
 * The background participants of one instrument on one lit venue: a zero-intelligence order flow in the spirit of
 * Cont, Stoikov & Talreja (2010), quoted around the latent fundamental instead of a book-driven price. They trade
 * through ordinary order-entry sessions, like anyone else.
 *
 * - Liquidity providers (account SIM-LP) send limit orders as a Poisson process on a random side at level d in 1..L
 *   (d-1 ticks out from the quote target: bid or ask around the fundamental, `spreadTicks` apart). An order placed
 *   at level d is cancelled after an exponential lifetime of mean T x sqrt(d), T = resilienceSeconds, and level d
 *   gets arrivals at a rate proportional to 1/sqrt(d), so every level holds depthPerLevel lots on average and an
 *   emptied level refills like 1 - e^(-t / T sqrt(d)): the book's resilience, fastest at the touch. (Arrival and
 *   cancel rates that fall with the distance from the touch are what Cont, Stoikov & Talreja estimate; it also
 *   halves the simulator's work against a flat profile.) A second stream adds, at the touch, the volume market orders
 *   are expected to take there (scaled by the intraday profile), so the touch is not worn thin by the flow itself.
 * - When the fundamental moves the quote targets by k ticks, providers move what is now through them (a stale ask
 *   below the new ask, a stale bid above the new bid) L ticks out, to the far end of their ladder, with a
 *   cancel/replace: the retreating side keeps its depth as the price trends. They place one order on each newly
 *   exposed level of the advancing side (k of them).
 * - Liquidity takers (account SIM-LT) send marketable IOC orders (limit L ticks through the target: a collar) as a
 *   Poisson process whose rate follows the intraday volume profile and adds up to the venue's share of ADV.
 *
 * Invariants: SIM-LP orders never cross each other (stale orders are moved out on the same session before any new
 * order goes in, and sessions never reorder); SIM-LP and SIM-LT are different accounts, so self-trade prevention never
 * fires between them. An order is known by its ClOrdID and, while a replace is in flight, by the replace's too. Every random stream is forked separately, so arrivals do not shift when the book state differs.
 * Known limits: the flow does not look at the book (it quotes around the fundamental only); sizes are lognormal.
 */
import { MICROS_PER_SECOND } from "../core/clock.js";
import { IdSequence } from "../core/ids.js";
import type { Random } from "../core/random.js";
import type { Scheduler, TimerHandle } from "../core/scheduler.js";
import type { CancelReject, ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import type { Side, TimeInForce } from "../model/order-types.js";
import type { OrderEntryListener, OrderEntrySession, Venue } from "../venue/venue.js";
import type { VolumeProfile } from "./volume-profile.js";

export const PROVIDER_ACCOUNT = "SIM-LP";
export const TAKER_ACCOUNT = "SIM-LT";
/** Log-space standard deviation of limit and market order sizes. */
const LIMIT_SIZE_SIGMA = 0.5;
const MARKET_SIZE_SIGMA = 0.8;

export interface LitFlowParameters {
  readonly levels: number;
  readonly spreadTicks: number;
  /** Mean resting lots per level and side on this venue. */
  readonly depthPerLevel: number;
  readonly limitOrderSize: number;
  readonly marketOrderSize: number;
  readonly resilienceSeconds: number;
  /** Market orders per second here at the session's mean activity. */
  readonly marketOrdersPerSecond: number;
}

export interface FlowContext {
  readonly scheduler: Scheduler;
  readonly profile: VolumeProfile;
  /** The open: the profile's first bin starts here (µs). */
  readonly sessionStart: number;
  readonly onReport: (report: ExecutionReport) => void;
  /** Our own takers traded `signedLots` (+ bought): lets the model tell our aggression from others'. */
  readonly onOwnTake: (symbol: string, signedLots: number) => void;
}

/** The bid and ask liquidity providers aim for around `price`: `spreadTicks` apart, the price between them. */
export function quoteTargets(price: number, tickUnits: number, spreadTicks: number): { bid: number; ask: number } {
  const bidTicks = Math.max(1, Math.floor(price / tickUnits - spreadTicks / 2 + 0.5));
  return { bid: bidTicks * tickUnits, ask: (bidTicks + spreadTicks) * tickUnits };
}

/** Lognormal size with mean `mean`, in whole lots, at least `min`. */
export function drawSize(r: Random, mean: number, sigma: number, min: number): number {
  return Math.max(min, 1, Math.round(r.lognormal(mean * Math.exp((-sigma * sigma) / 2), sigma)));
}

interface Resting {
  /** The ClOrdID the venue knows the order by. */
  clOrdId: string;
  /** The ClOrdID of a replace in flight (the order's next name), or null. */
  pending: string | null;
  readonly side: Side;
  price: number;
  readonly orderQty: number;
  lifetime: TimerHandle | null;
}

export class ZeroIntelligenceFlow implements OrderEntryListener {
  private readonly provider: OrderEntrySession;
  private readonly taker: OrderEntrySession;
  /** The providers' live orders, and the same by every ClOrdID they may be reported under. */
  private readonly orders = new Set<Resting>();
  private readonly byId = new Map<string, Resting>();
  private readonly ids: IdSequence;
  private readonly tick: number;
  private readonly minQty: number;
  private readonly restingTif: TimeInForce;
  /** Whether the venue takes resting limit orders at all (if not, only the takers run). */
  private readonly providing: boolean;
  private readonly takerIsLimit: boolean;
  private readonly streams: (TimerHandle | null)[] = [null, null, null];
  private readonly limitRandom: Random;
  private readonly touchRandom: Random;
  private readonly takerRandom: Random;
  private readonly quoteRandom: Random;
  /** Cumulative level weights 1/sqrt(d), d = 1..L, normalised: the distribution of a base arrival's level. */
  private readonly levelCdf: Float64Array;
  /** The sum of 1/sqrt(d) over the levels. */
  private readonly levelWeight: number;
  private bid = Number.NaN;
  private ask = Number.NaN;
  private until = Number.NEGATIVE_INFINITY;
  private running = false;

  constructor(
    readonly venue: Venue,
    readonly instrument: Instrument,
    readonly params: LitFlowParameters,
    private readonly context: FlowContext,
    random: Random,
  ) {
    this.limitRandom = random.fork();
    this.touchRandom = random.fork();
    this.takerRandom = random.fork();
    this.quoteRandom = random.fork();
    this.ids = new IdSequence(`Z${venue.id}.${instrument.symbol}.`);
    this.tick = instrument.tickUnits;
    this.minQty = venue.spec.minQuantity;
    const tifs = venue.spec.timesInForce;
    this.restingTif = tifs.includes("day") ? "day" : "gtc";
    this.providing = venue.spec.orderTypes.includes("limit") && (tifs.includes("day") || tifs.includes("gtc"));
    this.takerIsLimit = venue.spec.orderTypes.includes("limit") && tifs.includes("ioc");
    this.levelCdf = new Float64Array(params.levels);
    let total = 0;
    for (let d = 1; d <= params.levels; d++) total += 1 / Math.sqrt(d);
    for (let d = 1, sum = 0; d <= params.levels; d++) {
      sum += 1 / Math.sqrt(d);
      this.levelCdf[d - 1] = sum / total;
    }
    this.levelWeight = total;
    this.provider = venue.connect(this);
    const onOwnTake = context.onOwnTake;
    const onReport = context.onReport;
    this.taker = venue.connect({
      onExecutionReport(report) {
        if (report.execType === "trade") {
          onOwnTake(report.symbol, report.side === "buy" ? report.lastQty : -report.lastQty);
        }
        onReport(report);
      },
      onCancelReject() {},
    });
  }

  /** Number of the providers' orders believed live (sent and neither filled nor cancelled). */
  get liveOrders(): number {
    return this.orders.size;
  }

  /** Seeds the book around `price` and runs the flow until `until` (µs). */
  start(price: number, until: number): void {
    this.until = until;
    this.running = true;
    const { bid, ask } = quoteTargets(price, this.tick, this.params.spreadTicks);
    this.bid = bid;
    this.ask = ask;
    const p = this.params;
    if (this.providing) {
      for (let d = 0; d < p.levels; d++) {
        for (const side of ["buy", "sell"] as const) {
          const price = side === "buy" ? bid - d * this.tick : ask + d * this.tick;
          if (price <= 0) continue;
          for (let placed = 0; placed < p.depthPerLevel; ) placed += this.place(side, price, this.quoteRandom);
        }
      }
      const limitRate = (2 * this.levelWeight * p.depthPerLevel) / (p.limitOrderSize * p.resilienceSeconds);
      const touchRate = (p.marketOrdersPerSecond * p.marketOrderSize) / p.limitOrderSize;
      this.stream(0, limitRate, false, this.limitRandom, () => this.limitArrival());
      this.stream(1, touchRate, true, this.touchRandom, () => this.touchArrival());
    }
    this.stream(2, p.marketOrdersPerSecond, true, this.takerRandom, () => this.takerArrival());
  }

  /** Stops every arrival and lifetime; resting orders stay where they are. */
  stop(): void {
    this.running = false;
    const scheduler = this.context.scheduler;
    this.streams.forEach((handle, i) => {
      if (handle !== null) scheduler.cancel(handle);
      this.streams[i] = null;
    });
    for (const order of this.orders) {
      if (order.lifetime !== null) scheduler.cancel(order.lifetime);
      order.lifetime = null;
    }
  }

  /** The fundamental (with its transient) is now `price`: move the quotes if their targets moved. */
  requote(price: number): void {
    if (!this.running || !this.providing) return;
    const { bid, ask } = quoteTargets(price, this.tick, this.params.spreadTicks);
    const oldBid = this.bid;
    const oldAsk = this.ask;
    if (bid === oldBid && ask === oldAsk) return;
    this.bid = bid;
    this.ask = ask;
    const tick = this.tick;
    const span = this.params.levels * tick;
    for (const order of this.orders) {
      if (order.side === "buy" ? order.price > bid : order.price < ask) {
        const moved = order.side === "buy" ? order.price - span : order.price + span;
        const fits = order.side === "buy" ? moved <= bid && moved > 0 : moved >= ask;
        if (fits && order.pending === null) this.move(order, moved);
        else this.cancel(order);
      }
    }
    const reach = (this.params.levels - 1) * tick;
    for (let price = Math.max(oldBid + tick, bid - reach); price <= bid; price += tick) {
      this.place("buy", price, this.quoteRandom);
    }
    for (let price = Math.min(oldAsk - tick, ask + reach); price >= ask; price -= tick) {
      this.place("sell", price, this.quoteRandom);
    }
  }

  onExecutionReport(report: ExecutionReport): void {
    const order = this.byId.get(report.clOrdId);
    if (order !== undefined) {
      if (report.execType === "replaced" && report.origClOrdId !== null) {
        this.byId.delete(report.origClOrdId);
        order.clOrdId = report.clOrdId;
        if (order.pending === report.clOrdId) order.pending = null;
      }
      // Filled, cancelled or rejected: the order is done (a cancel we asked for was forgotten when we sent it).
      if (report.leavesQty === 0) this.forget(order);
    }
    this.context.onReport(report);
  }

  onCancelReject(reject: CancelReject): void {
    // A cancel or replace raced a fill: the fill's report settles the order. A refused replace leaves its old name.
    const order = this.byId.get(reject.clOrdId);
    if (order !== undefined && order.pending === reject.clOrdId) {
      this.byId.delete(reject.clOrdId);
      order.pending = null;
    }
  }

  // ---- arrivals ------------------------------------------------------------------------------------------------

  private limitArrival(): void {
    const r = this.limitRandom;
    const side: Side = r.bool(0.5) ? "buy" : "sell";
    const u = r.float();
    let level = 0;
    while (level < this.params.levels - 1 && u >= (this.levelCdf[level] as number)) level++;
    const depth = level * this.tick;
    const price = side === "buy" ? this.bid - depth : this.ask + depth;
    if (price > 0) this.place(side, price, r);
  }

  private touchArrival(): void {
    const r = this.touchRandom;
    const side: Side = r.bool(0.5) ? "buy" : "sell";
    this.place(side, side === "buy" ? this.bid : this.ask, r);
  }

  private takerArrival(): void {
    const r = this.takerRandom;
    const side: Side = r.bool(0.5) ? "buy" : "sell";
    const orderQty = drawSize(r, this.params.marketOrderSize, MARKET_SIZE_SIGMA, this.minQty);
    const collar = this.params.levels * this.tick;
    const limit = side === "buy" ? this.ask + collar : Math.max(this.tick, this.bid - collar);
    this.taker.submit({
      clOrdId: this.ids.nextId(),
      account: TAKER_ACCOUNT,
      symbol: this.instrument.symbol,
      side,
      ordType: this.takerIsLimit ? "limit" : "market",
      timeInForce: this.takerIsLimit ? "ioc" : "day",
      orderQty,
      price: this.takerIsLimit ? limit : null,
      postOnly: false,
      displayQty: null,
      minQty: null,
    });
  }

  /** Sends a provider's limit order with its lifetime; returns its size. */
  private place(side: Side, price: number, r: Random): number {
    const p = this.params;
    const orderQty = drawSize(r, p.limitOrderSize, LIMIT_SIZE_SIGMA, this.minQty);
    const order: Resting = { clOrdId: this.ids.nextId(), pending: null, side, price, orderQty, lifetime: null };
    const scheduler = this.context.scheduler;
    const level = 1 + Math.max(0, (side === "buy" ? this.bid - price : price - this.ask) / this.tick);
    const meanLife = p.resilienceSeconds * Math.sqrt(level) * MICROS_PER_SECOND;
    const life = Math.max(1, Math.round(r.exponential(meanLife)));
    order.lifetime = scheduler.at(scheduler.now() + life, () => {
      order.lifetime = null;
      this.cancel(order);
    });
    this.orders.add(order);
    this.byId.set(order.clOrdId, order);
    this.provider.submit({
      clOrdId: order.clOrdId,
      account: PROVIDER_ACCOUNT,
      symbol: this.instrument.symbol,
      side,
      ordType: "limit",
      timeInForce: this.restingTif,
      orderQty,
      price,
      postOnly: false,
      displayQty: null,
      minQty: null,
    });
    return orderQty;
  }

  /** Moves a live order to `price` with a cancel/replace (same total quantity: it loses its queue position). */
  private move(order: Resting, price: number): void {
    const clOrdId = this.ids.nextId();
    this.provider.replace({
      clOrdId,
      origClOrdId: order.clOrdId,
      symbol: this.instrument.symbol,
      orderQty: order.orderQty,
      price,
    });
    order.pending = clOrdId;
    order.price = price;
    this.byId.set(clOrdId, order);
  }

  private cancel(order: Resting): void {
    const origClOrdId = order.pending ?? order.clOrdId;
    this.forget(order);
    this.provider.cancel({ clOrdId: this.ids.nextId(), origClOrdId, symbol: this.instrument.symbol });
  }

  private forget(order: Resting): void {
    this.orders.delete(order);
    this.byId.delete(order.clOrdId);
    if (order.pending !== null) this.byId.delete(order.pending);
    if (order.lifetime !== null) this.context.scheduler.cancel(order.lifetime);
    order.lifetime = null;
  }

  /**
   * Runs `act` as a Poisson process of `rate` per second (times the intraday profile when `profiled`) until the end.
   */
  private stream(slot: number, rate: number, profiled: boolean, r: Random, act: () => void): void {
    if (!(rate > 0)) return;
    const { scheduler, profile, sessionStart } = this.context;
    const next = (): void => {
      const now = scheduler.now();
      const offset = (now - sessionStart) / MICROS_PER_SECOND;
      const work = r.exponential(1) / rate;
      const seconds = profiled ? profile.advance(offset, work) : offset + work;
      const at = Math.max(now + 1, sessionStart + Math.ceil(seconds * MICROS_PER_SECOND));
      if (at >= this.until) {
        this.streams[slot] = null;
        return;
      }
      this.streams[slot] = scheduler.at(at, () => {
        act();
        next();
      });
    };
    next();
  }
}
