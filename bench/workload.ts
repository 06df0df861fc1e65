/**
 * A deterministic mixed order-book workload, modelled on exchange-core's benchmark mix: per operation about 9% new
 * resting GTC limit orders, 3% IOC limit orders priced through the touch (they really trade), 6% cancels and 82% price
 * moves by cancel/replace (a live order's price moved by a few ticks; near the touch a move sometimes crosses and
 * trades). About 1,000 orders rest over about 750 price levels around a mid that drifts as a random walk.
 *
 * Everything is decided here, before any timing: a shadow price-time book (plain orders, no self-trade prevention)
 * applies each operation as it is generated, so the generator knows which ids are live and their leaves, and no
 * operation ever targets a dead id. The tape is typed arrays (op, id, side, price, qty), so a timed loop only reads
 * numbers, and every book under test receives the identical sequence.
 *
 * Invariants: a move always changes the price and keeps qty = current leaves (the one kind of amend that every book we
 * compare treats alike: it loses time priority and re-enters as a taker). Prices stay positive integers, ids are
 * unique and never reused, quantities are positive integers.
 * The live count is steered towards the target (see generateWorkload), which shifts the realised mix by a few tenths of
 * a percent; `describeWorkload` prints the realised one.
 * Known limits: plain orders only (no hidden, iceberg, post-only, FOK or market orders), one instrument, one account.
 */
import { Random } from "../src/core/random.js";

export const OP_LIMIT_GTC = 0;
export const OP_LIMIT_IOC = 1;
export const OP_CANCEL = 2;
export const OP_MOVE = 3;
export const OP_NAMES = ["gtc", "ioc", "cancel", "move"] as const;

export const SIDE_BUY = 0;
export const SIDE_SELL = 1;

/** A sequence of operations in structure-of-arrays form. For cancels only `id` is meaningful. */
export interface OpTape {
  readonly length: number;
  readonly op: Uint8Array;
  readonly id: Uint32Array;
  readonly side: Uint8Array;
  readonly price: Int32Array;
  /** GTC/IOC: order quantity. Move: the new leaves quantity, always equal to the current leaves. */
  readonly qty: Int32Array;
}

export interface WorkloadOptions {
  seed: number;
  /** Timed operations after the setup phase. */
  ops: number;
  /** Resting orders placed by the setup phase, and the level the mix steers towards. */
  targetOrders: number;
  /** New orders rest uniformly 1..halfWidth ticks away from the mid on their side... */
  halfWidth: number;
  /** ...except this fraction, which joins 1..nearTouchTicks from the mid, keeping the touch replenished as IOCs eat it. */
  nearTouchProbability: number;
  nearTouchTicks: number;
  initialMid: number;
  /** Probability per operation that the mid moves one tick up or down. */
  midDriftProbability: number;
  /** A move shifts the price by 1..maxMoveTicks ticks, either way... */
  maxMoveTicks: number;
  /** ...except this fraction, which reprices the first order at a touch 1..maxMoveTicks ticks more aggressively. */
  touchMoveProbability: number;
  /** Quantities are uniform in 1..maxQty lots, for resting and IOC orders alike. */
  maxQty: number;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = {
  seed: 20240611,
  ops: 1_000_000,
  targetOrders: 1_000,
  halfWidth: 900,
  nearTouchProbability: 0.3,
  nearTouchTicks: 5,
  initialMid: 1_000_000,
  midDriftProbability: 0.01,
  maxMoveTicks: 4,
  touchMoveProbability: 0.03,
  maxQty: 100,
};

/** What the generator observed while building the tape, so the printed description is measured, not assumed. */
export interface WorkloadStats {
  opCounts: [number, number, number, number];
  /** Moves whose new price crossed the contra touch and traded. */
  crossingMoves: number;
  /** IOC orders that traded at least one lot (all should). */
  tradingIocs: number;
  trades: number;
  meanOrders: number;
  meanLevels: number;
  minOrders: number;
  maxOrders: number;
  finalMid: number;
}

export interface Workload {
  readonly options: WorkloadOptions;
  /** Untimed: fills an empty book to `targetOrders` non-crossing GTC orders. */
  readonly setup: OpTape;
  /** Timed. */
  readonly ops: OpTape;
  readonly stats: WorkloadStats;
  /** The shadow book's end state, to check the books under test against. */
  readonly expected: BookState;
  /** Ids live at the end, to read each book's leaves for the checksum. */
  readonly liveIds: Uint32Array;
}

/** A summary of a book's state: enough to tell whether two books saw the same operations the same way. */
export interface BookState {
  orderCount: number;
  bestBid: number;
  bestAsk: number;
  /** Sum over all live orders of id * leaves (mod 2^32): catches any difference in which orders live and how big. */
  leavesChecksum: number;
}

function allocTape(length: number): OpTape {
  return {
    length,
    op: new Uint8Array(length),
    id: new Uint32Array(length),
    side: new Uint8Array(length),
    price: new Int32Array(length),
    qty: new Int32Array(length),
  };
}

/**
 * The generator's model of the book: naive price-time priority for plain orders, enough to know which orders live and
 * with what leaves. Levels are small (one or two orders), so arrays and splices are fine here.
 */
class ShadowBook {
  readonly orderSide: Uint8Array;
  readonly orderPrice: Int32Array;
  readonly orderLeaves: Int32Array;
  /** Live ids, in no order, with each id's index, for uniform picks and O(1) removal. */
  readonly live: number[] = [];
  private readonly liveIndex: Int32Array;
  /** Price -> FIFO of ids, per side. */
  private readonly bidLevels = new Map<number, number[]>();
  private readonly askLevels = new Map<number, number[]>();
  /** Level prices ascending, per side: the best bid is the last bid, the best ask the first ask. */
  private readonly bidPrices: number[] = [];
  private readonly askPrices: number[] = [];
  trades = 0;

