/**
 * Builds a TCA report (tca-rows.ts) from engine events in seq order, whatever their source: the live engine (the demo
 * listens), or a stored journal's payloads (`tributary tca`). `add` keeps only what TCA needs; `finish` measures.
 *
 * Definitions (README "Transaction cost analysis"), s = +1 buy / -1 sell:
 * - A client order's decision price is the mid at its arrival (order-accepted.arrivalMid); trading starts at its
 *   parent algorithm's arrival mid when the algorithm started after the order arrived, else at the decision price
 *   (an order that joins a working parent trades at once); it ends when its leaves reach 0 (filled, cancelled,
 *   expired), or at the last event. Its fills are its allocations, at the parent fill's price, with the fee shared
 *   pro rata. Perold's shortfall and parts come from execution-cost.ts.
 * - A parent's shortfall and Perold parts are its orders': in currency their sum, in bps their mean weighted by value
 *   at arrival (so a parent that grows as orders join is charged from each order's own decision price). Its other
 *   measures use its quantity (the sum of its orders'), its quantity-weighted decision and start prices, its end (the
 *   last end of its orders) and its fills (every parent-filled, internal crosses included).
 * - Schedule tracking is measured on the parent's whole quantity (orders that join later included), from the
 *   algorithm's start to the end of its window, of the parent, or of the recording, whichever is first; a client
 *   order's on its own quantity, from when it arrived (or the algorithm started) over the rest of the window.
 * - Benchmarks come from the market bars (market-series.ts); participation counts venue fills only (a cross is no
 *   print). Schedule tracking compares executed with the schedule each second of the algorithm's window: the time
 *   fraction for TWAP, the Almgren-Chriss trajectory of its first plan for IS (journaled on algo-chosen; journals
 *   without it: the time fraction), the market-volume fraction for VWAP and POV.
 * - A fill's mid (effective and realised spread, markouts' origin) is the NBBO the engine saw when it applied the fill
 *   (on parent-filled); journals without it: the last 1 s bar's close.
 * Invariants: every fill in the report belongs to a parent it has seen created; instruments give the scales (price
 * units -> currency, lots -> shares), and an event for an instrument it does not know is an error the caller reports.
 */
import { holdingsFraction } from "../algo/almgren-chriss.js";
import { MICROS_PER_SECOND, microsToIso } from "../core/clock.js";
import { InvariantError } from "../core/errors.js";
import type {
  AlgoChosen,
  ChildOrderChanged,
  EngineEvent,
  FillAllocated,
  InternalCross,
  OrderAccepted,
  ParentFilled,
} from "../model/client-events.js";
import { INTERNAL_VENUE } from "../model/client-events.js";
import type { Instrument } from "../model/instrument.js";
import type { Side } from "../model/order-types.js";
import { type ExecutedFill, implementationShortfall, slippageBps } from "./execution-cost.js";
import { MarketSeries } from "./market-series.js";
import {
  effectiveSpreadBps,
  markoutBps,
  markoutColumns,
  REALISED_SPREAD_HORIZON,
  realisedSpreadBps,
} from "./markouts.js";
import { aggregateFills, type ChildInfo, weightedMean } from "./tca-groups.js";
import {
  type CostColumns,
  type FillRow,
  type Markouts,
  NO_ALGO,
  NO_LOGIC,
  type OrderRow,
  type ParentCharts,
  type ParentRow,
  type TcaReport,
  type TcaTotals,
} from "./tca-rows.js";

/** Chart points kept per parent series. */
const CHART_POINTS = 400;

/** A fill as a client order (or parent) got it: lots, price units, its share of the fee. */
interface OrderFill {
  readonly time: number;
  readonly qty: number;
  readonly price: number;
  readonly feeMicros: number;
  readonly venue: string;
}

interface OrderState {
  readonly accepted: OrderAccepted;
  orderQty: number;
  endTime: number | null;
  readonly fills: OrderFill[];
}

