/**
 * A simulated dark pool: midpoint-pegged orders with no pre-trade transparency, crossed against contra orders at the
 * midpoint of the lit NBBO. A market order is a pure midpoint peg; a limit order is a peg that only trades while the
 * midpoint is at or inside its limit. `minQty` is the smallest execution an order accepts (an order with fewer lots
 * left than its minimum accepts its remainder).
 *
 * Crossing: on arrival an order is acknowledged, then crossed against resting contra orders in time priority. Resting
 * orders are re-crossed whenever the NBBO changes and after every arrival or replace (a fill can bring an order below
 * its minimum, which then accepts its remainder): buys in time order, each against sells in time order, the older of
 * a pair being the maker. Same-account orders never cross, whatever the venue's self-trade setting; the pool takes no
 * post-only or displayed orders, whatever its `supports` says. Protected-quote check: no cross while the
 * NBBO is missing, locked or crossed. Orders of the same account never cross each other. Executions are published as
 * trade prints (post-trade transparency) with no aggressor.
 * Invariant: tick units are even (checked with the reference data), so the midpoint of two quotes is an integer.
 */
import type { Random } from "../../core/random.js";
import type { Scheduler } from "../../core/scheduler.js";
import { isTradableNbbo } from "../../market/instrument-view.js";
import type { QuoteSource } from "../../market/market-view.js";
import type { VenueRejectReason } from "../../model/execution-report.js";
import type { Instrument } from "../../model/instrument.js";
import type { VenueSpec } from "../../model/venue-spec.js";
import type { CancelRequest, MarketDataListener, NewOrderRequest, ReplaceRequest } from "../venue.js";
import { isPositiveLots } from "./order-checks.js";
import type { SimSession } from "./sim-session.js";
import { SimVenueBase } from "./sim-venue-base.js";
import type { VenueOrder } from "./venue-order.js";

interface DarkOrder {
  order: VenueOrder;
  /** Arrival sequence: time priority, and maker/taker between two resting orders. */
  seq: number;
  minQty: number;
}

export class SimDarkPool extends SimVenueBase {
  readonly kind = "dark";
  /** symbol -> [buys, sells], each in time priority. */
  private readonly resting = new Map<string, [DarkOrder[], DarkOrder[]]>();
  private nextSeq = 1;
  /**
   * symbol -> the midpoint at which its resting orders were last re-crossed without a trade. Nothing that decides a
   * cross (the midpoint, the orders, their sizes) has changed since while the entry stands, so re-crossing again at
   * that midpoint would trade nothing: most NBBO changes move sizes, not the midpoint. Any change to the book drops it.
   */
  private readonly settled = new Map<string, number>();

  constructor(
    spec: VenueSpec,
    instruments: ReadonlyMap<string, Instrument>,
    scheduler: Scheduler,
    random: Random,
    private readonly quotes: QuoteSource,
  ) {
    super(spec, instruments, scheduler, random);
    for (const symbol of spec.instruments) this.resting.set(symbol, [[], []]);
    quotes.onChange((symbol) => this.recross(symbol));
  }

  subscribe(listener: MarketDataListener): void {
    this.marketData.add(listener, []);
  }

  /** Resting quantity on each side of an instrument (the pool's private view, for tests and operations). */
  restingQuantity(symbol: string): { buy: number; sell: number } {
    const [buys, sells] = this.resting.get(symbol) ?? [[], []];
    return { buy: sum(buys), sell: sum(sells) };
  }

