/**
 * What a demo run did, accumulated report by report: per venue (orders, rejects, executions, volume, fees) and per
 * instrument (trades, volume, VWAP, last price, closing NBBO). One execution is counted once, from its maker's side.
 * Volumes in shares and fees in currency are floats: this is a summary for people, not order state.
 */
import type { Nbbo } from "../market/consolidated-quote.js";
import type { ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import type { Venue } from "../venue/venue.js";

export interface VenueSummary {
  id: string;
  kind: string;
  orders: number;
  rejected: number;
  canceled: number;
  executions: number;
  volumeShares: number;
  notional: number;
  fees: number;
}

export interface InstrumentSummary {
  symbol: string;
  trades: number;
  volumeShares: number;
  vwap: string | null;
  last: string | null;
  closingBid: string | null;
  closingAsk: string | null;
}

export interface DemoSummary {
  seed: number;
  start: string;
  end: string;
  reports: number;
  venues: VenueSummary[];
  instruments: InstrumentSummary[];
  /** sha256 of every execution report in delivery order: equal for equal seeds. */
  fingerprint: string;
}

interface InstrumentTally {
  trades: number;
  lots: number;
  notionalUnits: number;
  last: number;
}

export class DemoTally {
  private readonly venues = new Map<string, VenueSummary>();
  private readonly instruments = new Map<string, InstrumentTally>();
  reports = 0;

  constructor(
    venues: readonly Venue[],
    private readonly instrumentData: ReadonlyMap<string, Instrument>,
  ) {
    for (const venue of venues) {
      this.venues.set(venue.id, {
        id: venue.id,
        kind: venue.kind,
        orders: 0,
        rejected: 0,
        canceled: 0,
        executions: 0,
        volumeShares: 0,
        notional: 0,
        fees: 0,
      });
    }
    for (const symbol of instrumentData.keys()) {
      this.instruments.set(symbol, { trades: 0, lots: 0, notionalUnits: 0, last: Number.NaN });
    }
  }

  add(report: ExecutionReport): void {
    this.reports++;
    const venue = this.venues.get(report.venueId) as VenueSummary;
    const instrument = this.instrumentData.get(report.symbol) as Instrument;
    switch (report.execType) {
      case "new":
        venue.orders++;
        break;
      case "rejected":
        venue.orders++;
        venue.rejected++;
        break;
      case "canceled":
        venue.canceled++;
        break;
      case "trade": {
        venue.fees += report.feeMicros / 1e6;
        if (report.liquidity !== "maker") break;
        const shares = instrument.quantityToShares(report.lastQty);
        venue.executions++;
        venue.volumeShares += shares;
        venue.notional += shares * instrument.priceToNumber(report.lastPx);
        const tally = this.instruments.get(report.symbol) as InstrumentTally;
        tally.trades++;
        tally.lots += report.lastQty;
        tally.notionalUnits += report.lastQty * report.lastPx;
        tally.last = report.lastPx;
        break;
      }
      default:
        break;
    }
  }

  summary(
    seed: number,
    start: string,
    end: string,
    fingerprint: string,
    closing: (symbol: string) => Nbbo,
  ): DemoSummary {
    const price = (instrument: Instrument, units: number): string | null =>
      Number.isFinite(units) ? instrument.formatPrice(Math.round(units)) : null;
    const instruments: InstrumentSummary[] = [];
    for (const [symbol, tally] of this.instruments) {
      const instrument = this.instrumentData.get(symbol) as Instrument;
      const quote = closing(symbol);
      instruments.push({
        symbol,
        trades: tally.trades,
        volumeShares: instrument.quantityToShares(tally.lots),
        vwap: tally.lots > 0 ? price(instrument, tally.notionalUnits / tally.lots) : null,
        last: price(instrument, tally.last),
        closingBid: price(instrument, quote.bid),
        closingAsk: price(instrument, quote.ask),
      });
    }
    return {
      seed,
      start,
      end,
      reports: this.reports,
      venues: [...this.venues.values()].map((v) => ({ ...v, fees: Math.round(v.fees * 100) / 100 })),
      instruments,
      fingerprint,
    };
  }
}

/** The summary as a fixed-width table for a terminal. */
export function formatSummary(summary: DemoSummary): string {
  const lines: string[] = [];
  const row = (cells: (string | number)[], widths: number[]): string =>
    cells.map((c, i) => String(c).padStart(widths[i] ?? 10)).join("  ");
  const vw = [6, 5, 9, 9, 9, 11, 14, 16, 12];
  lines.push(`Tributary demo  seed ${summary.seed}  ${summary.start} -> ${summary.end}`);
  lines.push("");
  lines.push(
    row(["venue", "kind", "orders", "rejected", "canceled", "executions", "volume (sh)", "notional", "fees"], vw),
  );
  for (const v of summary.venues) {
    lines.push(
      row(
        [
          v.id,
          v.kind,
          v.orders,
          v.rejected,
          v.canceled,
          v.executions,
          Math.round(v.volumeShares).toLocaleString("en-US"),
          Math.round(v.notional).toLocaleString("en-US"),
          v.fees.toFixed(2),
        ],
        vw,
      ),
    );
  }
  lines.push("");
  const iw = [6, 8, 14, 10, 10, 10, 10];
  lines.push(row(["symbol", "trades", "volume (sh)", "vwap", "last", "bid", "ask"], iw));
  for (const i of summary.instruments) {
    lines.push(
      row(
        [
          i.symbol,
          i.trades,
          Math.round(i.volumeShares).toLocaleString("en-US"),
          i.vwap ?? "-",
          i.last ?? "-",
          i.closingBid ?? "-",
          i.closingAsk ?? "-",
        ],
        iw,
      ),
    );
  }
  lines.push("");
  lines.push(`${summary.reports.toLocaleString("en-US")} execution reports; fingerprint ${summary.fingerprint}`);
  return lines.join("\n");
}