interface ParentState {
  readonly parentId: number;
  readonly symbol: string;
  readonly side: Side;
  readonly createdAt: number;
  algo: AlgoChosen | null;
  readonly orders: OrderState[];
  readonly fills: ParentFilled[];
}

const isNumber = (x: number): boolean => Number.isFinite(x);
const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export class TcaBuilder {
  private readonly orders = new Map<number, OrderState>();
  private readonly parents = new Map<number, ParentState>();
  private readonly fillsById = new Map<number, ParentFilled>();
  private readonly children = new Map<string, ChildInfo>();
  private readonly logicOf = new Map<string, string>();
  private readonly markets = new Map<string, MarketSeries>();
  private readonly crosses: InternalCross[] = [];
  private lastTime = Number.NEGATIVE_INFINITY;

  /** With `onlyParent`, the report covers that parent alone (its orders, fills, children, crosses), on every bar. */
  constructor(
    private readonly instruments: ReadonlyMap<string, Instrument>,
    private readonly onlyParent: number | null = null,
  ) {}

  add(event: EngineEvent): void {
    this.lastTime = Math.max(this.lastTime, event.time);
    if (this.onlyParent !== null && !this.concernsParent(event, this.onlyParent)) return;
    switch (event.type) {
      case "parent-created":
        this.parents.set(event.parentId, {
          parentId: event.parentId,
          symbol: event.symbol,
          side: event.side,
          createdAt: event.time,
          algo: null,
          orders: [],
          fills: [],
        });
        return;
      case "order-accepted": {
        const order: OrderState = { accepted: event, orderQty: event.orderQty, endTime: null, fills: [] };
        this.orders.set(event.orderId, order);
        this.parent(event.parentId).orders.push(order);
        return;
      }
      case "execution-report": {
        const order = this.orders.get(event.orderId);
        if (order === undefined) throw new InvariantError(`TCA: execution report for unknown order ${event.orderId}`);
        order.orderQty = event.orderQty;
        if (event.leavesQty === 0 && order.endTime === null) order.endTime = event.time;
        return;
      }
      case "algo-chosen":
        this.parent(event.parentId).algo ??= event;
        return;
      case "parent-filled":
        this.parent(event.parentId).fills.push(event);
        this.fillsById.set(event.fillId, event);
        return;
      case "fill-allocated":
        this.allocate(event);
        return;
      case "child-order":
        this.child(event);
        return;
      case "routing-decision":
        for (const c of event.children) this.logicOf.set(c.childId, event.logic);
        return;
      case "internal-cross":
        this.crosses.push(event);
        return;
      case "market-bar":
        this.market(event.symbol).add(event);
        return;
      default:
        return;
    }
  }

  finish(): TcaReport {
    const fills: FillRow[] = [];
    const parents: ParentRow[] = [];
    const charts: ParentCharts[] = [];
    for (const [childId, child] of this.children) child.logic = this.logicOf.get(childId) ?? null;
    const orders = [...this.orders.values()].map((o) => this.orderRow(o));
    const ordersOf = new Map<number, OrderRow[]>();
    for (const o of orders) {
      const list = ordersOf.get(o.parentId);
      if (list === undefined) ordersOf.set(o.parentId, [o]);
      else list.push(o);
    }
    for (const p of this.parents.values()) {
      if (p.orders.length === 0) continue;
      const instrument = this.instrument(p.symbol);
      const market = this.market(p.symbol);
      const start = p.algo?.time ?? p.createdAt;
      for (const f of p.fills) fills.push(this.fillRow(p, f, start, instrument, market));
      const end = this.parentEnd(p);
      const quantity = p.orders.reduce((sum, o) => sum + o.orderQty, 0);
      const tracking = scheduleTracking(p.algo, p.algo?.startTime ?? 0, end, quantity, p.fills, market);
      parents.push(this.parentRow(p, ordersOf.get(p.parentId) ?? [], instrument, market, tracking));
      charts.push(this.parentCharts(p, instrument, market, tracking));
    }
    const children = this.children;
    const algoOf = (f: FillRow) => f.algo ?? NO_ALGO;
    return {
      totals: totals(orders.length, parents, fills),
      orders,
      parents,
      fills,
      venues: aggregateFills(
        fills,
        children,
        (f) => f.venue,
        (c) => c.venue,
      ),
      logics: aggregateFills(
        fills,
        children,
        (f) => f.routingLogic ?? (f.childId === null ? INTERNAL_VENUE : NO_LOGIC),
        (c) => c.logic ?? NO_LOGIC,
      ),
      tactics: aggregateFills(
        fills,
        children,
        (f) => f.tactic ?? INTERNAL_VENUE,
        (c) => c.tactic,
      ),
      strategies: aggregateFills(fills, children, algoOf, (c) => c.algo ?? NO_ALGO),
      crossing: this.crossing(),
      charts,
    };
  }

  /** Whether an event is about the parent (a market bar is about every parent). */
  private concernsParent(event: EngineEvent, parentId: number): boolean {
    switch (event.type) {
      case "market-bar":
        return true;
      case "internal-cross":
        return event.buyParentId === parentId || event.sellParentId === parentId;
      case "execution-report":
        return this.orders.has(event.orderId);
      default:
        return "parentId" in event && event.parentId === parentId;
    }
  }

  private parent(parentId: number): ParentState {
    const p = this.parents.get(parentId);
    if (p === undefined) throw new InvariantError(`TCA: event for parent ${parentId} before its creation`);
    return p;
  }

  private market(symbol: string): MarketSeries {
    let m = this.markets.get(symbol);
    if (m === undefined) {
      m = new MarketSeries(symbol);
      this.markets.set(symbol, m);
    }
    return m;
  }

  private instrument(symbol: string): Instrument {
    const i = this.instruments.get(symbol);
    if (i === undefined) throw new InvariantError(`TCA: no reference data for instrument ${symbol}`);
    return i;
  }

  private allocate(event: FillAllocated): void {
    const fill = this.fillsById.get(event.fillId);
    if (fill === undefined) throw new InvariantError(`TCA: allocation of unknown fill ${event.fillId}`);
    for (const a of event.allocations) {
      const order = this.orders.get(a.orderId);
      if (order === undefined) throw new InvariantError(`TCA: allocation to unknown order ${a.orderId}`);
      order.fills.push({
        time: event.time,
        qty: a.qty,
        price: event.price,
        feeMicros: (fill.feeMicros * a.qty) / fill.qty,
        venue: fill.venue,
      });
    }
  }

  private child(event: ChildOrderChanged): void {
    const known = this.children.get(event.childId);
    if (known !== undefined) {
      known.orderQty = Math.max(known.orderQty, event.orderQty);
      return;
    }
    this.children.set(event.childId, {
      venue: event.venue,
      tactic: event.tactic,
      logic: null,
      algo: this.parents.get(event.parentId)?.algo?.algo ?? null,
      orderQty: event.orderQty,
      shares: this.instrument(event.symbol).quantityToShares(1),
    });
  }

  private fillRow(
    p: ParentState,
    f: ParentFilled,
    start: number,
    instrument: Instrument,
    market: MarketSeries,
  ): FillRow {
    const price = instrument.priceToNumber(f.price);
    // The NBBO the engine saw when it applied the fill; journals from before it was recorded: the last bar's close.
    const quoted = f.bid != null && f.ask != null && f.bid < f.ask ? (f.bid + f.ask) / 2 : null;
    const mid = instrument.priceToNumber(quoted ?? market.midAt(f.time));
    const vwap = instrument.priceToNumber(market.vwap(start, f.time));
    const later = (h: number) => {
      const t = f.time + h * MICROS_PER_SECOND;
      return market.covers(t) ? instrument.priceToNumber(market.midAt(t)) : Number.NaN;
    };
    const child = f.childId === null ? undefined : this.children.get(f.childId);
    return {
      fillId: f.fillId,
      parentId: p.parentId,
      childId: f.childId,
      time: microsToIso(f.time),
      symbol: p.symbol,
      side: p.side,
      venue: f.venue,
      tactic: child?.tactic ?? null,
      routingLogic: child?.logic ?? null,
      algo: p.algo?.algo ?? null,
      liquidity: f.liquidity,
      qty: instrument.quantityToShares(f.qty),
      price,
      fee: f.feeMicros / 1e6,
      mid: orNull(mid),
      benchmarkVwap: orNull(vwap),
      performanceBps: orNull(-slippageBps(p.side, price, vwap)),
      effectiveSpreadBps: orNull(effectiveSpreadBps(p.side, price, mid)),
      realisedSpreadBps: orNull(realisedSpreadBps(p.side, price, mid, later(REALISED_SPREAD_HORIZON))),
      ...markoutColumns((h) => markoutBps(p.side, price, later(h))),
    };
  }

  private parentRow(
    p: ParentState,
    orderRows: readonly OrderRow[],
    instrument: Instrument,
    market: MarketSeries,
    tracking: Tracking | null,
  ): ParentRow {
    let orderQty = 0;
    let weightedArrival = 0;
    let weightedStart = 0;
    let arrival = Number.POSITIVE_INFINITY;
    for (const o of p.orders) {
      const decision = this.decisionPrice(o, market);
      orderQty += o.orderQty;
      weightedArrival += o.orderQty * decision;
      weightedStart += o.orderQty * this.startPrice(o, p.algo, decision);
      arrival = Math.min(arrival, o.accepted.time);
    }
    const end = this.parentEnd(p);
    const decision = orderQty > 0 ? weightedArrival / orderQty : Number.NaN;
    const start = orderQty > 0 ? weightedStart / orderQty : Number.NaN;
    const fills = p.fills;
    const cost = costColumns(
      p.side,
      p.symbol,
      p.algo,
      instrument,
      market,
      orderQty,
      fills,
      arrival,
      end,
      decision,
      start,
      tracking,
    );
    const internal = fills.reduce((sum, f) => sum + (f.venue === INTERNAL_VENUE ? f.qty : 0), 0);
    // The shortfall of a parent is its orders' (each against its own decision price), so that it adds up: in
    // currency the parent's is the sum of its orders', in bps their mean weighted by value at arrival.
    const value = (o: OrderRow) => o.orderQty * (o.arrivalPrice ?? 0);
    const ofOrders = (pick: (o: OrderRow) => number | null) => weightedMean(orderRows, pick, value);
    return {
      parentId: p.parentId,
      ...cost,
      shortfallBps: ofOrders((o) => o.shortfallBps),
      delayBps: ofOrders((o) => o.delayBps),
      tradingBps: ofOrders((o) => o.tradingBps),
      opportunityBps: ofOrders((o) => o.opportunityBps),
      feeBps: ofOrders((o) => o.feeBps),
      urgency: p.algo?.urgency ?? null,
      orders: p.orders.length,
      internalQty: instrument.quantityToShares(internal),
    };
  }

  private orderRow(o: OrderState): OrderRow {
    const a = o.accepted;
    const p = this.parent(a.parentId);
    const instrument = this.instrument(a.symbol);
    const market = this.market(a.symbol);
    const decision = this.decisionPrice(o, market);
    const algo = p.algo;
    const start = this.startPrice(o, algo, decision);
    const end = o.endTime ?? this.lastTime;
    // The order's own schedule: its quantity over what is left of the parent's window when it arrived.
    const from = algo === null ? a.time : Math.max(algo.startTime, a.time);
    const tracking = scheduleTracking(algo, from, end, o.orderQty, o.fills, market);
    const cost = costColumns(
      a.side,
      a.symbol,
      algo,
      instrument,
      market,
      o.orderQty,
      o.fills,
      a.time,
      end,
      decision,
      start,
      tracking,
    );
    return {
      orderId: a.orderId,
      clOrdId: a.clOrdId,
      source: a.source,
      account: a.account,
      parentId: a.parentId,
      ...cost,
    };
  }

  /** When the parent's last order ended. */
  private parentEnd(p: ParentState): number {
    let end = Number.NEGATIVE_INFINITY;
    for (const o of p.orders) end = Math.max(end, o.endTime ?? this.lastTime);
    return end;
  }

  /** When the order started trading: the algorithm's arrival mid if it started after the order came, else decision. */
  private startPrice(o: OrderState, algo: AlgoChosen | null, decision: number): number {
    return algo !== null && algo.time >= o.accepted.time && algo.arrivalMid !== null ? algo.arrivalMid : decision;
  }

  /** The mid at the order's arrival, from the order when it has one, else from the bars. */
  private decisionPrice(o: OrderState, market: MarketSeries): number {
    return o.accepted.arrivalMid ?? market.midAt(o.accepted.time);
  }

  private parentCharts(
    p: ParentState,
    instrument: Instrument,
    market: MarketSeries,
    tracking: Tracking | null,
  ): ParentCharts {
    const [starts, mids] = market.midSeries();
    const from = Math.min(p.createdAt, p.algo?.startTime ?? p.createdAt);
    const lastFill = p.fills.length === 0 ? from : (p.fills[p.fills.length - 1] as ParentFilled).time;
    const to = Math.max(lastFill, p.algo?.endTime ?? lastFill);
    const priceTimes: number[] = [];
    const priceMids: (number | null)[] = [];
    const inWindow: number[] = [];
    for (let i = 0; i < starts.length; i++) {
      const t = starts[i] as number;
      if (t >= from - MICROS_PER_SECOND && t <= to) inWindow.push(i);
    }
    const step = Math.max(1, Math.ceil(inWindow.length / CHART_POINTS));
    for (let k = 0; k < inWindow.length; k += step) {
      const i = inWindow[k] as number;
      priceTimes.push(((starts[i] as number) + MICROS_PER_SECOND) / MICROS_PER_SECOND);
      priceMids.push(orNull(instrument.priceToNumber(mids[i] as number)));
    }
    return {
      parentId: p.parentId,
      priceTimes,
      mids: priceMids,
      fillTimes: p.fills.map((f) => f.time / MICROS_PER_SECOND),
      fillPrices: p.fills.map((f) => instrument.priceToNumber(f.price)),
      scheduleTimes: tracking?.times ?? [],
      executedPct: tracking?.executedPct ?? [],
      scheduledPct: tracking?.scheduledPct ?? [],
    };
  }

  private crossing() {
    let qty = 0;
    let notional = 0;
    let saving = 0;
    for (const c of this.crosses) {
      const instrument = this.instrument(c.symbol);
      const shares = instrument.quantityToShares(c.qty);
      qty += shares;
      notional += shares * instrument.priceToNumber(c.price);
      saving += c.saving;
    }
    return {
      crosses: this.crosses.length,
      qty,
      notional,
      saving,
      savingBps: notional > 0 ? (saving / notional) * 1e4 : null,
    };
  }
}

