/**
 * The one port every venue implements: the simulated lit book, the simulated dark pool and (later) a FIX venue.
 * A participant opens an order-entry session and gets execution reports for its own orders on it; anyone may subscribe
 * to market data. Everything crosses the port asynchronously: requests and reports travel with the venue's latency.
 * One contract suite (test/venue-contract.ts) runs against every implementation.
 */
import type { CancelReject, ExecutionReport } from "../model/execution-report.js";
import type { MarketDataEvent } from "../model/market-data.js";
import type { OrdType, Side, TimeInForce } from "../model/order-types.js";
import type { VenueKind, VenueSpec } from "../model/venue-spec.js";

export interface NewOrderRequest {
  clOrdId: string;
  account: string;
  symbol: string;
  side: Side;
  ordType: OrdType;
  timeInForce: TimeInForce;
  /** Lots. */
  orderQty: number;
  /** Limit price in price units; null for market orders (in a dark pool: a midpoint peg without a cap). */
  price: number | null;
  /** Rejected as taker-would-be when it would remove liquidity (lit venues). */
  postOnly: boolean;
  /** Displayed quantity: null shows everything, 0 is a hidden order, less than orderQty an iceberg (lit venues). */
  displayQty: number | null;
  /** Minimum quantity of any one execution (dark pools); null for none. */
  minQty: number | null;
}

export interface CancelRequest {
  clOrdId: string;
  origClOrdId: string;
  symbol: string;
}

export interface ReplaceRequest {
  clOrdId: string;
  origClOrdId: string;
  symbol: string;
  /** The new total order quantity (FIX OrderQty), cumulative executed quantity included. */
  orderQty: number;
  price: number | null;
}

export interface OrderEntryListener {
  onExecutionReport(report: ExecutionReport): void;
  onCancelReject(reject: CancelReject): void;
}

export interface OrderEntrySession {
  submit(order: NewOrderRequest): void;
  cancel(request: CancelRequest): void;
  replace(request: ReplaceRequest): void;
}

export interface MarketDataListener {
  onMarketData(event: MarketDataEvent): void;
}

export interface Venue {
  readonly id: string;
  readonly kind: VenueKind;
  /** The reference data the venue was configured from: what it trades, accepts and charges. */
  readonly spec: VenueSpec;
  connect(listener: OrderEntryListener): OrderEntrySession;
  /**
   * Subscribes to every instrument the venue trades: a lit venue sends an L2 snapshot of each first, then depth updates
   * and trade prints; a dark pool sends trade prints only.
   */
  subscribe(listener: MarketDataListener): void;
}
