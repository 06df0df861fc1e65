/**
 * A client order as the HTTP API shows it: its terms and state (FIX OrdStatus, cumQty, leavesQty, avgPx) from the
 * engine, and its fills (LastQty, LastPx, LastMkt of every trade execution report, kept by `FillLog`). Quantities are
 * shares and prices the currency, formatted exactly from the engine's integers (avgPx, an average, with 4 more
 * decimals than the price precision), as in the order file and FIX.
 * The fill log holds the fills of the orders the engine holds: an order the engine releases leaves it too (its fills
 * are then read from the journal, released-orders.ts). A restarted service starts it empty: an order restored from the
 * journal whose logged fills fall short of its cumQty gets its earlier fills from the journal (`history`), once.
 */
import type { Engine } from "../engine/engine.js";
import { formatAvgPx } from "../fix/order-gateway.js";
import type { ClientOrder } from "../model/client-order.js";
import type { Instrument } from "../model/instrument.js";

export interface Fill {
  readonly execId: string;
  readonly time: number;
  readonly lastQty: number;
  readonly lastPx: number;
  readonly lastMkt: string | null;
}

/** Every fill of every client order, by engine order id. */
export class FillLog {
  private readonly byOrder = new Map<number, Fill[]>();

  /** `history`: an order's fills in the journal, by source and ClOrdID (after a restart; null when not one). */
  constructor(
    engine: Engine,
    private readonly history: ((source: string, clOrdId: string) => readonly Fill[]) | null = null,
  ) {
    engine.onRelease((order) => this.byOrder.delete(order.orderId));
    engine.on((event) => {
      if (event.type !== "execution-report" || event.execType !== "trade") return;
      const fill = {
        execId: event.execId,
        time: event.time,
        lastQty: event.lastQty,
        lastPx: event.lastPx,
        lastMkt: event.lastMkt,
      };
      const list = this.byOrder.get(event.orderId);
      if (list === undefined) this.byOrder.set(event.orderId, [fill]);
      else list.push(fill);
    });
  }

  /** The fills of an order the engine holds. */
  of(order: ClientOrder): readonly Fill[] {
    const logged = this.byOrder.get(order.orderId) ?? [];
    let qty = 0;
    for (const fill of logged) qty += fill.lastQty;
    if (qty >= order.cumQty || this.history === null) return logged;
    // Fills before the restart: the journal has them (those since may not be durable yet, so both are merged).
    const seen = new Set(logged.map((fill) => fill.execId));
    const merged = [...this.history(order.source, order.clOrdId).filter((fill) => !seen.has(fill.execId)), ...logged];
    this.byOrder.set(order.orderId, merged);
    return merged;
  }
}

const iso = (micros: number): string => new Date(micros / 1000).toISOString();

export function orderView(order: ClientOrder, instrument: Instrument, fills: readonly Fill[]) {
  return {
    cl_ord_id: order.clOrdId,
    orig_cl_ord_ids: order.previousClOrdIds ?? [],
    order_id: order.orderId,
    source: order.source,
    account: order.account,
    symbol: order.symbol,
    side: order.side,
    order_type: order.ordType,
    quantity: instrument.formatQuantity(order.orderQty),
    limit_price: order.limitPrice === null ? null : instrument.formatPrice(order.limitPrice),
    urgency: order.urgency,
    strategy: order.strategy,
    status: order.ordStatus,
    suspended: order.suspended,
    cum_qty: instrument.formatQuantity(order.cumQty),
    leaves_qty: instrument.formatQuantity(order.leavesQty),
    avg_px: formatAvgPx(instrument, order.avgPx),
    parent_id: order.parentId,
    arrival_time: iso(order.arrivalTime),
    fills: fills.map((f) => ({
      exec_id: f.execId,
      time: iso(f.time),
      last_qty: instrument.formatQuantity(f.lastQty),
      last_px: instrument.formatPrice(f.lastPx),
      last_mkt: f.lastMkt,
    })),
  };
}
