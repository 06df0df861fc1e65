/**
 * Records the consolidated market into the journal as one-second bars (model/market-bar.ts), so that TCA can measure
 * markouts and VWAP benchmarks from the journal alone. It listens to the market view's NBBO changes; at each change it
 * reads the instrument's trade tape from where it last stopped, then the new quote, and hands every closed bar to
 * `record` (the engine kernel's `record`, which stamps seq and time and journals it). `finish()` closes the open bars
 * at the end of a run.
 * Invariants: it only reads the view and the clock; it schedules nothing and draws no random number, so the run's
 * orders and fills are the same with or without it (a seed still gives a byte-identical journal). Limits: prints that
 * arrive after an instrument's last NBBO change are picked up by `finish()`; bars are only as fine as a second.
 */
import type { Clock } from "../core/clock.js";
import type { MarketBar } from "../model/market-bar.js";
import { type BarContent, MarketBarBuilder } from "./market-bar-builder.js";

/** What the recorder reads of the consolidated market view (market/market-view.ts). */
export interface RecordableMarket {
  onChange(listener: (symbol: string) => void): void;
  instrument(symbol: string): {
    readonly nbbo: { readonly bid: number; readonly ask: number };
    readonly tape: { readonly length: number; at(i: number): { time: number; price: number; qty: number } };
  };
}

interface Recorded {
  readonly builder: MarketBarBuilder;
  /** Tape prints already read. */
  printsRead: number;
}

export class MarketBarRecorder {
  private readonly symbols = new Map<string, Recorded>();
  /** Bars recorded so far. */
  bars = 0;

  constructor(
    private readonly market: RecordableMarket,
    private readonly clock: Clock,
    private readonly record: (bar: MarketBar) => void,
  ) {
    market.onChange((symbol) => this.onQuote(symbol));
  }

  /** Closes every open bar (reading the prints not yet read); call once the run is over. */
  finish(): void {
    for (const [symbol, recorded] of this.symbols) {
      this.readPrints(symbol, recorded);
      recorded.builder.flush();
    }
  }

  private onQuote(symbol: string): void {
    let recorded = this.symbols.get(symbol);
    if (recorded === undefined) {
      recorded = { builder: new MarketBarBuilder(symbol, (bar) => this.emit(bar)), printsRead: 0 };
      this.symbols.set(symbol, recorded);
    }
    this.readPrints(symbol, recorded);
    const { bid, ask } = this.market.instrument(symbol).nbbo;
    recorded.builder.quote(this.clock.now(), bid, ask);
  }

  private readPrints(symbol: string, recorded: Recorded): void {
    const tape = this.market.instrument(symbol).tape;
    for (let i = recorded.printsRead; i < tape.length; i++) {
      const print = tape.at(i);
      recorded.builder.trade(print.time, print.price, print.qty);
    }
    recorded.printsRead = tape.length;
  }

  private emit(bar: BarContent): void {
    this.bars++;
    this.record({ ...bar, seq: 0, time: 0 });
  }
}
