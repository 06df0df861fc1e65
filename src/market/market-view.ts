/**
 * The engine's one view of the market: an `InstrumentView` per instrument, fed by every venue's market data. The
 * algorithms, the router and TCA read only this view and venue state, never a simulator's internals, so the same code
 * runs on simulated, replayed and live data. Times recorded are when the view learned of an event (its clock), which
 * is what the engine could have acted on, and which keeps the histories in order across venues with different
 * latencies.
 * Listeners hear about every change of an instrument's NBBO (price, size or venues at the touch).
 */
import type { Clock } from "../core/clock.js";
import type { MarketDataEvent } from "../model/market-data.js";
import type { MarketDataListener } from "../venue/venue.js";
import { EMPTY_NBBO, InstrumentView, type Nbbo } from "./instrument-view.js";

/** What a dark pool needs of the market: the NBBO and word of its changes. */
export interface QuoteSource {
  nbbo(symbol: string): Nbbo;
  onChange(listener: (symbol: string) => void): void;
}

export class MarketView implements MarketDataListener, QuoteSource {
  private readonly instruments = new Map<string, InstrumentView>();
  private readonly listeners: ((symbol: string) => void)[] = [];

  constructor(private readonly clock: Clock) {}

  /** The instrument's view, created empty on first use. */
  instrument(symbol: string): InstrumentView {
    let view = this.instruments.get(symbol);
    if (view === undefined) {
      view = new InstrumentView(symbol);
      this.instruments.set(symbol, view);
    }
    return view;
  }

  nbbo(symbol: string): Nbbo {
    return this.instruments.get(symbol)?.nbbo ?? EMPTY_NBBO;
  }

  onChange(listener: (symbol: string) => void): void {
    this.listeners.push(listener);
  }

  onMarketData(event: MarketDataEvent): void {
    if (!this.instrument(event.symbol).apply(event, this.clock.now())) return;
    for (const listener of this.listeners) listener(event.symbol);
  }
}
