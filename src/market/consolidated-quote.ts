/**
 * The national best bid and offer per instrument, built only from what lit venues publish (snapshots and L2 depth
 * updates, so it sees the market with each venue's market-data latency, as a real consumer does). Listeners hear
 * about every change of an instrument's NBBO. The full consolidated view (venues at the touch, volume, volatility)
 * grows from here.
 * Invariant: a level with quantity 0 is removed; the best of a side is the highest bid / lowest ask with quantity.
 */
import type { DepthLevel, MarketDataEvent } from "../model/market-data.js";
import type { Side } from "../model/order-types.js";

export interface Nbbo {
  /** Best bid in price units, NaN when no venue bids. */
  bid: number;
  /** Best ask in price units, NaN when no venue offers. */
  ask: number;
}

/** An NBBO a dark pool may cross at: both sides present and the market neither locked nor crossed. */
export function isTradableNbbo(quote: Nbbo): boolean {
  return quote.bid < quote.ask;
}

export interface QuoteSource {
  nbbo(symbol: string): Nbbo;
  onChange(listener: (symbol: string) => void): void;
}

class VenueSide {
  readonly levels = new Map<number, number>();
  best = Number.NaN;

  constructor(private readonly isBid: boolean) {}

  set(price: number, qty: number): void {
    if (qty > 0) {
      this.levels.set(price, qty);
      if (Number.isNaN(this.best) || (this.isBid ? price > this.best : price < this.best)) this.best = price;
      return;
    }
    this.levels.delete(price);
    if (price === this.best) this.best = this.recompute();
  }

  reset(levels: readonly DepthLevel[]): void {
    this.levels.clear();
    for (const level of levels) if (level.qty > 0) this.levels.set(level.price, level.qty);
    this.best = this.recompute();
  }

  private recompute(): number {
    let best = Number.NaN;
    for (const price of this.levels.keys()) {
      if (Number.isNaN(best) || (this.isBid ? price > best : price < best)) best = price;
    }
    return best;
  }
}

export class ConsolidatedQuote implements QuoteSource {
  /** symbol -> venue -> [bids, asks] */
  private readonly books = new Map<string, Map<string, [VenueSide, VenueSide]>>();
  private readonly quotes = new Map<string, Nbbo>();
  private readonly listeners: ((symbol: string) => void)[] = [];

  nbbo(symbol: string): Nbbo {
    return this.quotes.get(symbol) ?? { bid: Number.NaN, ask: Number.NaN };
  }

  onChange(listener: (symbol: string) => void): void {
    this.listeners.push(listener);
  }

  onMarketData(event: MarketDataEvent): void {
    if (event.type === "trade") return;
    const sides = this.venueBook(event.symbol, event.venueId);
    if (event.type === "snapshot") {
      sides[0].reset(event.bids);
      sides[1].reset(event.asks);
    } else {
      sides[sideIndex(event.side)].set(event.price, event.qty);
    }
    this.refresh(event.symbol);
  }

  private venueBook(symbol: string, venueId: string): [VenueSide, VenueSide] {
    let venues = this.books.get(symbol);
    if (venues === undefined) {
      venues = new Map();
      this.books.set(symbol, venues);
    }
    let sides = venues.get(venueId);
    if (sides === undefined) {
      sides = [new VenueSide(true), new VenueSide(false)];
      venues.set(venueId, sides);
    }
    return sides;
  }

  private refresh(symbol: string): void {
    let bid = Number.NaN;
    let ask = Number.NaN;
    for (const [bids, asks] of this.books.get(symbol)?.values() ?? []) {
      if (Number.isNaN(bid) || bids.best > bid) bid = bids.best;
      if (Number.isNaN(ask) || asks.best < ask) ask = asks.best;
    }
    const previous = this.quotes.get(symbol);
    if (previous !== undefined && same(previous.bid, bid) && same(previous.ask, ask)) return;
    this.quotes.set(symbol, { bid, ask });
    for (const listener of this.listeners) listener(symbol);
  }
}

function sideIndex(side: Side): 0 | 1 {
  return side === "buy" ? 0 : 1;
}

function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
