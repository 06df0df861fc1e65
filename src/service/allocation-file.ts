/**
 * Post-trade allocations as a JSON Lines file (`postTrade.allocations`): one line per client order's share of each
 * fill, for clearing, settlement and compliance systems that read files rather than FIX. A line is written once the
 * journal holds its fill durably, in journal order, so the file never shows an allocation a restart could lose.
 * Fields: time (ISO-8601 UTC), fill_id, parent_id, venue (INTERNAL for a cross), symbol, side, source, account,
 * cl_ord_id, quantity (shares) and price (currency), formatted exactly from the engine's integers.
 * Limits: appended with one synchronous write per durable batch; the file is not rotated.
 */
import { appendFileSync } from "node:fs";
import type { Engine } from "../engine/engine.js";
import type { Instrument } from "../model/instrument.js";

interface Durability {
  onDurable(listener: (seq: number) => void): void;
}

export class AllocationFile {
  private pending: { seq: number; text: string }[] = [];
  private readonly venues = new Map<number, string>();
  /** Lines written. */
  written = 0;

  constructor(
    engine: Engine,
    durability: Durability,
    readonly path: string,
  ) {
    engine.on((event) => {
      if (event.type === "parent-filled") {
        this.venues.set(event.fillId, event.venue);
        return;
      }
      if (event.type !== "fill-allocated") return;
      const venue = this.venues.get(event.fillId) ?? "";
      this.venues.delete(event.fillId);
      let text = "";
      for (const a of event.allocations) {
        const order = engine.orderById(a.orderId);
        if (order === undefined) continue;
        const instrument = engine.instruments.get(order.symbol) as Instrument;
        text += `${JSON.stringify({
          time: new Date(event.time / 1000).toISOString(),
          fill_id: event.fillId,
          parent_id: event.parentId,
          venue,
          symbol: order.symbol,
          side: order.side,
          source: order.source,
          account: a.account,
          cl_ord_id: a.clOrdId,
          quantity: instrument.formatQuantity(a.qty),
          price: instrument.formatPrice(event.price),
        })}\n`;
      }
      this.pending.push({ seq: event.seq, text });
    });
    durability.onDurable((seq) => this.flush(seq));
  }

  private flush(durableSeq: number): void {
    let i = 0;
    let out = "";
    for (; i < this.pending.length && (this.pending[i] as { seq: number }).seq <= durableSeq; i++) {
      out += (this.pending[i] as { text: string }).text;
    }
    if (i === 0) return;
    this.pending = this.pending.slice(i);
    appendFileSync(this.path, out);
    this.written += i;
  }
}
