/**
 * The cost of executing one order, the way a desk measures it: Perold's (1988) implementation shortfall against the
 * decision price (the arrival mid), fees included, with the unexecuted rest charged at the price it would cost at the
 * end (opportunity cost). Positive is a cost, in basis points of the paper portfolio's value, orderShares x
 * decisionPrice. With s = +1 for a buy, -1 for a sell, executed shares q_i at p_i, X = sum q_i, Q the order's shares:
 *
 *   delay       = s X (P_start - P_decision)          the market's move before trading started
 *   trading     = s sum q_i (p_i - P_start)           impact and timing while trading (Perold's "realised" cost)
 *   opportunity = s (Q - X) (P_end - P_decision)      what the unexecuted rest missed
 *   fees        = sum fee_i                           explicit cost (a rebate is negative)
 *
 * and shortfall = delay + trading + opportunity + fees, exactly (paper gain minus real gain). `execution` = delay +
 * trading is the price paid against the decision price. Without a start price, trading starts at the decision price
 * (no delay). Also the slippage against a benchmark price (e.g. the interval VWAP) and summary statistics.
 * Floating point: analytics, never what a client is told they bought. Prices and quantities come in as numbers in the
 * currency and shares (the caller converts from units and lots).
 */
import type { Side } from "../model/order-types.js";

export interface ExecutedFill {
  readonly shares: number;
  readonly price: number;
  /** Fee paid, in the currency (negative for a rebate). */
  readonly fee: number;
}

export interface ShortfallInputs {
  readonly side: Side;
  /** The order's size in shares. */
  readonly orderShares: number;
  /** The decision price: the mid when the order arrived. */
  readonly arrivalPrice: number;
  /** The price when trading started (Perold's delay ends here); default arrivalPrice. */
  readonly startPrice?: number;
  readonly fills: readonly ExecutedFill[];
  /** The price the unexecuted rest is valued at (the mid at the end of the window). */
  readonly endPrice: number;
}

export interface Shortfall {
  /** Total, in bps of orderShares x arrivalPrice. */
  readonly bps: number;
  /** Its parts: execution (price paid vs arrival) = delay + trading; fees; opportunity (the unexecuted rest). */
  readonly executionBps: number;
  readonly delayBps: number;
  readonly tradingBps: number;
  readonly feeBps: number;
  readonly opportunityBps: number;
  readonly executedShares: number;
  /** Average execution price (NaN when nothing executed). */
  readonly averagePrice: number;
}

export function implementationShortfall(inputs: ShortfallInputs): Shortfall {
  const sign = inputs.side === "buy" ? 1 : -1;
  const value = inputs.orderShares * inputs.arrivalPrice;
  let executed = 0;
  let notional = 0;
  let fees = 0;
  for (const fill of inputs.fills) {
    executed += fill.shares;
    notional += fill.shares * fill.price;
    fees += fill.fee;
  }
  const startPrice = inputs.startPrice ?? inputs.arrivalPrice;
  const delay = sign * executed * (startPrice - inputs.arrivalPrice);
  const trading = sign * (notional - executed * startPrice);
  // Nothing left unexecuted costs nothing, whatever the end price (the book can end one-sided: no mid, NaN).
  const unexecuted = inputs.orderShares - executed;
  const opportunity = unexecuted === 0 ? 0 : sign * unexecuted * (inputs.endPrice - inputs.arrivalPrice);
  const bps = (x: number): number => (x / value) * 1e4;
  return {
    bps: bps(delay + trading + fees + opportunity),
    executionBps: bps(delay + trading),
    delayBps: bps(delay),
    tradingBps: bps(trading),
    feeBps: bps(fees),
    opportunityBps: bps(opportunity),
    executedShares: executed,
    averagePrice: executed > 0 ? notional / executed : Number.NaN,
  };
}

/** Slippage of an average price against a benchmark (e.g. the interval VWAP), bps; positive = worse for the side. */
export function slippageBps(side: Side, averagePrice: number, benchmark: number): number {
  return ((side === "buy" ? 1 : -1) * (averagePrice - benchmark) * 1e4) / benchmark;
}

export interface Summary {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  readonly std: number;
}

export function summarise(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { n, mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, std: Math.sqrt(variance) };
}
