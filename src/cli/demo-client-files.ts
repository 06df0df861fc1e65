/**
 * The demo's client-side record of a run, from the engine's events: fills.csv (every execution of a parent, internal
 * crosses as venue INTERNAL), allocations.csv (every part of a fill given to a client order) and, at the end,
 * orders.csv (one row per client order in the order they were sent, rejected ones with their reason). Each row also
 * goes to the `Reconciler`, so the run checks the very strings it wrote. Prices and quantities are formatted by the
 * instrument (exact decimals); fees in the currency to 6 decimals. Files are written in chunks, never held whole.
 * Known limit: without --out nothing is written, but every row is still built and reconciled.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { microsToIso } from "../core/clock.js";
import { UserError } from "../core/errors.js";
import type { Engine } from "../engine/engine.js";
import type { EngineEvent } from "../model/client-events.js";
import { INTERNAL_VENUE } from "../model/client-events.js";
import type { Instrument } from "../model/instrument.js";
import { ALLOCATIONS_HEADER, FILLS_HEADER, ORDERS_HEADER, type Reconciler } from "./demo-reconcile.js";

const FLUSH_LINES = 20_000;

/** One client order as sent: accepted (the engine's order id) or refused (with the row's fields as far as known). */
export type Submission =
  | { readonly orderId: number }
  | {
      readonly clOrdId: string;
      readonly source: string;
      readonly account: string;
      readonly symbol: string;
      readonly side: string;
      readonly quantity: string;
      readonly reason: string;
    };

export interface ClientTotals {
  fills: number;
  internalFills: number;
  allocations: number;
  /** Per symbol, lots allocated from internal crosses (both sides). */
  crossedLots: Map<string, number>;
}

export class ClientFiles {
  private readonly files: { fills: CsvFile; allocations: CsvFile; orders: CsvFile } | null;
  private readonly parentSymbol = new Map<number, string>();
  /** Each accepted order's source, by order id (allocations.csv names it: a ClOrdID is unique per source only). */
  private readonly sourceOf: string[] = [];
  /** Lots each order got from internal crosses, by order id. */
  private crossedByOrder = new Float64Array(1024);
  private lastFillId = 0;
  private lastFillInternal = false;
  private lastSymbol = "";
  readonly totals: ClientTotals = { fills: 0, internalFills: 0, allocations: 0, crossedLots: new Map() };

  constructor(
    out: string | null,
    private readonly instruments: ReadonlyMap<string, Instrument>,
    private readonly reconciler: Reconciler,
  ) {
    this.files =
      out === null
        ? null
        : {
            fills: new CsvFile(join(out, "fills.csv"), FILLS_HEADER),
            allocations: new CsvFile(join(out, "allocations.csv"), ALLOCATIONS_HEADER),
            orders: new CsvFile(join(out, "orders.csv"), ORDERS_HEADER),
          };
  }

  onEvent(event: EngineEvent): void {
    switch (event.type) {
      case "order-accepted":
        this.sourceOf[event.orderId] = event.source;
        break;
      case "parent-created":
        this.parentSymbol.set(event.parentId, event.symbol);
        break;
      case "parent-filled": {
        const symbol = this.parentSymbol.get(event.parentId) as string;
        const instrument = this.instruments.get(symbol) as Instrument;
        const row = [
          String(event.fillId),
          String(event.parentId),
          event.childId ?? "",
          event.venue,
          microsToIso(event.time),
          instrument.formatQuantity(event.qty),
          instrument.formatPrice(event.price),
          event.liquidity ?? "",
          (event.feeMicros / 1e6).toFixed(6),
        ];
        this.lastFillId = event.fillId;
        this.lastFillInternal = event.venue === INTERNAL_VENUE;
        this.lastSymbol = symbol;
        this.totals.fills++;
        if (this.lastFillInternal) this.totals.internalFills++;
        this.reconciler.fill(row);
        this.files?.fills.add(row);
        break;
      }
      case "fill-allocated": {
        if (event.fillId !== this.lastFillId) throw new Error(`allocation of fill ${event.fillId} before its fill`);
        const instrument = this.instruments.get(this.lastSymbol) as Instrument;
        const price = instrument.formatPrice(event.price);
        const fillId = String(event.fillId);
        for (const a of event.allocations) {
          const row = [fillId, a.clOrdId, instrument.formatQuantity(a.qty), price, this.sourceOf[a.orderId] ?? ""];
          this.totals.allocations++;
          this.reconciler.allocation(row);
          this.files?.allocations.add(row);
          if (this.lastFillInternal) this.addCrossed(a.orderId, a.qty);
        }
        if (this.lastFillInternal) {
          const crossed = this.totals.crossedLots;
          crossed.set(this.lastSymbol, (crossed.get(this.lastSymbol) ?? 0) + event.qty);
        }
        break;
      }
      default:
        break;
    }
  }

  /** Writes orders.csv (one row per submission, in order) and closes the files. */
  finish(engine: Engine, submissions: readonly Submission[]): void {
    for (const s of submissions) {
      let row: string[];
      if ("orderId" in s) {
        const o = engine.orderById(s.orderId);
        if (o === undefined || o.orderId !== s.orderId) throw new Error(`order ${s.orderId} is not the engine's`);
        const instrument = this.instruments.get(o.symbol) as Instrument;
        row = [
          o.clOrdId,
          o.source,
          o.account,
          o.symbol,
          o.side,
          instrument.formatQuantity(o.orderQty),
          instrument.formatQuantity(o.cumQty),
          o.cumQty === 0 ? "" : instrument.formatPrice(Math.round(o.avgPx)),
          o.ordStatus,
          String(o.parentId),
          instrument.formatQuantity(this.crossedByOrder[o.orderId] ?? 0),
          "",
        ];
      } else {
        row = [s.clOrdId, s.source, s.account, s.symbol, s.side, s.quantity, "0", "", "rejected", "", "0", s.reason];
      }
      this.reconciler.order(row);
      this.files?.orders.add(row);
    }
    this.files?.fills.close();
    this.files?.allocations.close();
    this.files?.orders.close();
  }

  private addCrossed(orderId: number, lots: number): void {
    if (orderId >= this.crossedByOrder.length) {
      const grown = new Float64Array(Math.max(orderId + 1, this.crossedByOrder.length * 2));
      grown.set(this.crossedByOrder);
      this.crossedByOrder = grown;
    }
    this.crossedByOrder[orderId] = (this.crossedByOrder[orderId] ?? 0) + lots;
  }
}

/** A CSV file written in chunks; fields with a comma, quote or line break are quoted. */
class CsvFile {
  private lines: string[] = [];

  constructor(
    private readonly path: string,
    header: string,
  ) {
    try {
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, `${header}\n`);
    } catch (error) {
      throw new UserError("bad-out-dir", `--out: cannot write ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  add(fields: readonly string[]): void {
    this.lines.push(fields.map(csvField).join(","));
    if (this.lines.length >= FLUSH_LINES) this.flush();
  }

  close(): void {
    this.flush();
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    appendFileSync(this.path, `${this.lines.join("\n")}\n`);
    this.lines = [];
  }
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
