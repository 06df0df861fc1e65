/**
 * The rows of a TCA report, as the JSON output, the CSV files and the HTML report carry them: one per fill, per
 * parent, per client order, and aggregates per venue, per routing logic (the router's logic that sent the child:
 * sequential, spray, ...), per tactic (the child's order type: passive, midpoint, aggressive) and per strategy (the
 * parent's algorithm), plus internal crossing and run totals.
 * Units: quantities in shares, prices and fees in the currency, times ISO-8601 UTC, `...Bps` in basis points; a
 * number that cannot be measured (no quote, no volume, nothing executed) is null. Sign conventions (README
 * "Transaction cost analysis"): shortfall, its parts, slippage and spreads are costs (+ = worse for the client);
 * performance and markouts are gains (+ = better).
 */

/** The strategy key of a parent that never started an algorithm. */
export const NO_ALGO = "none";
/** The routing-logic key of a child order no routing decision names. */
export const NO_LOGIC = "none";

/** Horizons of the markout columns, seconds (markouts.ts MARKOUT_HORIZONS_SECONDS). */
export interface Markouts {
  readonly markout1sBps: number | null;
  readonly markout5sBps: number | null;
  readonly markout30sBps: number | null;
  readonly markout60sBps: number | null;
  readonly markout300sBps: number | null;
}

export interface FillRow extends Markouts {
  readonly fillId: number;
  readonly parentId: number;
  /** Null for an internal cross. */
  readonly childId: string | null;
  readonly time: string;
  readonly symbol: string;
  readonly side: string;
  readonly venue: string;
  /** The child's order type (passive / midpoint / aggressive); null for an internal cross. */
  readonly tactic: string | null;
  /** The router's logic that sent the child; null for a cross or a child no routing decision names. */
  readonly routingLogic: string | null;
  readonly algo: string | null;
  readonly liquidity: string | null;
  readonly qty: number;
  readonly price: number;
  /** Negative for a rebate. */
  readonly fee: number;
  /** The mid when the fill happened. */
  readonly mid: number | null;
  /** The market VWAP from the parent's start to the fill (the benchmark at the time). */
  readonly benchmarkVwap: number | null;
  /** Against benchmarkVwap: + = bought below / sold above it. */
  readonly performanceBps: number | null;
  readonly effectiveSpreadBps: number | null;
  readonly realisedSpreadBps: number | null;
}

/** Shortfall and benchmarks shared by parents and client orders. */
export interface CostColumns {
  readonly side: string;
  readonly symbol: string;
  readonly algo: string | null;
  readonly orderQty: number;
  readonly executedQty: number;
  readonly fills: number;
  readonly avgPrice: number | null;
  readonly arrivalTime: string;
  readonly endTime: string;
  /** Perold's decision price: the mid at arrival. */
  readonly arrivalPrice: number | null;
  /** The mid when trading started (the algorithm's arrival mid). */
  readonly startPrice: number | null;
  /** The mid at the end, which the unexecuted rest is valued at. */
  readonly endPrice: number | null;
  readonly fees: number;
  readonly shortfallBps: number | null;
  readonly delayBps: number | null;
  readonly tradingBps: number | null;
  readonly opportunityBps: number | null;
  readonly feeBps: number | null;
  /** Market VWAP over the order's life (arrival to end). */
  readonly intervalVwap: number | null;
  readonly intervalVwapSlippageBps: number | null;
  readonly dayVwap: number | null;
  readonly dayVwapSlippageBps: number | null;
  /** Shares executed at venues / market volume over the order's life. */
  readonly participation: number | null;
  /** Executed minus scheduled, percent of the quantity, over the algorithm's window: root mean square and worst. */
  readonly scheduleRmsPct: number | null;
  readonly scheduleMaxPct: number | null;
}

export interface ParentRow extends CostColumns {
  readonly parentId: number;
  readonly urgency: string | null;
  readonly orders: number;
  readonly internalQty: number;
}

export interface OrderRow extends CostColumns {
  readonly orderId: number;
  readonly clOrdId: string;
  readonly source: string;
  readonly account: string;
  readonly parentId: number;
}

/** Aggregates of a set of fills (a venue, a routing logic, a tactic, a strategy); bps are notional-weighted means over its fills. */
export interface GroupRow extends Markouts {
  readonly key: string;
  readonly fills: number;
  readonly childOrders: number;
  /** Shares the child orders asked for (each child's largest quantity). */
  readonly childQty: number;
  readonly executedQty: number;
  /** Shares executed by child orders / childQty; null without child orders (internal crosses). */
  readonly fillRate: number | null;
  readonly avgFillSize: number;
  /** Share of the executed quantity that provided liquidity. */
  readonly makerShare: number | null;
  readonly fees: number;
  readonly rebates: number;
  readonly netFees: number;
  readonly effectiveSpreadBps: number | null;
  readonly realisedSpreadBps: number | null;
  /** Share of all our executed shares. */
  readonly shareOfVolume: number;
}

export interface CrossingRow {
  readonly crosses: number;
  /** Shares crossed (each cross counted once, not per side). */
  readonly qty: number;
  readonly notional: number;
  /** What both sides saved against taking liquidity (half spread plus taker fee), currency. */
  readonly saving: number;
  /** saving / notional, bps. */
  readonly savingBps: number | null;
}

export interface TcaTotals extends Markouts {
  readonly orders: number;
  readonly parents: number;
  readonly fills: number;
  readonly executedQty: number;
  readonly executedNotional: number;
  readonly fees: number;
  /** Means over parents weighted by their value at arrival (orderQty x arrivalPrice). */
  readonly shortfallBps: number | null;
  readonly delayBps: number | null;
  readonly tradingBps: number | null;
  readonly opportunityBps: number | null;
  readonly feeBps: number | null;
  /** Mean over parents weighted by executed notional. */
  readonly intervalVwapSlippageBps: number | null;
  readonly effectiveSpreadBps: number | null;
}

/** One parent's chart data: the mid and our fills over its life, executed and scheduled fractions over its window. */
export interface ParentCharts {
  readonly parentId: number;
  /** Seconds since the epoch. */
  readonly priceTimes: readonly number[];
  readonly mids: readonly (number | null)[];
  readonly fillTimes: readonly number[];
  readonly fillPrices: readonly number[];
  readonly scheduleTimes: readonly number[];
  readonly executedPct: readonly number[];
  readonly scheduledPct: readonly number[];
}

export interface TcaReport {
  readonly totals: TcaTotals;
  readonly orders: readonly OrderRow[];
  readonly parents: readonly ParentRow[];
  readonly fills: readonly FillRow[];
  readonly venues: readonly GroupRow[];
  readonly logics: readonly GroupRow[];
  readonly tactics: readonly GroupRow[];
  readonly strategies: readonly GroupRow[];
  readonly crossing: CrossingRow;
  /** Per parent, for the HTML report. */
  readonly charts: readonly ParentCharts[];
}
