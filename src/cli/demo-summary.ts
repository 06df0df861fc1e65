/**
 * What a demo run did, accumulated report by report: per venue (orders, rejects, executions, volume, fees, and per
 * instrument traded there: trades, volume, VWAP, time-weighted quoted spread) and per instrument (trades, volume,
 * VWAP, last price, closing NBBO, time-weighted NBBO spread, realised against configured volatility). One execution is
 * counted once, from its maker's side. Volumes in shares, fees in currency, spreads and volatilities are floats: this
 * is a summary for people, not order state. The client-order figures (`ClientSummary`) are counted by the demo from
 * the engine and passed in whole, and so is the transaction cost analysis of the run (src/tca/), printed last.
 */
import type { Nbbo } from "../market/instrument-view.js";
import type { ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import type { VenueSpec } from "../model/venue-spec.js";
import { formatTcaSummary, type TcaSummary } from "../tca/tca-summary.js";

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
  /** Per instrument traded here. */
  instruments: VenueInstrumentSummary[];
}

export interface VenueInstrumentSummary {
  symbol: string;
  trades: number;
  volumeShares: number;
  vwap: string | null;
  /** Time-weighted quoted spread of this venue's own book, in ticks and basis points of the VWAP; null when dark. */
  averageSpreadTicks: number | null;
  averageSpreadBps: number | null;
}

export interface InstrumentSummary {
  symbol: string;
  trades: number;
  volumeShares: number;
  vwap: string | null;
  last: string | null;
  closingBid: string | null;
  closingAsk: string | null;
  /** Time-weighted NBBO spread, in ticks and basis points of the VWAP. */
  averageSpreadTicks: number | null;
  averageSpreadBps: number | null;
  /** Annualised, from 5-minute NBBO midpoint returns; null for a session under 10 minutes. */
  realisedVolatility: number | null;
  configuredVolatility: number;
}

/** Price statistics measured from market data (see demo-market-stats.ts), in price units. */
export interface PriceStatsSource {
  venueSpread(venueId: string, symbol: string): number;
  nbboSpread(symbol: string): number;
  realisedVolatility(symbol: string): number;
}

/** What happened to the client orders: intake, aggregation, crossing, execution and allocation. */
export interface ClientSummary {
  /** "generated", or the order file. */
  orderSource: string;
  sent: number;
  accepted: number;
  rejected: number;
  /** Refusals by reason code. */
  rejectReasons: Record<string, number>;
  filled: number;
  partiallyFilled: number;
  unfilled: number;
  parents: number;
  childrenSent: number;
  /** Parent executions (fills.csv rows), of which internal (both sides of each cross). */
  fills: number;
  internalFills: number;
  allocations: number;
  crosses: number;
  /** Crossed quantity (each cross once), its value at the cross prices, and what both sides saved (currency). */
  crossedShares: number;
  crossedNotional: number;
  crossSaving: number;
  /** The firm's over-fill positions: parents whose children filled beyond their orders, shares, notional. */
  overFills: { parents: number; shares: number; notional: number };
  /** Client execution reports sent. */
  executionReports: number;
  /** The reconciliation of orders.csv, fills.csv and allocations.csv. */
  reconciled: string;
}

export interface DemoSummary {
  seed: number;
  start: string;
  end: string;
  /** Where the intraday activity profile came from. */
  volumeProfile: string;
  /** Scheduler events processed (orders, reports, market data, timers). */
  events: number;
  reports: number;
  venues: VenueSummary[];
  instruments: InstrumentSummary[];
  clientOrders: ClientSummary;
  /** sha256 of every execution report (venue and client) in delivery order: equal for equal seeds. */
  fingerprint: string;
  /** The audit journal written, when there is one: its file, events and last hash. */
  journal?: { path: string; events: number; headHash: string };
  /** Transaction cost analysis of the client orders (absent on a run without them). */
  tca?: TcaSummary;
}

interface InstrumentTally {
  trades: number;
  lots: number;
  notionalUnits: number;
  last: number;
}

export class DemoTally {
  private readonly venues = new Map<string, Omit<VenueSummary, "instruments">>();
  private readonly instruments = new Map<string, InstrumentTally>();
  /** venue id -> symbol -> tally, in venue and reference-data order. */
  private readonly venueInstruments = new Map<string, Map<string, InstrumentTally>>();
  reports = 0;

