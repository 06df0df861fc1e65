/**
 * The smart order router: for a child order the algorithm wants worked, the slices (venue, quantity, order) the
 * parent's routing logic chooses from the venues' live state (routing.ts, routing-logics.ts, optimal-split.ts). It
 * also keeps what the optimal split needs from market data: per instrument, each lit venue's queue outflow at its
 * touch over the horizon (queue-outflow.ts), fed by `observe` with every venue quote the engine sees and by
 * `observeTrade` with every trade the venues print.
 * Pure apart from its seeded random stream (the optimal split's sampling): the same inputs give the same slices.
 */
import type { Random } from "../core/random.js";
import { optimalSplit } from "./optimal-split.js";
import { QueueOutflowEstimator } from "./queue-outflow.js";
import type { RouteDecision, RouteRequest, RoutingLogic, VenueState } from "./routing.js";
import { aggressiveSpray, bestVenue, equalSplit, liquiditySeeking, sequential, spray } from "./routing-logics.js";

export interface SmartOrderRouterOptions {
  /** The optimal split's sampling stream. */
  readonly random: Random;
  /** The venues' list positions of the lit venues (the outflow estimator's columns, in this order). */
  readonly litVenues: readonly number[];
  /** The optimal split's horizon T, µs (default 10 s): how long a resting slice waits for its queue to work through. */
  readonly horizonMicros?: number;
  /** Outflow windows kept per venue and side (default 360: an hour of 10-second windows). */
  readonly capacity?: number;
  /** The start of the first outflow window (the session's open), µs. */
  readonly origin: number;
}

export class SmartOrderRouter {
  private readonly estimators = new Map<string, QueueOutflowEstimator>();
  private readonly column = new Map<number, number>();
  private readonly horizon: number;
  private readonly capacity: number;

  /** The optimal split's horizon T, µs. */
  get horizonMicros(): number {
    return this.horizon;
  }

  constructor(private readonly options: SmartOrderRouterOptions) {
    options.litVenues.forEach((venue, k) => {
      this.column.set(venue, k);
    });
    this.horizon = options.horizonMicros ?? 10_000_000;
    this.capacity = options.capacity ?? 360;
  }

  /** Venue `venue`'s touch in `symbol` as seen at `now` (NaN prices for an empty side). */
  observe(symbol: string, venue: number, now: number, bid: number, bidQty: number, ask: number, askQty: number): void {
    const k = this.column.get(venue);
    if (k === undefined) return;
    const estimator = this.estimator(symbol);
    if (Number.isFinite(bid)) estimator.onQuote(k, "buy", now, bid, bidQty);
    if (Number.isFinite(ask)) estimator.onQuote(k, "sell", now, ask, askQty);
  }

  /** A trade of `qty` lots printed by venue `venue` in `symbol` at `price`, seen at `now`. */
  observeTrade(symbol: string, venue: number, now: number, price: number, qty: number): void {
    const k = this.column.get(venue);
    if (k === undefined) return;
    const estimator = this.estimator(symbol);
    // The queue it took from is the side whose touch is at its price (the estimator counts it only there).
    estimator.onTrade(k, "buy", now, price, qty);
    estimator.onTrade(k, "sell", now, price, qty);
  }

  /**
   * The slices for `request` by `logic`. `venues` is every venue's state in list order; `limit` the parent's most
   * aggressive workable limit (null: market); `adverse` the adverse selection per lot at each venue and `own` our own
   * lots resting at each venue at the request's price on its side (both by list position).
   */
  route(
    logic: RoutingLogic,
    symbol: string,
    request: RouteRequest,
    venues: readonly VenueState[],
    now: number,
    limit: number | null,
    adverse: readonly number[],
    own: readonly number[],
  ): RouteDecision {
    switch (logic) {
      case "sequential":
        return sequential(request, venues);
      case "spray":
        return spray(request, venues);
      case "aggressive-spray":
        return aggressiveSpray(request, venues);
      case "liquidity-seeking":
        return liquiditySeeking(request, venues);
      case "best-venue":
        return bestVenue(request, venues);
      case "equal-split":
        return equalSplit(request, venues);
      case "optimal": {
        const lit = venues.filter(
          (v) => v.kind === "lit" && v.available && !request.exclude.has(v.index) && this.column.has(v.index),
        );
        let samples = null;
        let outflowPerTrade: (number | null)[] = [];
        if (request.tactic === "passive" && lit.length > 0) {
          const estimator = this.estimator(symbol);
          estimator.advanceTo(now);
          const columns = lit.map((v) => this.column.get(v.index) as number);
          samples = estimator.jointSamples(columns, request.side, this.options.random);
          outflowPerTrade = columns.map((k) => estimator.outflowPerTrade(k, request.side));
        }
        return optimalSplit({
          request,
          venues,
          lit,
          samples,
          limit,
          adverse: lit.map((v) => adverse[v.index] ?? 0),
          own: lit.map((v) => own[v.index] ?? 0),
          outflowPerTrade,
        });
      }
    }
  }

  private estimator(symbol: string): QueueOutflowEstimator {
    let estimator = this.estimators.get(symbol);
    if (estimator === undefined) {
      estimator = new QueueOutflowEstimator({
        venues: this.options.litVenues.length,
        horizon: this.horizon,
        capacity: this.capacity,
        origin: this.options.origin,
      });
      this.estimators.set(symbol, estimator);
    }
    return estimator;
  }
}
