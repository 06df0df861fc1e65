/**
 * The port's market data in FIX 4.4, for both ends (VenueFixServer writes, FixVenue reads):
 * - MarketDataRequest (V): MDReqID 262, SubscriptionRequestType 263 (1 snapshot + updates, 2 unsubscribe),
 *   MarketDepth 264 (0 = full book), MDUpdateType 265 (1 incremental), NoMDEntryTypes 267 / MDEntryType 269
 *   (0 bid, 1 offer, 2 trade), NoRelatedSym 146 / Symbol 55. The venue answers with every instrument it trades (the
 *   port's `subscribe` has no symbol list), whatever the request lists;
 * - BookSnapshot -> MarketDataSnapshotFullRefresh (W): MDReqID, Symbol, NoMDEntries 268 of MDEntryType 0/1,
 *   MDEntryPx 270, MDEntrySize 271 (shares), MDEntryDate 272 / MDEntryTime 273 (the venue's time, milliseconds);
 * - DepthUpdate -> MarketDataIncrementalRefresh (X): one entry, MDUpdateAction 279 (0 new level, 1 change, 2 delete
 *   when the displayed quantity is 0), MDEntryType 0/1, Symbol, MDEntryPx, MDEntrySize;
 * - TradePrint -> X with MDEntryType 2 (trade), MDEntryPx, MDEntrySize, and Side 54 of the aggressor (absent for a dark
 *   midpoint cross). FIX 4.4 has no AggressorSide (1307 is FIX 5.0, beyond the 4.4 tags our dictionary accepts), hence
 *   Side in the entry: a deviation, documented in README "FIX venues";
 * - TradingSessionStatus (h): TradingSessionID 336 "DAY", TradSesStatus 340 = 2 (open), sent after each subscription.
 *
 * Known limits: no MarketDataRequestReject reasons beyond 4 (unsupported SubscriptionRequestType); prices and sizes
 * are exact decimals of the instrument; entry times have millisecond resolution.
 */
import type { FixMessage } from "../../fix/codec.js";
import { formatUtcTimestamp, parseUtcTimestamp } from "../../fix/fix-time.js";
import type { FixField } from "../../fix/session.js";
import type { Instrument } from "../../model/instrument.js";
import type { DepthLevel, MarketDataEvent } from "../../model/market-data.js";
import type { Side } from "../../model/order-types.js";
import { formatLots, formatUnits, parseLots, parseUnits, SIDE_CODE, SIDE_OF } from "./fix-order-tags.js";

export const MdTag = {
  Symbol: 55,
  Side: 54,
  NoRelatedSym: 146,
  MDReqID: 262,
  SubscriptionRequestType: 263,
  MarketDepth: 264,
  MDUpdateType: 265,
  NoMDEntryTypes: 267,
  NoMDEntries: 268,
  MDEntryType: 269,
  MDEntryPx: 270,
  MDEntrySize: 271,
  MDEntryDate: 272,
  MDEntryTime: 273,
  MDUpdateAction: 279,
  MDReqRejReason: 281,
  TradingSessionID: 336,
  TradSesStatus: 340,
} as const;

export const MdMsgType = {
  MarketDataRequest: "V",
  MarketDataSnapshotFullRefresh: "W",
  MarketDataIncrementalRefresh: "X",
  MarketDataRequestReject: "Y",
  TradingSessionStatus: "h",
} as const;

const ENTRY_BID = "0";
const ENTRY_OFFER = "1";
const ENTRY_TRADE = "2";

/** The fields of a MarketDataRequest for snapshot + incremental updates of the full book and trades. */
export function marketDataRequest(mdReqId: string, symbols: readonly string[]): FixField[] {
  return [
    [MdTag.MDReqID, mdReqId],
    [MdTag.SubscriptionRequestType, "1"],
    [MdTag.MarketDepth, 0],
    [MdTag.MDUpdateType, 1],
    [MdTag.NoMDEntryTypes, 3],
    [MdTag.MDEntryType, ENTRY_BID],
    [MdTag.MDEntryType, ENTRY_OFFER],
    [MdTag.MDEntryType, ENTRY_TRADE],
    [MdTag.NoRelatedSym, symbols.length],
    ...symbols.map((symbol): FixField => [MdTag.Symbol, symbol]),
  ];
}

function entryTime(micros: number): FixField[] {
  const stamp = formatUtcTimestamp(micros);
  return [
    [MdTag.MDEntryDate, stamp.slice(0, 8)],
    [MdTag.MDEntryTime, stamp.slice(9)],
  ];
}

/** W for a snapshot. */
export function snapshotFields(mdReqId: string, instrument: Instrument, event: MarketDataEvent): FixField[] {
  if (event.type !== "snapshot") return [];
  const entries: FixField[] = [];
  const add = (type: string, level: DepthLevel): void => {
    entries.push(
      [MdTag.MDEntryType, type],
      [MdTag.MDEntryPx, formatUnits(instrument, level.price)],
      [MdTag.MDEntrySize, formatLots(instrument, level.qty)],
      ...entryTime(event.time),
    );
  };
  for (const level of event.bids) add(ENTRY_BID, level);
  for (const level of event.asks) add(ENTRY_OFFER, level);
  return [
    [MdTag.MDReqID, mdReqId],
    [MdTag.Symbol, event.symbol],
    [MdTag.NoMDEntries, event.bids.length + event.asks.length],
    ...entries,
  ];
}

