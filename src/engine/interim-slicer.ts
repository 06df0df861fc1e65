/**
 * INTERIM SLICER — a deliberately simple stand-in until the execution algorithms (TWAP/VWAP/POV/IS) and the smart
 * order router arrive in later issues. It exists so that an end-to-end run works against real (simulated) venues.
 *
 * Every `intervalMicros`, for each parent with nothing working, it sends ONE immediate-or-cancel limit child at the
 * far touch of the NBBO (buy at the best ask, sell at the best bid) for min(slice, what the parent may carry at that
 * price), to the lit venues that trade the instrument in turn. The engine reserves the child's quantity first, so a
 * child never exceeds the eligible quantity at its price; execution reports come back as child fills (allocated by the
 * engine) and the unfilled rest is released. When the engine reports a parent over-reserved (a kill switch, a pending
 * cancel), the slicer cancels that parent's children.
 * Known limits: no schedule, no participation cap, no passive orders, no dark pools, no venue choice; a parent whose
 * limits are all behind the far touch waits.
 */
import type { Scheduler } from "../core/scheduler.js";
import type { EngineEvent } from "../model/client-events.js";
import type { CancelReject, ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import { isTerminal } from "../model/ord-status.js";
import type { OrderEntryListener, OrderEntrySession, Venue } from "../venue/venue.js";
import type { Engine } from "./engine.js";
import type { EngineQuotes } from "./engine-options.js";

export interface InterimSlicerOptions {
  /** Time between slices of one parent, µs (default 1 second). */
  readonly intervalMicros?: number | undefined;
  /** Slice size in shares, rounded down to whole lots, at least one lot (default "100"). */
  readonly sliceShares?: string | undefined;
  /** The account child orders are sent under (default "TRIBUTARY"). */
  readonly account?: string | undefined;
}

interface Child {
  readonly parentId: number;
  readonly venue: number;
  readonly symbol: string;
  cancelSent: boolean;
}

export class InterimSlicer implements OrderEntryListener {
  private readonly venues: readonly Venue[];
  private readonly sessions: OrderEntrySession[];
  private readonly children = new Map<string, Child>();
  private readonly byParent = new Map<number, Set<string>>();
  private readonly sliceLots = new Map<string, number>();
  private readonly turn = new Map<string, number>();
  private readonly interval: number;
  private readonly account: string;
  private nextChild = 1;
  private until = 0;
  /** Child orders sent, and how many of their lots filled. */
  childrenSent = 0;
  lotsFilled = 0;

  constructor(
    private readonly engine: Engine,
    venues: readonly Venue[],
    private readonly scheduler: Scheduler,
    private readonly quotes: EngineQuotes,
    options: InterimSlicerOptions = {},
  ) {
    this.venues = venues.filter(
      (v) => v.kind === "lit" && v.spec.orderTypes.includes("limit") && v.spec.timesInForce.includes("ioc"),
    );
    this.sessions = this.venues.map((venue) => venue.connect(this));
    this.interval = options.intervalMicros ?? 1_000_000;
    this.account = options.account ?? "TRIBUTARY";
    const shares = options.sliceShares ?? "100";
    for (const instrument of engine.instruments.values())
      this.sliceLots.set(instrument.symbol, lotsIn(instrument, shares));
    engine.on((event) => this.onEngineEvent(event));
  }

  /** Slices every `intervalMicros` from now until `until` (µs). */
  start(until: number): void {
    this.until = until;
    const tick = (): void => {
      this.tick();
      const next = this.scheduler.now() + this.interval;
      if (next <= this.until) this.scheduler.at(next, tick);
    };
    this.scheduler.at(this.scheduler.now(), tick);
  }

  /** One round: a child for every parent that has nothing working and something to send. */
  tick(): void {
    for (const parent of [...this.engine.parents()]) {
      if (parent.reservedQty > 0 || parent.workable.total === 0) continue;
      const quote = this.quotes.nbbo(parent.symbol);
      const price = parent.side === "buy" ? quote.ask : quote.bid;
      if (!Number.isSafeInteger(price) || price <= 0) continue;
      const qty = Math.min(this.sliceLots.get(parent.symbol) ?? 1, parent.available(price));
      if (qty <= 0) continue;
      const venue = this.pickVenue(parent.symbol, qty);
      if (venue < 0) continue;
      const childId = `S${this.nextChild++}`;
      if (!this.engine.reserve(parent.parentId, childId, price, qty)) continue;
      this.children.set(childId, { parentId: parent.parentId, venue, symbol: parent.symbol, cancelSent: false });
      let set = this.byParent.get(parent.parentId);
      if (set === undefined) {
        set = new Set();
        this.byParent.set(parent.parentId, set);
      }
      set.add(childId);
      this.childrenSent++;
      (this.sessions[venue] as OrderEntrySession).submit({
        clOrdId: childId,
        account: this.account,
        symbol: parent.symbol,
        side: parent.side,
        ordType: "limit",
        timeInForce: "ioc",
        orderQty: qty,
        price,
        postOnly: false,
        displayQty: null,
        minQty: null,
      });
    }
  }

  onExecutionReport(report: ExecutionReport): void {
    const child = this.children.get(report.clOrdId);
    if (child === undefined) return;
    if (report.execType === "trade") {
      this.lotsFilled += report.lastQty;
      this.engine.childFill(
        report.clOrdId,
        report.lastQty,
        report.lastPx,
        report.venueId,
        report.liquidity,
        report.feeMicros,
      );
    }
    if (isTerminal(report.ordStatus)) {
      this.engine.releaseChild(report.clOrdId);
      this.children.delete(report.clOrdId);
      this.byParent.get(child.parentId)?.delete(report.clOrdId);
    }
  }

  onCancelReject(_reject: CancelReject): void {
    // The child finished before the cancel arrived; its final report releases it.
  }

  private onEngineEvent(event: EngineEvent): void {
    if (event.type !== "parent-changed" || event.overReservedQty === 0) return;
    for (const childId of this.byParent.get(event.parentId) ?? []) {
      const child = this.children.get(childId);
      if (child === undefined || child.cancelSent) continue;
      child.cancelSent = true;
      (this.sessions[child.venue] as OrderEntrySession).cancel({
        clOrdId: `${childId}-X`,
        origClOrdId: childId,
        symbol: child.symbol,
      });
    }
  }

  /** The next lit venue (round robin per symbol) that trades `symbol` and accepts `qty` lots; -1 if none. */
  private pickVenue(symbol: string, qty: number): number {
    const n = this.venues.length;
    const start = this.turn.get(symbol) ?? 0;
    for (let k = 0; k < n; k++) {
      const v = (start + k) % n;
      const spec = (this.venues[v] as Venue).spec;
      if (spec.instruments.includes(symbol) && spec.minQuantity <= qty) {
        this.turn.set(symbol, v + 1);
        return v;
      }
    }
    return -1;
  }
}

function lotsIn(instrument: Instrument, shares: string): number {
  const perLot = instrument.quantityToShares(1);
  return Math.max(1, Math.floor(Number(shares) / perLot + 1e-9));
}
