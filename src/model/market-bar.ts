/**
 * One second of one instrument's consolidated market, as the engine saw it: the event TCA reads for everything that
 * needs the market (mid at a time, markouts, interval and full-day VWAP, participation), so that TCA reads only the
 * journal. Recorded by tca/market-bar-recorder.ts from the consolidated market view.
 *
 * A bar covers [barStart, barStart + 1 s) of the view's clock (µs) and exists only for a second with activity (a trade
 * print or an NBBO change); between bars the quote is the previous bar's close. `bid`/`ask` are the NBBO at the bar's
 * close, price units, null for a side with no quote. `volume` (lots) and `notional` (price units x lots, float) sum every
 * market print of the second, lit and dark, our own fills included (they are market volume); internal crosses are not
 * prints. So the VWAP of any run of seconds is sum(notional) / sum(volume) over its bars.
 * `seq` and `time` are the kernel's: `time` is when the bar was recorded (after it closed), not `barStart`.
 */

export interface MarketBar {
  readonly type: "market-bar";
  readonly seq: number;
  readonly time: number;
  readonly symbol: string;
  /** Start of the second the bar covers, µs since the epoch (a whole second). */
  readonly barStart: number;
  readonly bid: number | null;
  readonly ask: number | null;
  /** Market prints in the second. */
  readonly trades: number;
  readonly volume: number;
  readonly notional: number;
}
