/**
 * Reconciles the demo's three client files, row by row, exactly: orders.csv (one row per client order), fills.csv
 * (every execution of a parent, internal crosses included) and allocations.csv (every part of a fill given to an
 * order). Checks, in integers (decimals parsed straight to a common scale, never through floats):
 * - every allocation names a known fill and a known accepted order, at the fill's price;
 * - the allocations of every fill sum to the fill's quantity (and every fill is allocated);
 * - every order's `filled` is the sum of its allocations, never above its quantity, and `filled` = quantity exactly
 *   when its status is `filled`; crossed_qty is the sum of its allocations from INTERNAL fills;
 * - avg_price is the allocations' volume-weighted price, to within half a price unit (it is rounded to one);
 * - a rejected order has no fills and says why.
 * Orders are matched by (source, cl_ord_id): a ClOrdID is unique per source only, so allocations.csv names both.
 * The demo feeds the rows as it writes them; `reconcileFiles` reads them back from disk (the test does).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDecimal } from "../core/fixed-point.js";
import type { Instrument } from "../model/instrument.js";

export const ORDERS_HEADER =
  "cl_ord_id,source,account,symbol,side,quantity,filled,avg_price,status,parent_id,crossed_qty,reject_reason";
export const FILLS_HEADER = "fill_id,parent_id,child_id,venue,time,quantity,price,liquidity,fee";
export const ALLOCATIONS_HEADER = "fill_id,cl_ord_id,quantity,price,source";

export interface Reconciliation {
  orders: number;
  rejected: number;
  fills: number;
  allocations: number;
}

interface FillTally {
  qty: number;
  price: number;
  internal: boolean;
  allocated: number;
}

interface OrderTally {
  allocated: number;
  notional: number;
  crossed: number;
}

const MAX_PROBLEMS = 10;

/** Accumulates rows of the three files in any order, then `finish` checks them; problems are kept, not thrown. */
export class Reconciler {
  private readonly qtyDecimals: number;
  private readonly priceDecimals: number;
  private readonly fills = new Map<string, FillTally>();
  private readonly byOrder = new Map<string, OrderTally>();
  private readonly orderRows: string[][] = [];
  private allocationCount = 0;
  readonly problems: string[] = [];

  constructor(instruments: ReadonlyMap<string, Instrument>) {
    let q = 0;
    let p = 0;
    for (const i of instruments.values()) {
      q = Math.max(q, i.lotDecimals);
      p = Math.max(p, i.pricePrecision);
    }
    this.qtyDecimals = q;
    this.priceDecimals = p;
  }

  fill(row: readonly string[]): void {
    const [fillId, , , venue, , quantity, price] = row;
    const id = fillId ?? "";
    if (this.fills.has(id)) this.problem(`fills.csv: fill ${id} appears twice`);
    this.fills.set(id, {
      qty: this.qty(quantity, `fill ${id}`),
      price: this.price(price, `fill ${id}`),
      internal: venue === "INTERNAL",
      allocated: 0,
    });
  }

  allocation(row: readonly string[]): void {
    this.allocationCount++;
    const [fillId, clOrdId, quantity, price, source] = row as [string, string, string, string, string];
    const fill = this.fills.get(fillId);
    const what = `allocation of fill ${fillId} to ${source} ${clOrdId}`;
    const qty = this.qty(quantity, what);
    const px = this.price(price, what);
    if (fill === undefined) {
      this.problem(`${what}: no such fill`);
      return;
    }
    if (px !== fill.price) this.problem(`${what}: price ${price} is not the fill's`);
    if (!(qty > 0)) this.problem(`${what}: quantity ${quantity} is not positive`);
    fill.allocated += qty;
    const key = orderKey(source, clOrdId);
    let order = this.byOrder.get(key);
    if (order === undefined) {
      order = { allocated: 0, notional: 0, crossed: 0 };
      this.byOrder.set(key, order);
    }
    order.allocated += qty;
    order.notional += qty * px;
    if (fill.internal) order.crossed += qty;
  }

  order(row: readonly string[]): void {
    this.orderRows.push([...row]);
  }