  constructor(
    venues: readonly VenueSpec[],
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
      const here = new Map<string, InstrumentTally>();
      for (const symbol of instrumentData.keys()) {
        if (venue.instruments.includes(symbol)) here.set(symbol, emptyTally());
      }
      this.venueInstruments.set(venue.id, here);
    }
    for (const symbol of instrumentData.keys()) {
      this.instruments.set(symbol, emptyTally());
    }
  }

  add(report: ExecutionReport): void {
    this.reports++;
    const venue = this.venues.get(report.venueId) as Omit<VenueSummary, "instruments">;
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
        count(this.instruments.get(report.symbol) as InstrumentTally, report);
        const here = this.venueInstruments.get(report.venueId)?.get(report.symbol);
        if (here !== undefined) count(here, report);
        break;
      }
      default:
        break;
    }
  }

  summary(
    run: { seed: number; start: string; end: string; volumeProfile: string; events: number; fingerprint: string },
    closing: (symbol: string) => Nbbo,
    stats: PriceStatsSource,
    clientOrders: ClientSummary,
  ): DemoSummary {
    const price = (instrument: Instrument, units: number): string | null =>
      Number.isFinite(units) ? instrument.formatPrice(Math.round(units)) : null;
    const vwapOf = (tally: InstrumentTally): number => (tally.lots > 0 ? tally.notionalUnits / tally.lots : Number.NaN);
    const spread = (instrument: Instrument, units: number, reference: number) => ({
      averageSpreadTicks: Number.isFinite(units) ? round(units / instrument.tickUnits, 3) : null,
      averageSpreadBps: Number.isFinite(units) && reference > 0 ? round((units / reference) * 10_000, 2) : null,
    });
    const reference = (instrument: Instrument, tally: InstrumentTally): number => {
      const vwap = vwapOf(tally);
      return Number.isFinite(vwap) ? vwap : instrument.referencePriceUnits;
    };
    const instruments: InstrumentSummary[] = [];
    for (const [symbol, tally] of this.instruments) {
      const instrument = this.instrumentData.get(symbol) as Instrument;
      const quote = closing(symbol);
      const vol = stats.realisedVolatility(symbol);
      instruments.push({
        symbol,
        trades: tally.trades,
        volumeShares: instrument.quantityToShares(tally.lots),
        vwap: price(instrument, vwapOf(tally)),
        last: price(instrument, tally.last),
        closingBid: price(instrument, quote.bid),
        closingAsk: price(instrument, quote.ask),
        ...spread(instrument, stats.nbboSpread(symbol), reference(instrument, tally)),
        realisedVolatility: Number.isFinite(vol) ? round(vol, 4) : null,
        configuredVolatility: instrument.annualVolatility,
      });
    }
    const venues: VenueSummary[] = [...this.venues.values()].map((v) => {
      const here = this.venueInstruments.get(v.id) ?? new Map<string, InstrumentTally>();
      return {
        ...v,
        fees: round(v.fees, 2),
        instruments: [...here].map(([symbol, tally]) => {
          const instrument = this.instrumentData.get(symbol) as Instrument;
          const ref = reference(instrument, this.instruments.get(symbol) as InstrumentTally);
          return {
            symbol,
            trades: tally.trades,
            volumeShares: instrument.quantityToShares(tally.lots),
            vwap: price(instrument, vwapOf(tally)),
            ...(v.kind === "lit"
              ? spread(instrument, stats.venueSpread(v.id, symbol), ref)
              : { averageSpreadTicks: null, averageSpreadBps: null }),
          };
        }),
      };
    });
    return {
      seed: run.seed,
      start: run.start,
      end: run.end,
      volumeProfile: run.volumeProfile,
      events: run.events,
      reports: this.reports,
      venues,
      instruments,
      clientOrders,
      fingerprint: run.fingerprint,
    };
  }
}

function emptyTally(): InstrumentTally {
  return { trades: 0, lots: 0, notionalUnits: 0, last: Number.NaN };
}

