/**
 * The one port every venue implements: the simulated lit book, the simulated dark pool and a FIX venue.
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

/**
 * An order this participant placed at the venue before a restart of its own process (rebuilt from its journal), for a
 * venue that outlives the participant (FIX): the venue session tracks it again, so that its reports (resent ones
 * included) reach the participant and its status is asked for on the next logon.
 */
export interface ResumedOrder {
  /** The ClOrdID the venue last confirmed for the order, and every ClOrdID it has had (replaces in flight included). */
  readonly clOrdId: string;
  readonly clOrdIds: readonly string[];
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  readonly ordType: OrdType;
  readonly timeInForce: TimeInForce;
  readonly orderQty: number;
  readonly price: number | null;
  /** Lots executed as the participant knows it (a report up to this CumQty is one it has already applied). */
  readonly cumQty: number;
  /** Average price of those lots, price units. */
  readonly avgPx: number;
}

export interface OrderEntryListener {
  onExecutionReport(report: ExecutionReport): void;
  onCancelReject(reject: CancelReject): void;
}

export interface OrderEntrySession {
  submit(order: NewOrderRequest): void;
  cancel(request: CancelRequest): void;
  replace(request: ReplaceRequest): void;
  /** Tracks an order placed before a restart (venues that outlive us: FIX); absent where orders die with the process. */
  resume?(order: ResumedOrder): void;
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
  /**
   * Venues reached over a connection (FIX) tell when it drops (false) and when it is back, logged on (true), so the
   * router keeps away meanwhile; absent: the venue is always reachable.
   */
  onConnectionChange?(listener: (connected: boolean) => void): void;
}