  onNewOrder(session: SimSession, request: NewOrderRequest): void {
    const { order } = this.newOrder(session, request);
    const minQty = request.minQty ?? 1;
    const reason = this.arrivalProblem(session, request) ?? instructionProblem(request, minQty);
    if (reason !== null) {
      this.send(order, "rejected", reason);
      return;
    }
    this.settled.delete(request.symbol);
    const dark: DarkOrder = { order, seq: this.nextSeq++, minQty };
    session.live.set(request.clOrdId, order);
    this.send(order, "new");
    const [buys, sells] = this.resting.get(request.symbol) as [DarkOrder[], DarkOrder[]];
    const contra = request.side === "buy" ? sells : buys;
    if (request.timeInForce === "fok" && this.crossable(dark, contra) < request.orderQty) {
      this.cancel(dark, "fok-unfilled");
      return;
    }
    this.crossIncoming(dark, contra);
    if (order.leavesQty > 0) {
      if (request.timeInForce === "ioc" || request.timeInForce === "fok") this.cancel(dark, "ioc-unfilled");
      else (request.side === "buy" ? buys : sells).push(dark);
    }
    // Fills shrink orders, and an order with fewer lots left than its minimum accepts the rest: re-cross what rests.
    this.recross(request.symbol);
  }

  onCancel(session: SimSession, request: CancelRequest): void {
    const order = this.amendTarget(session, request, "cancel");
    if (order === undefined) return;
    const dark = this.find(order);
    this.unrest(dark);
    this.settled.delete(order.request.symbol);
    session.live.delete(order.clOrdId);
    order.renameTo(request.clOrdId);
    this.cancel(dark, "requested");
  }

  onReplace(session: SimSession, request: ReplaceRequest): void {
    const order = this.amendTarget(session, request, "replace");
    if (order === undefined) return;
    const reason = this.replaceProblem(order, request);
    if (reason !== null) {
      this.cancelReject(session, request, "replace", reason);
      return;
    }
    const dark = this.find(order);
    this.settled.delete(order.request.symbol);
    const price = request.price ?? order.price;
    const keepsPriority = price === order.price && request.orderQty <= order.orderQty;
    session.live.delete(order.clOrdId);
    order.renameTo(request.clOrdId);
    session.live.set(order.clOrdId, order);
    order.orderQty = request.orderQty;
    order.price = price;
    dark.minQty = Math.min(dark.minQty, request.orderQty);
    this.send(order, "replaced");
    if (!keepsPriority) {
      this.unrest(dark);
      dark.seq = this.nextSeq++;
      const [buys, sells] = this.resting.get(order.request.symbol) as [DarkOrder[], DarkOrder[]];
      this.crossIncoming(dark, order.request.side === "buy" ? sells : buys);
      if (order.leavesQty > 0) (order.request.side === "buy" ? buys : sells).push(dark);
    }
    // A smaller order may now meet a minimum it did not before.
    this.recross(order.request.symbol);
  }

  // ---- crossing ----------------------------------------------------------------------------------------------

  /** The midpoint an order may trade at now, or NaN when the quote is unusable or outside the order's limit. */
  private midFor(dark: DarkOrder): number {
    const quote = this.quotes.nbbo(dark.order.request.symbol);
    if (!isTradableNbbo(quote)) return Number.NaN;
    const mid = (quote.bid + quote.ask) / 2;
    const limit = dark.order.price;
    if (limit === null) return mid;
    return (dark.order.request.side === "buy" ? mid <= limit : mid >= limit) ? mid : Number.NaN;
  }

  /** How much of `dark` could cross now against `contra` (for FOK). */
  private crossable(dark: DarkOrder, contra: readonly DarkOrder[]): number {
    let wanted = dark.order.leavesQty;
    let total = 0;
    for (const other of contra) {
      const qty = this.executable(dark, other, wanted);
      total += qty;
      wanted -= qty;
    }
    return total;
  }

  /** The size of a cross between two orders now, respecting limits, accounts and minimum quantities; 0 for none. */
  private executable(a: DarkOrder, b: DarkOrder, aLeaves: number = a.order.leavesQty): number {
    if (aLeaves <= 0 || a.order.request.account === b.order.request.account) return 0;
    const mid = this.midFor(a);
    if (Number.isNaN(mid) || Number.isNaN(this.midFor(b))) return 0;
    const bLeaves = b.order.leavesQty;
    const qty = Math.min(aLeaves, bLeaves);
    if (qty < Math.min(a.minQty, aLeaves) || qty < Math.min(b.minQty, bLeaves)) return 0;
    return qty;
  }

