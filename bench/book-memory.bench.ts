/**
 * Memory of a deep book: one `OrderBook` holding 1,000,000 resting orders, non-crossing, spread over many price levels
 * on both sides. Baselines measured in the same run: the raw cost of the layer below (the same orders as plain objects
 * in a `Map` keyed by id, the least any order-level book in JavaScript keeps) and nodejs-order-book holding the same
 * orders.
 *
 * Method: a full GC, read the heap, build and fill the structure, a full GC, read again; the difference is what the
 * structure retains. Heap used plus ArrayBuffer backing stores (typed arrays live outside the V8 heap) is counted, so a
 * book that moves its state into typed arrays is not flattered. The GC works with or without `node --expose-gc`
 * (see harness.ts). Known limit: the three measurements share one process; each is a difference of two readings, so
 * what an earlier one left behind cancels out.
 */
import { OrderBook as NodejsOrderBook, Side as NodejsSide } from "nodejs-order-book";
import { SILENT_LISTENER } from "../src/venue/sim/book/matching-book.js";
import { OrderBook } from "../src/venue/sim/book/order-book.js";
import { collectGarbage, mb, pad } from "./harness.js";

export interface BookMemoryOptions {
  orders: number;
  levelsPerSide: number;
}

export const DEFAULT_BOOK_MEMORY: BookMemoryOptions = { orders: 1_000_000, levelsPerSide: 10_000 };

/** Best bid at MID - 1, best ask at MID + 1; prices stay positive for nodejs-order-book. */
const MID = 1_000_000;

/** The i-th order: alternating sides, round-robin over the levels from the far end in, qty 1..100. */
function orderAt(i: number, levelsPerSide: number): { side: number; price: number; qty: number } {
  const side = i & 1;
  const distance = levelsPerSide - ((i >> 1) % levelsPerSide);
  return { side, price: side === 0 ? MID - distance : MID + distance, qty: 1 + ((i * 7919) % 100) };
}

function heapNow(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

interface Measurement {
  bytes: number;
  fillMs: number;
  check: string;
}

/** Builds a structure with `build`, keeps it alive until measured, reports the retained bytes. */
function measure<T>(build: () => T, describe: (built: T) => string): Measurement {
  collectGarbage();
  const before = heapNow();
  const t0 = process.hrtime.bigint();
  const built = build();
  const fillMs = Number(process.hrtime.bigint() - t0) / 1e6;
  collectGarbage();
  const bytes = heapNow() - before;
  return { bytes, fillMs, check: describe(built) };
}

export interface BookMemoryResult {
  tributaryBytes: number;
  mapBytes: number;
  nodejsBytes: number;
}

export function runBookMemoryBench(options: BookMemoryOptions, log: (line: string) => void): BookMemoryResult {
  const { orders, levelsPerSide } = options;
  log(
    `workload: ${orders.toLocaleString("en-US")} resting GTC orders, non-crossing, alternating sides, round-robin over` +
      ` ${levelsPerSide.toLocaleString("en-US")} levels per side (${Math.round(orders / (2 * levelsPerSide))} orders` +
      ` per level), qty 1..100, ids 1..${orders.toLocaleString("en-US")}`,
  );

  const map = measure(
    () => {
      const m = new Map<number, { id: number; account: number; side: number; price: number; qty: number }>();
      for (let i = 0; i < orders; i++) {
        const o = orderAt(i, levelsPerSide);
        m.set(i + 1, { id: i + 1, account: 1, side: o.side, price: o.price, qty: o.qty });
      }
      return m;
    },
    (m) => `${m.size} entries`,
  );

  const tributary = measure(
    () => {
      const book = new OrderBook(SILENT_LISTENER, "none");
      for (let i = 0; i < orders; i++) {
        const o = orderAt(i, levelsPerSide);
        book.limit(i + 1, 1, o.side === 0 ? "buy" : "sell", o.price, o.qty, "gtc", false, o.qty);
      }
      return book;
    },
    (book) => `${book.orderCount} orders, bid ${book.bestPrice("buy")}, ask ${book.bestPrice("sell")}`,
  );

  const nodejs = measure(
    () => {
      const book = new NodejsOrderBook();
      for (let i = 0; i < orders; i++) {
        const o = orderAt(i, levelsPerSide);
        // Integer ids, as in the throughput bench: nodejs-order-book only uses them as object keys.
        book.limit({
          id: (i + 1) as unknown as string,
          side: o.side === 0 ? NodejsSide.BUY : NodejsSide.SELL,
          price: o.price,
          size: o.qty,
        });
      }
      return book;
    },
    (book) => {
      const [asks, bids] = book.depth();
      return `${asks.length + bids.length} levels, bid ${bids[0]?.[0]}, ask ${asks[0]?.[0]}`;
    },
  );

  const row = (name: string, m: Measurement): string =>
    `  ${name.padEnd(44)} ${pad(mb(m.bytes), 11)} ${pad((m.bytes / orders).toFixed(0), 5)} B/order` +
    `   built in ${m.fillMs.toFixed(0)} ms (${m.check})`;
  log("retained heap (heapUsed + arrayBuffers, after full GC):");
  log(row("tributary OrderBook", tributary));
  log(row("baseline: Map<id, {id,account,side,price,qty}>", map));
  log(row("baseline: nodejs-order-book", nodejs));
  log(
    `  ratio tributary / Map of plain objects: ${(tributary.bytes / map.bytes).toFixed(2)}x;` +
      ` tributary / nodejs-order-book: ${(tributary.bytes / nodejs.bytes).toFixed(2)}x;` +
      ` target < 300 MB: ${tributary.bytes < 300e6 ? "met" : "NOT met"}`,
  );
  return { tributaryBytes: tributary.bytes, mapBytes: map.bytes, nodejsBytes: nodejs.bytes };
}