  constructor(maxIds: number) {
    this.orderSide = new Uint8Array(maxIds);
    this.orderPrice = new Int32Array(maxIds);
    this.orderLeaves = new Int32Array(maxIds);
    this.liveIndex = new Int32Array(maxIds).fill(-1);
  }

  get orderCount(): number {
    return this.live.length;
  }

  get levelCount(): number {
    return this.bidPrices.length + this.askPrices.length;
  }

  bestBid(): number {
    const bids = this.bidPrices;
    return bids.length === 0 ? Number.NaN : (bids[bids.length - 1] as number);
  }

  bestAsk(): number {
    const asks = this.askPrices;
    return asks.length === 0 ? Number.NaN : (asks[0] as number);
  }

  /** Matches an incoming order, then rests its remainder when `rest`. Returns the quantity traded. */
  submit(id: number, side: number, price: number, qty: number, rest: boolean): number {
    let remaining = qty;
    const contra = side === SIDE_BUY ? SIDE_SELL : SIDE_BUY;
    while (remaining > 0) {
      const best = contra === SIDE_SELL ? this.bestAsk() : this.bestBid();
      if (Number.isNaN(best) || (side === SIDE_BUY ? best > price : best < price)) break;
      const queue = this.levelsOf(contra).get(best) as number[];
      while (remaining > 0 && queue.length > 0) {
        const maker = queue[0] as number;
        const makerLeaves = this.orderLeaves[maker] as number;
        const traded = Math.min(remaining, makerLeaves);
        remaining -= traded;
        this.trades++;
        if (traded === makerLeaves) {
          queue.shift();
          this.orderLeaves[maker] = 0;
          this.unlive(maker);
        } else {
          this.orderLeaves[maker] = makerLeaves - traded;
        }
      }
      if (queue.length === 0) this.removeLevel(contra, best);
    }
    if (remaining > 0 && rest) {
      this.orderSide[id] = side;
      this.orderPrice[id] = price;
      this.orderLeaves[id] = remaining;
      let queue = this.levelsOf(side).get(price);
      if (queue === undefined) {
        queue = [];
        this.levelsOf(side).set(price, queue);
        insertSorted(this.pricesOf(side), price);
      }
      queue.push(id);
      this.liveIndex[id] = this.live.length;
      this.live.push(id);
    }
    return qty - remaining;
  }

  /** Takes a live order out of the book; returns its leaves. */
  remove(id: number): number {
    const side = this.orderSide[id] as number;
    const price = this.orderPrice[id] as number;
    const queue = this.levelsOf(side).get(price) as number[];
    queue.splice(queue.indexOf(id), 1);
    if (queue.length === 0) this.removeLevel(side, price);
    const leaves = this.orderLeaves[id] as number;
    this.orderLeaves[id] = 0;
    this.unlive(id);
    return leaves;
  }