function count(tally: InstrumentTally, report: ExecutionReport): void {
  tally.trades++;
  tally.lots += report.lastQty;
  tally.notionalUnits += report.lastQty * report.lastPx;
  tally.last = report.lastPx;
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** The summary as a fixed-width table for a terminal. */
export function formatSummary(summary: DemoSummary): string {
  const lines: string[] = [];
  const row = (cells: (string | number)[], widths: number[]): string =>
    cells.map((c, i) => String(c).padStart(widths[i] ?? 10)).join("  ");
  const shares = (n: number): string => Math.round(n).toLocaleString("en-US");
  const fixed = (n: number | null, digits: number): string => (n === null ? "-" : n.toFixed(digits));
  lines.push(`Tributary demo  seed ${summary.seed}  ${summary.start} -> ${summary.end}`);
  lines.push(`volume profile: ${summary.volumeProfile}`);
  lines.push("");
  const vw = [6, 5, 9, 9, 9, 11, 14, 16, 12];
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
          shares(v.volumeShares),
          Math.round(v.notional).toLocaleString("en-US"),
          v.fees.toFixed(2),
        ],
        vw,
      ),
    );
  }
  lines.push("");
  const pw = [6, 6, 8, 14, 10, 13, 12];
  lines.push(row(["venue", "symbol", "trades", "volume (sh)", "vwap", "spread (tk)", "spread (bp)"], pw));
  for (const v of summary.venues) {
    for (const i of v.instruments) {
      lines.push(
        row(
          [
            v.id,
            i.symbol,
            i.trades,
            shares(i.volumeShares),
            i.vwap ?? "-",
            fixed(i.averageSpreadTicks, 2),
            fixed(i.averageSpreadBps, 2),
          ],
          pw,
        ),
      );
    }
  }
  lines.push("");
  const iw = [6, 8, 14, 10, 10, 10, 10, 11, 11, 10, 10];
  lines.push(
    row(
      ["symbol", "trades", "volume (sh)", "vwap", "last", "bid", "ask", "spread (tk)", "spread (bp)", "vol", "vol cfg"],
      iw,
    ),
  );
  for (const i of summary.instruments) {
    lines.push(
      row(
        [
          i.symbol,
          i.trades,
          shares(i.volumeShares),
          i.vwap ?? "-",
          i.last ?? "-",
          i.closingBid ?? "-",
          i.closingAsk ?? "-",
          fixed(i.averageSpreadTicks, 2),
          fixed(i.averageSpreadBps, 2),
          i.realisedVolatility === null ? "-" : `${(i.realisedVolatility * 100).toFixed(1)}%`,
          `${(i.configuredVolatility * 100).toFixed(1)}%`,
        ],
        iw,
      ),
    );
  }
  lines.push("");
  const c = summary.clientOrders;
  const n = (x: number): string => x.toLocaleString("en-US");
  lines.push(
    `client orders (${c.orderSource}): ${n(c.sent)} sent, ${n(c.accepted)} accepted, ${n(c.rejected)} rejected`,
  );
  lines.push(
    `  ${n(c.filled)} filled, ${n(c.partiallyFilled)} partially filled, ${n(c.unfilled)} unfilled; ` +
      `${n(c.parents)} parents, ${n(c.childrenSent)} child orders sent`,
  );
  lines.push(
    `  ${n(c.fills)} fills (${n(c.internalFills)} internal), ${n(c.allocations)} allocations, ` +
      `${n(c.executionReports)} execution reports`,
  );
  lines.push(
    `  internal crosses: ${n(c.crosses)}, ${shares(c.crossedShares)} sh, notional ${Math.round(c.crossedNotional).toLocaleString("en-US")}, ` +
      `saving ${c.crossSaving.toFixed(2)}`,
  );
  if (c.overFills.parents > 0)
    lines.push(
      `  over-fill positions (the firm's, to unwind): ${n(c.overFills.parents)} parents, ${shares(c.overFills.shares)} sh, ` +
        `notional ${Math.round(c.overFills.notional).toLocaleString("en-US")}`,
    );
  const reasons = Object.entries(c.rejectReasons);
  if (reasons.length > 0) lines.push(`  rejected: ${reasons.map(([r, k]) => `${r} ${n(k)}`).join(", ")}`);
  lines.push(`  ${c.reconciled}`);
  if (summary.journal !== undefined)
    lines.push(
      `journal: ${summary.journal.path}, ${n(summary.journal.events)} events, head ${summary.journal.headHash}`,
    );
  lines.push("");
  lines.push(
    `${summary.events.toLocaleString("en-US")} events, ${summary.reports.toLocaleString("en-US")} execution reports; ` +
      `fingerprint ${summary.fingerprint}`,
  );
  if (summary.tca !== undefined) lines.push("", formatTcaSummary(summary.tca).trimEnd());
  return lines.join("\n");
}