/** Shortfall, its Perold parts, the VWAP benchmarks and schedule tracking of an order (or parent), arrival to end. */
function costColumns(
  side: Side,
  symbol: string,
  algo: AlgoChosen | null,
  instrument: Instrument,
  market: MarketSeries,
  orderLots: number,
  fills: readonly OrderFill[],
  arrival: number,
  end: number,
  decisionUnits: number,
  startUnits: number,
  tracking: Tracking | null,
): CostColumns {
  const executed: ExecutedFill[] = [];
  let venueLots = 0;
  let executedLots = 0;
  let feeMicros = 0;
  for (const f of fills) {
    executedLots += f.qty;
    executed.push({
      shares: instrument.quantityToShares(f.qty),
      price: instrument.priceToNumber(f.price),
      fee: f.feeMicros / 1e6,
    });
    if (f.venue !== INTERNAL_VENUE) venueLots += f.qty;
    feeMicros += f.feeMicros;
  }
  const orderShares = instrument.quantityToShares(orderLots);
  const decision = instrument.priceToNumber(decisionUnits);
  const endMid = instrument.priceToNumber(market.midAt(end));
  const s = implementationShortfall({
    side,
    orderShares,
    arrivalPrice: decision,
    startPrice: isNumber(startUnits) ? instrument.priceToNumber(startUnits) : decision,
    fills: executed,
    // Fully executed: nothing is left to value, whatever the quote at the end.
    endPrice: isNumber(endMid) ? endMid : decision,
  });
  const unexecutedOpen = executedLots < orderLots && !isNumber(endMid);
  const intervalVwap = instrument.priceToNumber(market.vwap(arrival, end));
  const dayVwap = instrument.priceToNumber(market.dayVwap());
  const volume = market.volume(arrival, end);
  const bps = (x: number): number | null => (unexecutedOpen ? null : orNull(x));
  return {
    side,
    symbol,
    algo: algo?.algo ?? null,
    orderQty: orderShares,
    // From whole lots, so a filled order's executed quantity is its order quantity exactly (a sum of shares in floats
    // is not: 481.55530000000016 of 481.5553).
    executedQty: instrument.quantityToShares(executedLots),
    fills: fills.length,
    avgPrice: orNull(s.averagePrice),
    arrivalTime: microsToIso(arrival),
    endTime: microsToIso(end),
    arrivalPrice: orNull(decision),
    startPrice: isNumber(startUnits) ? instrument.priceToNumber(startUnits) : orNull(decision),
    endPrice: orNull(endMid),
    fees: feeMicros / 1e6,
    shortfallBps: bps(s.bps),
    delayBps: bps(s.delayBps),
    tradingBps: bps(s.tradingBps),
    opportunityBps: bps(s.opportunityBps),
    feeBps: bps(s.feeBps),
    intervalVwap: orNull(intervalVwap),
    intervalVwapSlippageBps: orNull(slippageBps(side, s.averagePrice, intervalVwap)),
    dayVwap: orNull(dayVwap),
    dayVwapSlippageBps: orNull(slippageBps(side, s.averagePrice, dayVwap)),
    participation: volume > 0 ? venueLots / volume : null,
    scheduleRmsPct: tracking === null ? null : orNull(tracking.rmsPct),
    scheduleMaxPct: tracking === null ? null : orNull(tracking.maxPct),
  };
}