  /** The id of the first order at the best level of a side, or 0 when the side is empty. */
  touchOrder(side: number): number {
    const best = side === SIDE_BUY ? this.bestBid() : this.bestAsk();
    return Number.isNaN(best) ? 0 : ((this.levelsOf(side).get(best) as number[])[0] as number);
  }

  leavesChecksum(): number {
    let sum = 0;
    for (const id of this.live) sum = (sum + Math.imul(id, this.orderLeaves[id] as number)) >>> 0;
    return sum;
  }

  private unlive(id: number): void {
    const index = this.liveIndex[id] as number;
    const last = this.live.pop() as number;
    if (last !== id) {
      this.live[index] = last;
      this.liveIndex[last] = index;
    }
    this.liveIndex[id] = -1;
  }

  private levelsOf(side: number): Map<number, number[]> {
    return side === SIDE_BUY ? this.bidLevels : this.askLevels;
  }

  private pricesOf(side: number): number[] {
    return side === SIDE_BUY ? this.bidPrices : this.askPrices;
  }

  private removeLevel(side: number, price: number): void {
    this.levelsOf(side).delete(price);
    const list = this.pricesOf(side);
    list.splice(lowerBound(list, price), 1);
  }
}

function lowerBound(list: number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list: number[], value: number): void {
  list.splice(lowerBound(list, value), 0, value);
}

/** Builds the setup and timed tapes. Deterministic in `options`. */
export function generateWorkload(options: WorkloadOptions = DEFAULT_WORKLOAD): Workload {
  const rng = new Random(options.seed);
  const maxIds = options.targetOrders + options.ops + 1;
  const book = new ShadowBook(maxIds);
  let nextId = 1;
  let mid = options.initialMid;
  const { halfWidth, maxMoveTicks, maxQty, targetOrders } = options;

  const setup = allocTape(targetOrders);
  for (let i = 0; i < targetOrders; i++) {
    const side = i & 1;
    const offset = rng.int(1, halfWidth);
    const price = side === SIDE_BUY ? mid - offset : mid + offset;
    const qty = rng.int(1, maxQty);
    const id = nextId++;
    setup.op[i] = OP_LIMIT_GTC;
    setup.id[i] = id;
    setup.side[i] = side;
    setup.price[i] = price;
    setup.qty[i] = qty;
    book.submit(id, side, price, qty, true);
  }

  const tape = allocTape(options.ops);
  const opCounts: [number, number, number, number] = [0, 0, 0, 0];
  let crossingMoves = 0;
  let tradingIocs = 0;
  let ordersSum = 0;
  let levelsSum = 0;
  let minOrders = Number.POSITIVE_INFINITY;
  let maxOrders = 0;
  // The mix steers the live count back towards the target: far above it a new order becomes a cancel, far below it a
  // cancel becomes a new order, so the book neither drains nor grows over a long run.
  const band = targetOrders / 50;

  for (let i = 0; i < options.ops; i++) {
    if (rng.bool(options.midDriftProbability)) mid += rng.bool(0.5) ? 1 : -1;
    const roll = rng.float();
    let op = roll < 0.09 ? OP_LIMIT_GTC : roll < 0.12 ? OP_LIMIT_IOC : roll < 0.18 ? OP_CANCEL : OP_MOVE;
    const count = book.orderCount;
    if (op === OP_LIMIT_GTC && count > targetOrders + band) op = OP_CANCEL;
    else if (op === OP_CANCEL && count < targetOrders - band) op = OP_LIMIT_GTC;
    if ((op === OP_CANCEL || op === OP_MOVE) && count === 0) op = OP_LIMIT_GTC;

    tape.op[i] = op;
    opCounts[op] = (opCounts[op] as number) + 1;
    switch (op) {
      case OP_LIMIT_GTC: {
        const side = rng.int(0, 1);
        const offset = rng.int(1, rng.bool(options.nearTouchProbability) ? options.nearTouchTicks : halfWidth);
        const price = side === SIDE_BUY ? mid - offset : mid + offset;
        const qty = rng.int(1, maxQty);
        const id = nextId++;
        tape.id[i] = id;
        tape.side[i] = side;
        tape.price[i] = price;
        tape.qty[i] = qty;
        book.submit(id, side, price, qty, true);
        break;
      }
      case OP_LIMIT_IOC: {
        const side = rng.int(0, 1);
        const touch = side === SIDE_BUY ? book.bestAsk() : book.bestBid();
        const through = rng.int(0, 2);
        const price = Number.isNaN(touch) ? mid : side === SIDE_BUY ? touch + through : touch - through;
        const qty = rng.int(1, maxQty);
        const id = nextId++;
        tape.id[i] = id;
        tape.side[i] = side;
        tape.price[i] = price;
        tape.qty[i] = qty;
        if (book.submit(id, side, price, qty, false) > 0) tradingIocs++;
        break;
      }
      case OP_CANCEL: {
        const id = book.live[rng.int(0, count - 1)] as number;
        tape.id[i] = id;
        tape.side[i] = book.orderSide[id] as number;
        tape.price[i] = book.orderPrice[id] as number;
        tape.qty[i] = book.remove(id);
        break;
      }
      case OP_MOVE: {
        const atTouch = rng.bool(options.touchMoveProbability) ? book.touchOrder(rng.int(0, 1)) : 0;
        const id = atTouch !== 0 ? atTouch : (book.live[rng.int(0, count - 1)] as number);
        const side = book.orderSide[id] as number;
        const old = book.orderPrice[id] as number;
        // Passive distance from the mid: orders left far behind by the drift, or pushed through the mid, are pulled
        // back into the band; the others wander either way. A touch order steps forward, and crosses if the spread
        // is narrower than its step.
        const distance = side === SIDE_BUY ? mid - old : old - mid;
        const ticks = rng.int(1, maxMoveTicks);
        const towardsMid = atTouch !== 0 ? true : distance > halfWidth ? true : distance < 1 ? false : rng.bool(0.5);
        const price = (side === SIDE_BUY) === towardsMid ? old + ticks : old - ticks;
        const leaves = book.remove(id);
        tape.id[i] = id;
        tape.side[i] = side;
        tape.price[i] = price;
        tape.qty[i] = leaves;
        if (book.submit(id, side, price, leaves, true) > 0) crossingMoves++;
        break;
      }
    }
    const orders = book.orderCount;
    ordersSum += orders;
    levelsSum += book.levelCount;
    if (orders < minOrders) minOrders = orders;
    if (orders > maxOrders) maxOrders = orders;
  }

  return {
    options,
    setup,
    ops: tape,
    stats: {
      opCounts,
      crossingMoves,
      tradingIocs,
      trades: book.trades,
      meanOrders: ordersSum / options.ops,
      meanLevels: levelsSum / options.ops,
      minOrders,
      maxOrders,
      finalMid: mid,
    },
    expected: {
      orderCount: book.orderCount,
      bestBid: book.bestBid(),
      bestAsk: book.bestAsk(),
      leavesChecksum: book.leavesChecksum(),
    },
    liveIds: Uint32Array.from(book.live),
  };
}

/** One paragraph describing the workload, with what was measured while generating it. */
export function describeWorkload(workload: Workload): string {
  const { options, stats } = workload;
  const total = options.ops;
  const pct = (n: number): string => `${((100 * n) / total).toFixed(1)}%`;
  const pct100 = (p: number): string => `${(100 * p).toFixed(0)}%`;
  const [gtc, ioc, cancel, move] = stats.opCounts;
  return [
    `workload: seed ${options.seed}, setup ${options.targetOrders} GTC orders, then ${total.toLocaleString("en-US")} timed ops:`,
    `  ${pct(gtc)} new GTC limit, ${pct(ioc)} IOC limit through the touch (${pct(stats.tradingIocs)} of ops traded),`,
    `  ${pct(cancel)} cancel, ${pct(move)} move by cancel/replace of 1..${options.maxMoveTicks} ticks` +
      ` (${((100 * stats.crossingMoves) / Math.max(1, move)).toFixed(2)}% of moves crossed and traded);`,
    `  ${stats.trades.toLocaleString("en-US")} trades; resting orders mean ${stats.meanOrders.toFixed(0)}` +
      ` (min ${stats.minOrders}, max ${stats.maxOrders}) over ${stats.meanLevels.toFixed(0)} price levels;`,
    `  new orders rest 1..${options.halfWidth} ticks from the mid (${pct100(options.nearTouchProbability)} of them` +
      ` 1..${options.nearTouchTicks}); ${pct100(options.touchMoveProbability)} of moves reprice a touch order forward;`,
    `  the mid starts at ${options.initialMid} and moves one tick with p=${options.midDriftProbability} per op` +
      ` (ended at ${stats.finalMid}); qty 1..${options.maxQty} lots; one account, plain orders.`,
  ].join("\n");
}
