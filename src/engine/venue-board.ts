/**
 * The router's view of the venues: for one instrument at one decision, every venue's state (routing.ts `VenueState`):
 * its own top of book from the consolidated market view, its fees in price units per share, its minimum size, whether
 * it may be used now (trades the instrument, takes the order the tactic needs, healthy: venue-health.ts) and what the
 * scorecard (venue-scorecard.ts) has learned of it. Static facts (fees, minimums, order types) are computed once.
 */
import type { MarketView } from "../market/market-view.js";
import type { ChildTactic } from "../model/client-events.js";
import type { Instrument } from "../model/instrument.js";
import type { Side } from "../model/order-types.js";
import { feeMicrosPerShare } from "../model/venue-spec.js";
import type { VenueState } from "../router/routing.js";
import type { VenueHealth } from "../router/venue-health.js";
import type { PriceLevel, VenueScorecard } from "../router/venue-scorecard.js";
import type { Venue } from "../venue/venue.js";

interface VenueFacts {
  readonly venue: Venue;
  readonly kind: "lit" | "dark";
  /** Micro-currency per share. */
  readonly makerFeeMicros: number;
  readonly takerFeeMicros: number;
  /** Takes resting (limit, day) and immediate-or-cancel limit orders. */
  readonly day: boolean;
  readonly ioc: boolean;
}

export class VenueBoard {
  private readonly facts: VenueFacts[];
  private readonly darkMin = new Map<string, number>();
  private readonly anyMin = new Map<string, number>();
  private readonly litIds: readonly string[];

  constructor(
    venues: readonly Venue[],
    private readonly market: MarketView,
    private readonly health: VenueHealth,
    private readonly scorecard: VenueScorecard,
  ) {
    this.facts = venues.map((venue) => ({
      venue,
      kind: venue.kind,
      makerFeeMicros: feeMicrosPerShare(venue.spec.fees.makerFeePerShare),
      takerFeeMicros: feeMicrosPerShare(venue.spec.fees.takerFeePerShare),
      day: venue.spec.orderTypes.includes("limit") && venue.spec.timesInForce.includes("day"),
      ioc: venue.spec.orderTypes.includes("limit") && venue.spec.timesInForce.includes("ioc"),
    }));
    this.litIds = this.facts.filter((f) => f.kind === "lit").map((f) => f.venue.id);
  }

  /** Every venue's state for a child of `tactic` in `instrument` at `price` (list order; unusable ones marked). */
  states(instrument: Instrument, side: Side, tactic: ChildTactic, price: number, now: number): VenueState[] {
    const symbol = instrument.symbol;
    const view = this.market.instrument(symbol);
    const perShare = 10 ** instrument.pricePrecision / 1_000_000;
    return this.facts.map((f, index) => {
      const id = f.venue.id;
      const quote = f.kind === "lit" ? view.venueQuote(id) : null;
      const needs = tactic === "aggressive" ? f.ioc : f.day;
      const level = priceLevel(side, tactic, price, quote);
      return {
        index,
        id,
        kind: f.kind,
        bid: quote?.bid ?? Number.NaN,
        ask: quote?.ask ?? Number.NaN,
        bidQty: quote?.bidQty ?? 0,
        askQty: quote?.askQty ?? 0,
        makerFee: f.makerFeeMicros * perShare,
        takerFee: f.takerFeeMicros * perShare,
        minQuantity: f.venue.spec.minQuantity,
        available: needs && f.venue.spec.instruments.includes(symbol) && this.health.isAvailable(id, now),
        fillProbability: this.scorecard.fillProbability(id, symbol, tactic, level),
        hiddenRate: f.kind === "dark" ? this.scorecard.hiddenLiquidityRate(id, symbol) : 0,
      };
    });
  }

  /** The price level of a child at venue `index` against that venue's near touch now (scorecard key). */
  levelAt(index: number, symbol: string, side: Side, tactic: ChildTactic, price: number): PriceLevel {
    const f = this.facts[index] as VenueFacts;
    return priceLevel(
      side,
      tactic,
      price,
      f.kind === "lit" ? this.market.instrument(symbol).venueQuote(f.venue.id) : null,
    );
  }

  /**
   * Adverse selection per share filled passively at each lit venue beyond the lit venues' own (price units; 0 for a
   * dark pool, for a venue without passive fills, and for one no worse than the rest): the 5-second markout of our
   * passive fills there less that of our passive fills at every lit venue pooled. What is common to every venue goes:
   * the market's drift and our own impact mark every resting fill alike (a large buyer's own flow lifts the mid after
   * each of its fills, taking ones most, so charging resting its whole markout, or what it exceeds taking's by, makes
   * taking look cheaper than it is). What is left is what resting at this venue costs beyond resting elsewhere, the
   * effective rebate's adverse-selection part; a venue not filled yet counts as the average, not as free of it.
   */
  adverse(symbol: string, mid: number): number[] {
    const pooled = this.scorecard.pooledMarkoutBps(this.litIds, symbol, 5, "passive");
    return this.facts.map((f) => {
      if (f.kind !== "lit" || pooled === null || !Number.isFinite(mid)) return 0;
      const own = this.scorecard.markoutBps(f.venue.id, symbol, 5, "passive");
      return own === null ? 0 : Math.max(0, ((own - pooled) * mid) / 10_000);
    });
  }

  /** The smallest child a dark pool trading `symbol` accepts (lots); +Infinity when none trades it. Cached. */
  darkMinQuantity(symbol: string): number {
    let min = this.darkMin.get(symbol);
    if (min === undefined) {
      min = Number.POSITIVE_INFINITY;
      for (const f of this.facts) {
        if (f.kind === "dark" && f.day && f.venue.spec.instruments.includes(symbol)) {
          min = Math.min(min, f.venue.spec.minQuantity);
        }
      }
      this.darkMin.set(symbol, min);
    }
    return min;
  }

  /** Smallest child any venue trading `symbol` accepts (lots). Cached. */
  minQuantity(symbol: string): number {
    let min = this.anyMin.get(symbol);
    if (min === undefined) {
      min = Number.POSITIVE_INFINITY;
      for (const f of this.facts) {
        if (f.venue.spec.instruments.includes(symbol)) min = Math.min(min, f.venue.spec.minQuantity);
      }
      if (!Number.isFinite(min)) min = 1;
      this.anyMin.set(symbol, min);
    }
    return min;
  }

  /** The list position of the venue with id `id`, or -1. */
  indexOf(id: string): number {
    return this.facts.findIndex((f) => f.venue.id === id);
  }

  /** The lit venues' list positions. */
  litVenues(): number[] {
    const lit: number[] = [];
    this.facts.forEach((f, i) => {
      if (f.kind === "lit") lit.push(i);
    });
    return lit;
  }
}

/** A resting child's price against a venue's near touch: inside (improves it), touch (joins it) or behind. */
function priceLevel(
  side: Side,
  tactic: ChildTactic,
  price: number,
  quote: { bid: number; ask: number } | null,
): PriceLevel {
  if (tactic !== "passive" || quote === null) return "touch";
  const near = side === "buy" ? quote.bid : quote.ask;
  if (!Number.isFinite(near) || price === near) return "touch";
  return (side === "buy" ? price > near : price < near) ? "inside" : "behind";
}
