/**
 * The engine's live parents by what their aggregation key is made of (instrument, side, intent, window buckets), so
 * that intake finds an order's parent without building the key string: a windowed order built a fresh string per
 * order and hashed it for a `Map` lookup, which was most of `parentFor`'s time though only a tenth of the orders have a
 * window. Per instrument, one slot per (side, intent): the windowless parent, and the windowed ones by start bucket,
 * then end bucket (-1: no start, no end). See aggregation-key.ts for the buckets.
 * Invariant: holds live parents only (the engine deletes a parent when it retires it), at most one per key.
 */
import type { ParentOrder } from "../aggregation/parent-order.js";
import { INTENTS } from "../model/client-order.js";
import type { Side } from "../model/order-types.js";

/** Start bucket -> end bucket -> parent. */
type Windows = Map<number, Map<number, ParentOrder>>;

interface SymbolSlots {
  readonly windowless: (ParentOrder | undefined)[];
  readonly windowed: (Windows | undefined)[];
}

const NO_WINDOW = -1;

export class LiveParents {
  private readonly bySymbol = new Map<string, SymbolSlots>();
  /** The buckets each windowed parent was added with, to delete it. */
  private readonly windowOf = new Map<ParentOrder, readonly [number, number]>();

  /** The parent of (symbol, side, intent index in INTENTS, window buckets), or undefined. */
  get(
    symbol: string,
    side: Side,
    intentIndex: number,
    startBucket: number,
    endBucket: number,
  ): ParentOrder | undefined {
    const slots = this.bySymbol.get(symbol);
    if (slots === undefined) return undefined;
    const slot = slotOf(side, intentIndex);
    if (startBucket === NO_WINDOW && endBucket === NO_WINDOW) return slots.windowless[slot];
    return slots.windowed[slot]?.get(startBucket)?.get(endBucket);
  }

  /** Adds a live parent (none held for its key) with the window buckets of its key. */
  add(parent: ParentOrder, startBucket: number, endBucket: number): void {
    let slots = this.bySymbol.get(parent.symbol);
    if (slots === undefined) {
      slots = { windowless: new Array(2 * INTENTS.length).fill(undefined), windowed: new Array(2 * INTENTS.length) };
      this.bySymbol.set(parent.symbol, slots);
    }
    const slot = slotOf(parent.side, INTENTS.indexOf(parent.intent));
    if (startBucket === NO_WINDOW && endBucket === NO_WINDOW) {
      slots.windowless[slot] = parent;
      return;
    }
    let windows = slots.windowed[slot];
    if (windows === undefined) {
      windows = new Map();
      slots.windowed[slot] = windows;
    }
    let ends = windows.get(startBucket);
    if (ends === undefined) {
      ends = new Map();
      windows.set(startBucket, ends);
    }
    ends.set(endBucket, parent);
    this.windowOf.set(parent, [startBucket, endBucket]);
  }

  /** Forgets `parent` (a no-op when it is not held). */
  delete(parent: ParentOrder): void {
    const slots = this.bySymbol.get(parent.symbol);
    if (slots === undefined) return;
    const slot = slotOf(parent.side, INTENTS.indexOf(parent.intent));
    const window = this.windowOf.get(parent);
    if (window === undefined) {
      if (slots.windowless[slot] === parent) slots.windowless[slot] = undefined;
      return;
    }
    this.windowOf.delete(parent);
    const windows = slots.windowed[slot] as Windows;
    const ends = windows.get(window[0]) as Map<number, ParentOrder>;
    ends.delete(window[1]);
    if (ends.size === 0) windows.delete(window[0]);
  }
}

function slotOf(side: Side, intentIndex: number): number {
  return (side === "buy" ? 0 : INTENTS.length) + intentIndex;
}