/** Lots executed at a time (a parent fill or an order's allocation), in time order. */
interface Timed {
  readonly time: number;
  readonly qty: number;
}

interface Tracking {
  readonly rmsPct: number;
  readonly maxPct: number;
  readonly times: number[];
  readonly executedPct: number[];
  readonly scheduledPct: number[];
}

/**
 * Executed vs scheduled fraction of `quantity` (lots), each second from `from` to the end of the algorithm's window,
 * of the work (`end`) or of the recording, whichever is first; null without an algorithm or a measurable window.
 */
function scheduleTracking(
  algo: AlgoChosen | null,
  from: number,
  end: number,
  quantity: number,
  fills: readonly Timed[],
  market: MarketSeries,
): Tracking | null {
  if (algo === null || quantity <= 0 || algo.endTime <= from) return null;
  const to = Math.min(algo.endTime, end, isNumber(market.lastEnd) ? market.lastEnd : end);
  const byVolume = algo.algo === "vwap" || algo.algo === "pov";
  const windowVolume = market.volume(from, algo.endTime - 1);
  if (byVolume && windowVolume <= 0) return null;
  const seconds = Math.floor((to - from) / MICROS_PER_SECOND);
  if (seconds <= 0) return null;
  const trajectory = isTrajectory(algo, from);
  const step = Math.max(1, Math.ceil(seconds / CHART_POINTS));
  let sumSquares = 0;
  let worst = 0;
  let k = 0;
  let done = 0;
  const times: number[] = [];
  const executedPct: number[] = [];
  const scheduledPct: number[] = [];
  for (let i = 1; i <= seconds; i++) {
    const t = from + i * MICROS_PER_SECOND;
    for (; k < fills.length && (fills[k] as Timed).time < t; k++) done += (fills[k] as Timed).qty;
    const executed = Math.min(1, done / quantity);
    const target = byVolume
      ? Math.min(1, market.volume(from, t - 1) / windowVolume)
      : trajectory === null
        ? (t - from) / (algo.endTime - from)
        : trajectory(t);
    const d = executed - target;
    sumSquares += d * d;
    worst = Math.max(worst, Math.abs(d));
    if (i % step === 0 || i === seconds) {
      times.push(t / MICROS_PER_SECOND);
      executedPct.push(executed * 100);
      scheduledPct.push(target * 100);
    }
  }
  return { rmsPct: Math.sqrt(sumSquares / seconds) * 100, maxPct: worst * 100, times, executedPct, scheduledPct };
}

