/**
 * What a venue publishes: L2 depth (snapshots and per-level updates, displayed quantity only) and trade prints.
 * A dark pool publishes trade prints only (post-trade transparency, no pre-trade book).
 */
import type { Side } from "./order-types.js";

export interface DepthLevel {
  price: number;
  qty: number;
}

export interface BookSnapshot {
  type: "snapshot";
  venueId: string;
  symbol: string;
  bids: DepthLevel[];
  asks: DepthLevel[];
  time: number;
}

/** The displayed quantity now at one price level; 0 means the level is gone. */
export interface DepthUpdate {
  type: "depth";
  venueId: string;
  symbol: string;
  side: Side;
  price: number;
  qty: number;
  time: number;
}

export interface TradePrint {
  type: "trade";
  venueId: string;
  symbol: string;
  price: number;
  qty: number;
  /** The side that removed liquidity, or null for a dark midpoint cross. */
  aggressor: Side | null;
  time: number;
}

export type MarketDataEvent = BookSnapshot | DepthUpdate | TradePrint;
