/**
 * Everything the engine knows about one instrument's market, consolidated across venues from their market data only:
 * each venue's displayed depth and its own quote history, the NBBO with its size and the venues at the touch,
 * consolidated depth, the trade tape (volume, interval VWAP) and the NBBO history (mid, spread, realised volatility).
 * Invariant: the NBBO is recomputed from venue depths after every depth event; a side with no quote is NaN.
 */
import type { MarketDataEvent } from "../model/market-data.js";
import type { Side } from "../model/order-types.js";
import { QuoteHistory } from "./quote-history.js";
import { TradeTape } from "./trade-tape.js";
import { VenueDepth } from "./venue-depth.js";

export interface Nbbo {
  /** Best bid in price units, NaN when no venue bids. */
  bid: number;
  /** Best ask in price units, NaN when no venue offers. */
  ask: number;
  /** Displayed quantity at the best bid / ask, summed over the venues there (lots). */
  bidQty: number;
  askQty: number;
  /** The venues quoting at the best bid / ask, in the order they were first seen. */
  bidVenues: readonly string[];
  askVenues: readonly string[];
}

export const EMPTY_NBBO: Nbbo = {
  bid: Number.NaN,
  ask: Number.NaN,
  bidQty: 0,
  askQty: 0,
  bidVenues: [],
  askVenues: [],
};

/** An NBBO a dark pool may cross at: both sides present and the market neither locked nor crossed. */
export function isTradableNbbo(quote: { bid: number; ask: number }): boolean {
  return quote.bid < quote.ask;
}

export interface ConsolidatedLevel {
  price: number;
  qty: number;
  venues: { venueId: string; qty: number }[];
}

export class InstrumentView {
  readonly tape = new TradeTape();
  readonly quotes = new QuoteHistory();
  private readonly venues = new Map<string, [VenueDepth, VenueDepth]>();
  private readonly venueHistories = new Map<string, QuoteHistory>();
  private current: Nbbo = EMPTY_NBBO;

  constructor(readonly symbol: string) {}

  get nbbo(): Nbbo {
    return this.current;
  }

  /** Applies one market-data event seen at `time`; true when the NBBO changed. */
  apply(event: MarketDataEvent, time: number): boolean {
    if (event.type === "trade") {
      this.tape.add(time, event.price, event.qty, event.venueId);
      return false;
    }
    const [bids, asks] = this.venueDepth(event.venueId);
    const venueBid = bids.best;
    const venueAsk = asks.best;
    if (event.type === "snapshot") {
      bids.reset(event.bids);
      asks.reset(event.asks);
    } else {
      (event.side === "buy" ? bids : asks).set(event.price, event.qty);
    }
    if (event.type === "snapshot" || !Object.is(venueBid, bids.best) || !Object.is(venueAsk, asks.best)) {
      this.venueHistory(event.venueId).add(time, bids.best, asks.best);
    }
    const next = this.computeNbbo();
    if (sameNbbo(next, this.current)) return false;
    this.current = next;
    this.quotes.add(time, next.bid, next.ask);
    return true;
  }

  /** One venue's own best bid and offer over time (empty for a venue never seen). */
  venueHistory(venueId: string): QuoteHistory {
    let history = this.venueHistories.get(venueId);
    if (history === undefined) {
      history = new QuoteHistory();
      this.venueHistories.set(venueId, history);
    }
    return history;
  }

  /** One venue's top of book as the view knows it. */
  venueQuote(venueId: string): { bid: number; bidQty: number; ask: number; askQty: number } {
    const depth = this.venues.get(venueId);
    if (depth === undefined) return { bid: Number.NaN, bidQty: 0, ask: Number.NaN, askQty: 0 };
    const [bids, asks] = depth;
    return { bid: bids.best, bidQty: bids.bestQty, ask: asks.best, askQty: asks.bestQty };
  }

  /** Displayed quantity of one venue at one price on one side. */
  venueQty(venueId: string, side: Side, price: number): number {
    const depth = this.venues.get(venueId);
    return depth === undefined ? 0 : (depth[side === "buy" ? 0 : 1].levels.get(price) ?? 0);
  }

  /** Up to `levels` consolidated price levels of one side, best first, with each venue's share. */
  depth(side: Side, levels: number): ConsolidatedLevel[] {
    const byPrice = new Map<number, ConsolidatedLevel>();
    for (const [venueId, pair] of this.venues) {
      for (const [price, qty] of pair[side === "buy" ? 0 : 1].levels) {
        let level = byPrice.get(price);
        if (level === undefined) {
          level = { price, qty: 0, venues: [] };
          byPrice.set(price, level);
        }
        level.qty += qty;
        level.venues.push({ venueId, qty });
      }
    }
    const sorted = [...byPrice.values()].sort((a, b) => (side === "buy" ? b.price - a.price : a.price - b.price));
    return sorted.slice(0, levels);
  }

  private venueDepth(venueId: string): [VenueDepth, VenueDepth] {
    let depth = this.venues.get(venueId);
    if (depth === undefined) {
      depth = [new VenueDepth(true), new VenueDepth(false)];
      this.venues.set(venueId, depth);
    }
    return depth;
  }

  private computeNbbo(): Nbbo {
    let bid = Number.NaN;
    let ask = Number.NaN;
    for (const [bids, asks] of this.venues.values()) {
      if (Number.isNaN(bid) || bids.best > bid) bid = bids.best;
      if (Number.isNaN(ask) || asks.best < ask) ask = asks.best;
    }
    let bidQty = 0;
    let askQty = 0;
    const bidVenues: string[] = [];
    const askVenues: string[] = [];
    for (const [venueId, [bids, asks]] of this.venues) {
      if (bids.best === bid) {
        bidQty += bids.bestQty;
        bidVenues.push(venueId);
      }
      if (asks.best === ask) {
        askQty += asks.bestQty;
        askVenues.push(venueId);
      }
    }
    return { bid, ask, bidQty, askQty, bidVenues, askVenues };
  }
}

function sameNbbo(a: Nbbo, b: Nbbo): boolean {
  return (
    Object.is(a.bid, b.bid) &&
    Object.is(a.ask, b.ask) &&
    a.bidQty === b.bidQty &&
    a.askQty === b.askQty &&
    a.bidVenues.length === b.bidVenues.length &&
    a.askVenues.length === b.askVenues.length &&
    a.bidVenues.every((v, i) => v === b.bidVenues[i]) &&
    a.askVenues.every((v, i) => v === b.askVenues[i])
  );
}