  /** Checks everything fed so far; the counts, or the problems (at most 10 named, then how many more). */
  finish(): Reconciliation {
    for (const [id, fill] of this.fills) {
      if (fill.allocated !== fill.qty)
        this.problem(`fill ${id}: allocations sum to ${this.fmt(fill.allocated)}, the fill is ${this.fmt(fill.qty)}`);
    }
    const seen = new Set<string>();
    let rejected = 0;
    for (const row of this.orderRows) {
      const [clOrdId, source, , , , quantity, filled, avgPrice, status, , crossedQty, reason] = row as string[];
      const id = `${source ?? ""} ${clOrdId ?? ""}`;
      const key = orderKey(source ?? "", clOrdId ?? "");
      if (status === "rejected") {
        rejected++;
        if (filled !== "0" || (reason ?? "") === "") this.problem(`order ${id}: rejected with fills or without reason`);
        continue;
      }
      if (seen.has(key)) this.problem(`order ${id}: two accepted orders with this source and cl_ord_id`);
      seen.add(key);
      const tally = this.byOrder.get(key) ?? { allocated: 0, notional: 0, crossed: 0 };
      this.byOrder.delete(key);
      const qty = this.qty(quantity, `order ${id}`);
      const cum = this.qty(filled, `order ${id}`);
      if (cum !== tally.allocated)
        this.problem(`order ${id}: filled ${filled} but allocated ${this.fmt(tally.allocated)}`);
      if (cum > qty) this.problem(`order ${id}: filled ${filled} of ${quantity}`);
      if ((status === "filled") !== (cum === qty))
        this.problem(`order ${id}: status ${status} with ${filled} of ${quantity}`);
      if (this.qty(crossedQty, `order ${id}`) !== tally.crossed)
        this.problem(`order ${id}: crossed_qty ${crossedQty} but ${this.fmt(tally.crossed)} allocated from crosses`);
      if (cum === 0) {
        if (avgPrice !== "") this.problem(`order ${id}: avg_price ${avgPrice} without fills`);
      } else {
        const avg = this.price(avgPrice, `order ${id}`);
        if (!Number.isSafeInteger(tally.notional) || !Number.isSafeInteger(avg * cum))
          this.problem(`order ${id}: notional beyond 2^53, cannot check exactly`);
        else if (Math.abs(avg * cum - tally.notional) * 2 > cum)
          this.problem(`order ${id}: avg_price ${avgPrice} is not the allocations' average`);
      }
    }
    for (const key of this.byOrder.keys())
      this.problem(`allocations to ${key.replace("\u0000", " ")}, which is not an accepted order`);
    return {
      orders: this.orderRows.length,
      rejected,
      fills: this.fills.size,
      allocations: this.allocationCount,
    };
  }

  private qty(text: string | undefined, what: string): number {
    return this.decimal(text, this.qtyDecimals, what, "quantity");
  }

  private price(text: string | undefined, what: string): number {
    return this.decimal(text, this.priceDecimals, what, "price");
  }

  private decimal(text: string | undefined, decimals: number, what: string, field: string): number {
    const parsed = parseDecimal(text ?? "", decimals);
    if (parsed.ok && Number.isSafeInteger(parsed.value)) return parsed.value;
    this.problem(`${what}: ${field} ${JSON.stringify(text ?? "")} is not a decimal`);
    return Number.NaN;
  }

  private fmt(units: number): string {
    return (units / 10 ** this.qtyDecimals).toString();
  }

  private problem(message: string): void {
    this.problems.push(message);
  }
}

/** An order's key: its source and ClOrdID (a NUL between them: neither may hold one). */
function orderKey(source: string, clOrdId: string): string {
  return `${source}\u0000${clOrdId}`;
}

/** `reconciled: N orders, M fills, K allocations`, or throws with the first problems (a broken invariant: a bug). */
export function reconciliationLine(reconciler: Reconciler, result: Reconciliation): string {
  const n = reconciler.problems.length;
  if (n > 0) {
    const shown = reconciler.problems.slice(0, MAX_PROBLEMS).join("; ");
    throw new Error(`demo output does not reconcile (${n} problems): ${shown}${n > MAX_PROBLEMS ? "; ..." : ""}`);
  }
  return `reconciled: ${result.orders} orders, ${result.fills} fills, ${result.allocations} allocations`;
}

/** Reads orders.csv, fills.csv and allocations.csv from `dir` and reconciles them. */
export function reconcileFiles(
  dir: string,
  instruments: ReadonlyMap<string, Instrument>,
): { reconciler: Reconciler; result: Reconciliation } {
  const reconciler = new Reconciler(instruments);
  for (const row of csvRows(join(dir, "fills.csv"), FILLS_HEADER)) reconciler.fill(row);
  for (const row of csvRows(join(dir, "allocations.csv"), ALLOCATIONS_HEADER)) reconciler.allocation(row);
  for (const row of csvRows(join(dir, "orders.csv"), ORDERS_HEADER)) reconciler.order(row);
  return { reconciler, result: reconciler.finish() };
}

function* csvRows(path: string, header: string): Generator<string[]> {
  const lines = readFileSync(path, "utf8").split("\n");
  if (lines[0] !== header) throw new Error(`${path}: header is not ${header}`);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line !== "") yield splitCsv(line);
  }
}

/** Splits a CSV line whose fields may be double-quoted (with "" for a quote inside). */
export function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      out.push(value);
      i++; // the comma
    } else {
      const comma = line.indexOf(",", i);
      const end = comma < 0 ? line.length : comma;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}
