/**
 * What the demo summary says about prices over the session [start, end), read from the consolidated `MarketView` as
 * any observer of market data would see it: the time-weighted quoted spread of each lit venue's own best bid and offer
 * and of the NBBO, and the realised volatility of the NBBO midpoint sampled every 5 minutes. Floats: analytics.
 * Known limit: realised volatility needs at least two samples (a session of 5 minutes or more); NaN otherwise.
 */
import { MICROS_PER_SECOND } from "../core/clock.js";
import type { MarketView } from "../market/market-view.js";

export const VOLATILITY_SAMPLE_SECONDS = 300;

export class DemoMarketStats {
  constructor(
    private readonly market: MarketView,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** Time-weighted quoted spread of one venue's own book, price units (NaN when never two-sided). */
  venueSpread(venueId: string, symbol: string): number {
    return this.market.instrument(symbol).venueHistory(venueId).averageSpread(this.start, this.end);
  }

  /** Time-weighted NBBO spread, price units. */
  nbboSpread(symbol: string): number {
    return this.market.instrument(symbol).quotes.averageSpread(this.start, this.end);
  }

  /** Annualised realised volatility of the NBBO midpoint from 5-minute log returns (the first sample 1 s in). */
  realisedVolatility(symbol: string): number {
    const first = this.start + MICROS_PER_SECOND;
    return this.market
      .instrument(symbol)
      .quotes.realisedVolatility(first, this.end, VOLATILITY_SAMPLE_SECONDS * MICROS_PER_SECOND);
  }
}