/** X for a depth update (`known`: the level was there before) or a trade print. */
export function incrementalFields(
  mdReqId: string,
  instrument: Instrument,
  event: MarketDataEvent,
  known: boolean,
): FixField[] {
  const head: FixField[] = [
    [MdTag.MDReqID, mdReqId],
    [MdTag.NoMDEntries, 1],
  ];
  if (event.type === "depth") {
    const action = event.qty === 0 ? "2" : known ? "1" : "0";
    return [
      ...head,
      [MdTag.MDUpdateAction, action],
      [MdTag.MDEntryType, event.side === "buy" ? ENTRY_BID : ENTRY_OFFER],
      [MdTag.Symbol, event.symbol],
      [MdTag.MDEntryPx, formatUnits(instrument, event.price)],
      [MdTag.MDEntrySize, formatLots(instrument, event.qty)],
      ...entryTime(event.time),
    ];
  }
  if (event.type === "trade") {
    const fields: FixField[] = [
      ...head,
      [MdTag.MDUpdateAction, "0"],
      [MdTag.MDEntryType, ENTRY_TRADE],
      [MdTag.Symbol, event.symbol],
      [MdTag.MDEntryPx, formatUnits(instrument, event.price)],
      [MdTag.MDEntrySize, formatLots(instrument, event.qty)],
      ...entryTime(event.time),
    ];
    if (event.aggressor !== null) fields.push([MdTag.Side, SIDE_CODE[event.aggressor]]);
    return fields;
  }
  return [];
}

/** The entries of the NoMDEntries group of `m`, each as a tag -> value map (first occurrence wins). */
function entries(m: FixMessage, delimiter: number): Map<number, string>[] {
  const out: Map<number, string>[] = [];
  let current: Map<number, string> | null = null;
  let inGroup = false;
  for (let i = 0; i < m.tags.length; i++) {
    const tag = m.tags[i] as number;
    const value = m.values[i] as string;
    if (tag === MdTag.NoMDEntries) {
      inGroup = true;
      continue;
    }
    if (!inGroup || tag === 10) continue;
    if (tag === delimiter) {
      current = new Map();
      out.push(current);
    }
    if (current !== null && !current.has(tag)) current.set(tag, value);
  }
  return out;
}

function timeOf(entry: Map<number, string>, fallback: number): number {
  const date = entry.get(MdTag.MDEntryDate);
  const time = entry.get(MdTag.MDEntryTime);
  if (date === undefined || time === undefined) return fallback;
  const micros = parseUtcTimestamp(`${date}-${time}`);
  return Number.isNaN(micros) ? fallback : micros;
}

/**
 * The port's events in a W or X from `venueId`; entries of unknown instruments, types or malformed numbers are
 * skipped (reported through `skipped`).
 */
export function decodeMarketData(
  m: FixMessage,
  venueId: string,
  instruments: ReadonlyMap<string, Instrument>,
  now: number,
  skipped: (why: string) => void,
): MarketDataEvent[] {
  if (m.msgType === MdMsgType.MarketDataSnapshotFullRefresh) {
    const symbol = m.get(MdTag.Symbol) ?? "";
    const instrument = instruments.get(symbol);
    if (instrument === undefined) {
      skipped(`snapshot of unknown symbol ${symbol}`);
      return [];
    }
    const bids: DepthLevel[] = [];
    const asks: DepthLevel[] = [];
    let time = now;
    for (const entry of entries(m, MdTag.MDEntryType)) {
      const type = entry.get(MdTag.MDEntryType);
      const price = parseUnits(instrument, entry.get(MdTag.MDEntryPx));
      const qty = parseLots(instrument, entry.get(MdTag.MDEntrySize));
      if ((type !== ENTRY_BID && type !== ENTRY_OFFER) || !Number.isSafeInteger(price) || !(qty > 0)) {
        skipped(`snapshot entry ${type}/${entry.get(MdTag.MDEntryPx)}/${entry.get(MdTag.MDEntrySize)}`);
        continue;
      }
      (type === ENTRY_BID ? bids : asks).push({ price, qty });
      time = timeOf(entry, now);
    }
    bids.sort((a, b) => b.price - a.price);
    asks.sort((a, b) => a.price - b.price);
    return [{ type: "snapshot", venueId, symbol, bids, asks, time }];
  }
  const events: MarketDataEvent[] = [];
  for (const entry of entries(m, MdTag.MDUpdateAction)) {
    const symbol = entry.get(MdTag.Symbol) ?? m.get(MdTag.Symbol) ?? "";
    const instrument = instruments.get(symbol);
    const type = entry.get(MdTag.MDEntryType);
    const price = instrument === undefined ? Number.NaN : parseUnits(instrument, entry.get(MdTag.MDEntryPx));
    const action = entry.get(MdTag.MDUpdateAction);
    const size = entry.get(MdTag.MDEntrySize);
    const qty = action === "2" ? 0 : instrument === undefined ? Number.NaN : parseLots(instrument, size);
    if (instrument === undefined || !Number.isSafeInteger(price) || !Number.isSafeInteger(qty) || qty < 0) {
      skipped(`incremental entry ${symbol}/${type}/${entry.get(MdTag.MDEntryPx)}/${size}`);
      continue;
    }
    const time = timeOf(entry, now);
    if (type === ENTRY_BID || type === ENTRY_OFFER) {
      const side: Side = type === ENTRY_BID ? "buy" : "sell";
      events.push({ type: "depth", venueId, symbol, side, price, qty, time });
    } else if (type === ENTRY_TRADE && qty > 0) {
      const aggressor = SIDE_OF.get(entry.get(MdTag.Side) ?? "") ?? null;
      events.push({ type: "trade", venueId, symbol, price, qty, aggressor, time });
    } else skipped(`incremental entry type ${type}`);
  }
  return events;
}
