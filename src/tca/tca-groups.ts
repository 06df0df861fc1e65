/**
 * Aggregates of fills by a key (venue, routing logic, tactic, strategy): counts, quantities, fill rate of the child orders, fees and
 * rebates, notional-weighted spreads and markouts, share of our volume. One function for every grouping, so venues,
 * routing logics and strategies are measured the same way.
 */

import { markoutColumns } from "./markouts.js";
import type { FillRow, GroupRow, Markouts } from "./tca-rows.js";

/** What TCA keeps of a child order. */
export interface ChildInfo {
  readonly venue: string;
  readonly tactic: string;
  /** The router's logic that sent it (from its routing decision, which may come after the child's first event). */
  logic: string | null;
  readonly algo: string | null;
  /** The child's largest order quantity, lots. */
  orderQty: number;
  /** Shares per lot of its instrument. */
  readonly shares: number;
}

export function aggregateFills(
  fills: readonly FillRow[],
  children: ReadonlyMap<string, ChildInfo>,
  keyOfFill: (f: FillRow) => string,
  keyOfChild: (c: ChildInfo) => string,
): GroupRow[] {
  const groups = new Map<string, FillRow[]>();
  for (const f of fills) {
    const key = keyOfFill(f);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [f]);
    else list.push(f);
  }
  const childOrders = new Map<string, { count: number; qty: number }>();
  for (const c of children.values()) {
    const key = keyOfChild(c);
    const tally = childOrders.get(key) ?? { count: 0, qty: 0 };
    tally.count++;
    tally.qty += c.orderQty * c.shares;
    childOrders.set(key, tally);
    if (!groups.has(key)) groups.set(key, []);
  }
  const total = fills.reduce((s, f) => s + f.qty, 0);
  const notional = (f: FillRow) => f.qty * f.price;
  const rows: GroupRow[] = [];
  for (const [key, list] of groups) {
    const executed = list.reduce((s, f) => s + f.qty, 0);
    const byChildren = list.reduce((s, f) => s + (f.childId === null ? 0 : f.qty), 0);
    const maker = list.reduce((s, f) => s + (f.liquidity === "maker" ? f.qty : 0), 0);
    const withLiquidity = list.reduce((s, f) => s + (f.liquidity === null ? 0 : f.qty), 0);
    const fees = list.reduce((s, f) => s + Math.max(0, f.fee), 0);
    const rebates = list.reduce((s, f) => s + Math.max(0, -f.fee), 0);
    const c = childOrders.get(key);
    rows.push({
      key,
      fills: list.length,
      childOrders: c?.count ?? 0,
      childQty: c?.qty ?? 0,
      executedQty: executed,
      fillRate: c === undefined || c.qty === 0 ? null : byChildren / c.qty,
      avgFillSize: list.length === 0 ? 0 : executed / list.length,
      makerShare: withLiquidity > 0 ? maker / withLiquidity : null,
      fees,
      rebates,
      netFees: fees - rebates,
      effectiveSpreadBps: weightedMean(list, (f) => f.effectiveSpreadBps, notional),
      realisedSpreadBps: weightedMean(list, (f) => f.realisedSpreadBps, notional),
      shareOfVolume: total > 0 ? executed / total : 0,
      ...markoutColumns(
        (h) => weightedMean(list, (f) => f[`markout${h}sBps` as keyof Markouts], notional) ?? Number.NaN,
      ),
    });
  }
  return rows.sort((a, b) => b.executedQty - a.executedQty || (a.key < b.key ? -1 : 1));
}

/** Weighted mean of the non-null values; null when none. */
export function weightedMean<T>(
  rows: readonly T[],
  value: (r: T) => number | null,
  weight: (r: T) => number,
): number | null {
  let sum = 0;
  let weights = 0;
  for (const r of rows) {
    const v = value(r);
    if (v === null) continue;
    const w = weight(r);
    sum += v * w;
    weights += w;
  }
  return weights > 0 ? sum / weights : null;
}