/**
 * The IS algorithm's own schedule as a fraction done by t, from `from` on: its Almgren-Chriss trajectory planned at the
 * algo-chosen event (lots left h(t) = sinh(kappa (T - t)) / sinh(kappa (T - t0))), rescaled to what was left at
 * `from`; null for other algorithms or a journal without the trajectory (TCA then uses the time fraction).
 */
function isTrajectory(algo: AlgoChosen, from: number): ((t: number) => number) | null {
  const kappa = algo.kappaPerSecond;
  if (algo.algo !== "is" || kappa == null) return null;
  const horizon = (algo.endTime - algo.time) / MICROS_PER_SECOND;
  const left = (t: number) => holdingsFraction(kappa, horizon, (t - algo.time) / MICROS_PER_SECOND);
  const atFrom = left(from);
  if (!(atFrom > 0)) return null;
  return (t) => (atFrom - left(t)) / atFrom;
}

function totals(orders: number, parents: readonly ParentRow[], fills: readonly FillRow[]): TcaTotals {
  const value = (p: ParentRow) => p.orderQty * (p.arrivalPrice ?? 0);
  const executedValue = (p: ParentRow) => p.executedQty * (p.avgPrice ?? 0);
  const notional = (f: FillRow) => f.qty * f.price;
  return {
    orders,
    parents: parents.length,
    fills: fills.length,
    executedQty: fills.reduce((s, f) => s + f.qty, 0),
    executedNotional: fills.reduce((s, f) => s + f.qty * f.price, 0),
    fees: fills.reduce((s, f) => s + f.fee, 0),
    shortfallBps: weightedMean(parents, (p) => p.shortfallBps, value),
    delayBps: weightedMean(parents, (p) => p.delayBps, value),
    tradingBps: weightedMean(parents, (p) => p.tradingBps, value),
    opportunityBps: weightedMean(parents, (p) => p.opportunityBps, value),
    feeBps: weightedMean(parents, (p) => p.feeBps, value),
    intervalVwapSlippageBps: weightedMean(parents, (p) => p.intervalVwapSlippageBps, executedValue),
    effectiveSpreadBps: weightedMean(fills, (f) => f.effectiveSpreadBps, notional),
    ...markoutColumns(
      (h) => weightedMean(fills, (f) => f[`markout${h}sBps` as keyof Markouts], notional) ?? Number.NaN,
    ),
  };
}
