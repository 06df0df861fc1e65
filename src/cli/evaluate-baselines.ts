/**
 * The two baselines every execution algorithm is judged against, run in the same simulated sessions:
 * - "market": the whole order as market orders at arrival, split evenly over the lit venues;
 * - "naive-twap": equal slices of market orders, one per interval over the window, each split the same way.
 * They trade straight at the venues (no engine, no algorithm) and record their fills; the market model sees their
 * aggressive volume like any other of ours, so they pay the same impact the algorithms do.
 */
import type { Scheduler } from "../core/scheduler.js";
import type { CancelReject, ExecutionReport } from "../model/execution-report.js";
import type { Side } from "../model/order-types.js";
import type { OrderEntryListener, OrderEntrySession, Venue } from "../venue/venue.js";

export interface BaselineFill {
  readonly qty: number;
  readonly price: number;
  readonly feeMicros: number;
}

export class BaselineTrader implements OrderEntryListener {
  readonly fills: BaselineFill[] = [];
  private readonly sessions: OrderEntrySession[];
  private next = 1;

  constructor(
    venues: readonly Venue[],
    private readonly symbol: string,
    private readonly side: Side,
  ) {
    this.sessions = venues
      .filter((v) => v.kind === "lit" && v.spec.orderTypes.includes("market") && v.spec.instruments.includes(symbol))
      .map((v) => v.connect(this));
  }

  /** Sends `lots` as market orders now, split evenly over the lit venues (the first takes the remainder). */
  sendMarket(lots: number): void {
    const n = this.sessions.length;
    const each = Math.floor(lots / n);
    this.sessions.forEach((session, i) => {
      const qty = each + (i === 0 ? lots - each * n : 0);
      if (qty <= 0) return;
      session.submit({
        clOrdId: `B${this.next++}`,
        account: "BASELINE",
        symbol: this.symbol,
        side: this.side,
        ordType: "market",
        timeInForce: "ioc",
        orderQty: qty,
        price: null,
        postOnly: false,
        displayQty: null,
        minQty: null,
      });
    });
  }

  /** `slices` equal market slices, the first at `start`, one every `intervalMicros`. */
  scheduleSlices(scheduler: Scheduler, lots: number, slices: number, start: number, intervalMicros: number): void {
    const base = Math.floor(lots / slices);
    for (let i = 0; i < slices; i++) {
      const qty = base + (i < lots - base * slices ? 1 : 0);
      scheduler.at(start + i * intervalMicros, () => this.sendMarket(qty));
    }
  }

  onExecutionReport(report: ExecutionReport): void {
    if (report.execType === "trade") {
      this.fills.push({ qty: report.lastQty, price: report.lastPx, feeMicros: report.feeMicros });
    }
  }

  onCancelReject(_reject: CancelReject): void {}
}