  private crossIncoming(taker: DarkOrder, contra: DarkOrder[]): void {
    for (let i = 0; i < contra.length && taker.order.leavesQty > 0; ) {
      const maker = contra[i] as DarkOrder;
      const qty = this.executable(taker, maker);
      if (qty > 0) this.execute(maker, taker, qty);
      if (maker.order.leavesQty === 0) contra.splice(i, 1);
      else i++;
    }
  }

  /** After the NBBO moved: cross resting orders that can now trade, the older of each pair being the maker. */
  private recross(symbol: string): void {
    const book = this.resting.get(symbol);
    if (book === undefined || book[0].length === 0 || book[1].length === 0) return;
    const quote = this.quotes.nbbo(symbol);
    if (!isTradableNbbo(quote)) return;
    const mid = (quote.bid + quote.ask) / 2;
    if (this.settled.get(symbol) === mid) return;
    let traded = false;
    const [buys, sells] = book;
    for (let b = 0; b < buys.length; ) {
      const buy = buys[b] as DarkOrder;
      for (let s = 0; s < sells.length && buy.order.leavesQty > 0; ) {
        const sell = sells[s] as DarkOrder;
        const qty = this.executable(buy, sell);
        if (qty > 0) {
          traded = true;
          if (buy.seq < sell.seq) this.execute(buy, sell, qty);
          else this.execute(sell, buy, qty);
        }
        if (sell.order.leavesQty === 0) sells.splice(s, 1);
        else s++;
      }
      if (buy.order.leavesQty === 0) buys.splice(b, 1);
      else b++;
    }
    // After a trade a pass may have left a pair that now meets its minimums: the next NBBO change looks again.
    if (traded) this.settled.delete(symbol);
    else this.settled.set(symbol, mid);
  }

  private execute(maker: DarkOrder, taker: DarkOrder, qty: number): void {
    const px = this.midFor(maker);
    this.fill(maker.order, "maker", px, qty);
    this.fill(taker.order, "taker", px, qty);
    this.marketData.publish({
      type: "trade",
      venueId: this.id,
      symbol: maker.order.request.symbol,
      price: px,
      qty,
      aggressor: null,
      time: this.scheduler.now(),
    });
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private find(order: VenueOrder): DarkOrder {
    const [buys, sells] = this.resting.get(order.request.symbol) as [DarkOrder[], DarkOrder[]];
    const dark = (order.request.side === "buy" ? buys : sells).find((d) => d.order === order);
    if (dark === undefined) throw new Error(`live dark order ${order.clOrdId} is not resting`);
    return dark;
  }

  private unrest(dark: DarkOrder): void {
    const [buys, sells] = this.resting.get(dark.order.request.symbol) as [DarkOrder[], DarkOrder[]];
    const list = dark.order.request.side === "buy" ? buys : sells;
    const index = list.indexOf(dark);
    if (index >= 0) list.splice(index, 1);
  }

  private cancel(dark: DarkOrder, reason: "requested" | "ioc-unfilled" | "fok-unfilled"): void {
    dark.order.session.live.delete(dark.order.clOrdId);
    this.send(dark.order, "canceled", reason);
  }
}

/** Dark-only instructions: no post-only, nothing displayed, a minimum quantity within the order. */
function instructionProblem(request: NewOrderRequest, minQty: number): VenueRejectReason | null {
  if (request.postOnly || (request.displayQty !== null && request.displayQty !== 0)) return "unsupported-instruction";
  if (!isPositiveLots(minQty) || minQty > request.orderQty) return "invalid-quantity";
  return null;
}

function sum(orders: readonly DarkOrder[]): number {
  let total = 0;
  for (const d of orders) total += d.order.leavesQty;
  return total;
}
