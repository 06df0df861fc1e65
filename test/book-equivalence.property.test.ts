/**
 * Property tests for the matching books: the fast `OrderBook` must be indistinguishable from the naive `ReferenceBook`,
 * and both must conserve quantity.
 *
 * Random command sequences (limits of every TIF, post-only, hidden and iceberg display, market IOC/FOK, cancels and
 * replaces of live, dead and unknown ids, a few accounts, prices in a five-tick band so orders cross often, and some
 * invalid quantities) drive both books under each self-trade-prevention mode. After every command the recorded
 * listener calls and the observable state (depth, best prices, order count, leaves of every id seen) must be equal.
 * Seeds are fixed, so a run is deterministic; a failure prints the shrunk command script, ready to paste into a test.
 *
 * Conservation, per order life (an id re-used after its order ended starts a new life): trades + cancelled + leaves
 * equals the quantity entered, adjusted by each replace to its new leaves; the leaves each event reports agree with
 * that ledger and with `leaves()`; the book is never crossed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Side, TimeInForce } from "../src/model/order-types.js";
import { type BookEvent, recordingListener } from "../src/venue/sim/book/matching-book.contract.js";
import type { BookListener, MatchingBook, SelfTradePrevention } from "../src/venue/sim/book/matching-book.js";
import { OrderBook } from "../src/venue/sim/book/order-book.js";
import { ReferenceBook } from "../src/venue/sim/book/reference-book.js";

const STP_MODES: readonly SelfTradePrevention[] = ["none", "cancel-resting", "cancel-incoming", "cancel-both"];
const RUNS = { seed: 42, numRuns: 300 } as const;
const UNKNOWN_ID = 1_000_000;

type MakeBook = (listener: BookListener, stp: SelfTradePrevention) => MatchingBook;
const makeReference: MakeBook = (l, s) => new ReferenceBook(l, s);
const makeFast: MakeBook = (l, s) => new OrderBook(l, s);

// ---- Commands: generated with symbolic ids, resolved against the ids issued so far when run. ----

type Display = "plain" | "hidden" | "iceberg" | "too-big";

interface LimitSpec {
  kind: "limit";
  /** Undefined: a fresh id. Otherwise the n-th issued id (live or not), to exercise duplicates and id reuse. */
  reuse: number | undefined;
  account: number;
  side: Side;
  price: number;
  /** Price at the far edge of the band instead, so the order sweeps whatever crosses (and FOKs can fill). */
  sweep: boolean;
  qty: number;
  tif: TimeInForce;
  postOnly: boolean;
  display: Display;
  /** Picks the iceberg's display quantity within 1..qty-1. */
  slicePick: number;
}

interface MarketSpec {
  kind: "market";
  reuse: number | undefined;
  account: number;
  side: Side;
  qty: number;
  tif: "ioc" | "fok";
}

interface CancelSpec {
  kind: "cancel";
  ref: number;
  unknown: boolean;
}

interface ReplaceSpec {
  kind: "replace";
  ref: number;
  unknown: boolean;
  /** Keep the order's current price (to hit the in-place path) or move to `price`. */
  samePrice: boolean;
  price: number;
  /** New leaves relative to the current ones, or the raw `qty`. */
  size: "down" | "same" | "up" | "raw";
  delta: number;
  qty: number;
}

type Spec = LimitSpec | MarketSpec | CancelSpec | ReplaceSpec;

const MIN_PRICE = 98;
const MAX_PRICE = 102;
const price = fc.integer({ min: MIN_PRICE, max: MAX_PRICE });
const account = fc.integer({ min: 1, max: 3 });
const side = fc.constantFrom<Side>("buy", "sell");
/** Mostly a fresh id; one time in eight an issued one, live (a duplicate) or finished (a legitimate reuse). */
const reuse = fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() });
/** True about one time in six. */
const rarely = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const qty = fc.oneof(
  { weight: 40, arbitrary: fc.integer({ min: 1, max: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1) },
);

const limitSpec: fc.Arbitrary<LimitSpec> = fc.record({
  kind: fc.constant("limit" as const),
  reuse,
  account,
  side,
  price,
  sweep: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  qty,
  tif: fc.constantFrom<TimeInForce>("day", "day", "gtc", "gtc", "gtc", "ioc", "fok"),
  postOnly: rarely,
  display: fc.oneof(
    { weight: 10, arbitrary: fc.constant<Display>("plain") },
    { weight: 3, arbitrary: fc.constant<Display>("hidden") },
    { weight: 5, arbitrary: fc.constant<Display>("iceberg") },
    { weight: 1, arbitrary: fc.constant<Display>("too-big") },
  ),
  slicePick: fc.nat(),
});

const marketSpec: fc.Arbitrary<MarketSpec> = fc.record({
  kind: fc.constant("market" as const),
  reuse,
  account,
  side,
  qty,
  tif: fc.constantFrom<"ioc" | "fok">("ioc", "fok"),
});

const cancelSpec: fc.Arbitrary<CancelSpec> = fc.record({
  kind: fc.constant("cancel" as const),
  ref: fc.nat(),
  unknown: rarely,
});

const replaceSpec: fc.Arbitrary<ReplaceSpec> = fc.record({
  kind: fc.constant("replace" as const),
  ref: fc.nat(),
  unknown: rarely,
  samePrice: fc.boolean(),
  price,
  size: fc.constantFrom<ReplaceSpec["size"]>("down", "same", "up", "raw"),
  delta: fc.integer({ min: 1, max: 6 }),
  qty: fc.integer({ min: -1, max: 15 }),
});

const specs = fc.array(
  fc.oneof(
    { weight: 10, arbitrary: limitSpec },
    { weight: 2, arbitrary: marketSpec },
    { weight: 3, arbitrary: cancelSpec },
    { weight: 4, arbitrary: replaceSpec },
  ),
  // "max": lengths spread over the whole range; fast-check's default size keeps arrays to about ten commands, too short
  // to build the queues (an iceberg with orders behind it, an own order two levels down) that the subtle rules need.
  { minLength: 1, maxLength: 80, size: "max" },
);

// ---- Concrete commands ----

type Command =
  | {
      kind: "limit";
      id: number;
      account: number;
      side: Side;
      price: number;
      qty: number;
      tif: TimeInForce;
      postOnly: boolean;
      displayQty: number;
    }
  | { kind: "market"; id: number; account: number; side: Side; qty: number; tif: "ioc" | "fok" }
  | { kind: "cancel"; id: number }
  | { kind: "replace"; id: number; price: number; qty: number };

function apply(book: MatchingBook, c: Command): void {
  if (c.kind === "limit") book.limit(c.id, c.account, c.side, c.price, c.qty, c.tif, c.postOnly, c.displayQty);
  else if (c.kind === "market") book.market(c.id, c.account, c.side, c.qty, c.tif);
  else if (c.kind === "cancel") book.cancel(c.id);
  else book.replace(c.id, c.price, c.qty);
}

/** The command as a line of TypeScript, so a shrunk failure can be pasted straight into a contract test. */
function script(c: Command): string {
  switch (c.kind) {
    case "limit":
      return `book.limit(${c.id}, ${c.account}, "${c.side}", ${c.price}, ${c.qty}, "${c.tif}", ${c.postOnly}, ${c.displayQty});`;
    case "market":
      return `book.market(${c.id}, ${c.account}, "${c.side}", ${c.qty}, "${c.tif}");`;
    case "cancel":
      return `book.cancel(${c.id});`;
    case "replace":
      return `book.replace(${c.id}, ${c.price}, ${c.qty});`;
  }
}

/**
 * Turns symbolic specs into concrete commands one at a time. Replace sizes depend on the order's current leaves and
 * price, read from the reference book and its events, so both books always receive the very same command.
 */
class Resolver {
  private readonly issued: number[] = [];
  private readonly lastPrice = new Map<number, number>();
  private nextId = 1;

  constructor(private readonly reference: MatchingBook) {}

  resolve(spec: Spec): Command {
    switch (spec.kind) {
      case "limit": {
        const id = this.entryId(spec.reuse);
        const displayQty = this.displayQty(spec);
        const { account, side, qty, tif, postOnly } = spec;
        const price = spec.sweep ? (side === "buy" ? MAX_PRICE : MIN_PRICE) : spec.price;
        return { kind: "limit", id, account, side, price, qty, tif, postOnly, displayQty };
      }
      case "market": {
        const id = this.entryId(spec.reuse);
        return { kind: "market", id, account: spec.account, side: spec.side, qty: spec.qty, tif: spec.tif };
      }
      case "cancel":
        return { kind: "cancel", id: this.refId(spec.ref, spec.unknown) };
      case "replace": {
        const id = this.refId(spec.ref, spec.unknown);
        const leaves = this.reference.leaves(id);
        const current = this.lastPrice.get(id);
        const price = spec.samePrice && current !== undefined ? current : spec.price;
        const sizes = { down: leaves - spec.delta, same: leaves, up: leaves + spec.delta, raw: spec.qty };
        return { kind: "replace", id, price, qty: leaves > 0 ? sizes[spec.size] : spec.qty };
      }
    }
  }

  /** Learns resting prices from the reference book's events, for same-price replaces. */
  observe(events: readonly BookEvent[]): void {
    for (const e of events) {
      if (e[0] === "rested" || e[0] === "replaced") this.lastPrice.set(e[1] as number, e[2] as number);
    }
  }

  private entryId(reuse: number | undefined): number {
    if (reuse !== undefined && this.issued.length > 0) return this.issued[reuse % this.issued.length] as number;
    const id = this.nextId++;
    this.issued.push(id);
    return id;
  }

  /**
   * Mostly a live order (read from the reference book, so both books get the same id); when `unknown`, an id never
   * issued or one whose order has ended.
   */
  private refId(ref: number, unknown: boolean): number {
    const live = this.issued.filter((id) => this.reference.leaves(id) > 0);
    if (!unknown && live.length > 0) return live[ref % live.length] as number;
    if (ref % 2 === 0 || this.issued.length === 0) return UNKNOWN_ID + ref;
    return this.issued[ref % this.issued.length] as number;
  }

  private displayQty(spec: LimitSpec): number {
    switch (spec.display) {
      case "plain":
        return spec.qty;
      case "hidden":
        return 0;
      case "iceberg":
        return spec.qty > 1 ? 1 + (spec.slicePick % (spec.qty - 1)) : spec.qty;
      case "too-big":
        return spec.qty + 1;
    }
  }

  get ids(): readonly number[] {
    return this.issued;
  }
}

/** Everything a caller can observe of a book without commands. */
function observe(book: MatchingBook, ids: readonly number[]): unknown {
  return {
    bids: book.depth("buy", 1000),
    asks: book.depth("sell", 1000),
    topBids: book.depth("buy", 2),
    bestBid: book.bestPrice("buy"),
    bestAsk: book.bestPrice("sell"),
    bestShownBid: book.bestDisplayedPrice("buy"),
    bestShownAsk: book.bestDisplayedPrice("sell"),
    orderCount: book.orderCount,
    leaves: ids.map((id) => [id, book.leaves(id)]),
  };
}

class Failure extends Error {
  constructor(stp: SelfTradePrevention, done: readonly Command[], detail: string) {
    const lines = done.map(script).join("\n");
    super(`${detail}\n-- stp: ${stp}; script (last line failed):\n${lines}`);
  }
}

function runEquivalence(stp: SelfTradePrevention, sequence: readonly Spec[]): void {
  const refEvents: BookEvent[] = [];
  const fastEvents: BookEvent[] = [];
  const reference = makeReference(recordingListener(refEvents), stp);
  const fast = makeFast(recordingListener(fastEvents), stp);
  const resolver = new Resolver(reference);
  const done: Command[] = [];
  for (const spec of sequence) {
    const command = resolver.resolve(spec);
    done.push(command);
    apply(reference, command);
    try {
      apply(fast, command);
    } catch (error) {
      throw new Failure(stp, done, `OrderBook threw: ${(error as Error).stack ?? String(error)}`);
    }
    const expected = refEvents.splice(0);
    const actual = fastEvents.splice(0);
    resolver.observe(expected);
    const events = JSON.stringify(actual) === JSON.stringify(expected);
    if (!events) {
      throw new Failure(
        stp,
        done,
        `events differ\n  reference: ${JSON.stringify(expected)}\n  order-book: ${JSON.stringify(actual)}`,
      );
    }
    const refState = observe(reference, resolver.ids);
    const fastState = observe(fast, resolver.ids);
    if (JSON.stringify(refState) !== JSON.stringify(fastState)) {
      throw new Failure(
        stp,
        done,
        `state differs\n  reference: ${JSON.stringify(refState)}\n  order-book: ${JSON.stringify(fastState)}`,
      );
    }
  }
}

// ---- Conservation ----

interface Life {
  /** Quantity entered, moved by each replace to the new leaves. */
  basis: number;
  filled: number;
  cancelled: number;
  leaves: number;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

function runConservation(make: MakeBook, stp: SelfTradePrevention, sequence: readonly Spec[]): void {
  const events: BookEvent[] = [];
  const book = make(recordingListener(events), stp);
  const resolver = new Resolver(book);
  const lives = new Map<number, Life>();
  const done: Command[] = [];
  const life = (id: number): Life => {
    const found = lives.get(id);
    if (found === undefined) throw new Error(`event for order ${id}, which was never accepted`);
    return found;
  };
  for (const spec of sequence) {
    const command = resolver.resolve(spec);
    done.push(command);
    apply(book, command);
    const emitted = events.splice(0);
    resolver.observe(emitted);
    try {
      const entering = command.kind === "limit" || command.kind === "market";
      const rejected = emitted[0]?.[0] === "rejected";
      if (entering && !rejected)
        lives.set(command.id, { basis: command.qty, filled: 0, cancelled: 0, leaves: command.qty });
      for (const e of emitted) {
        switch (e[0]) {
          case "trade": {
            const [, makerId, takerId, , q, makerLeaves, takerLeaves] = e as [
              string,
              number,
              number,
              number,
              number,
              number,
              number,
            ];
            check(q > 0, `trade of ${q}`);
            const maker = life(makerId);
            const taker = life(takerId);
            for (const [who, reported] of [
              [maker, makerLeaves],
              [taker, takerLeaves],
            ] as const) {
              who.filled += q;
              who.leaves -= q;
              check(who.leaves === reported && reported >= 0, `trade reports leaves ${reported}, ledger ${who.leaves}`);
            }
            break;
          }
          case "cancelled": {
            const l = life(e[1] as number);
            check(l.leaves === e[2], `cancel of ${e[2]} with ledger leaves ${l.leaves}`);
            l.cancelled += l.leaves;
            l.leaves = 0;
            break;
          }
          case "rested":
            check(
              life(e[1] as number).leaves === e[3],
              `rested ${e[3]} with ledger leaves ${life(e[1] as number).leaves}`,
            );
            break;
          case "replaced": {
            const l = life(e[1] as number);
            l.basis += (e[3] as number) - l.leaves;
            l.leaves = e[3] as number;
            break;
          }
        }
      }
      let resting = 0;
      for (const [id, l] of lives) {
        check(l.filled + l.cancelled + l.leaves === l.basis, `order ${id}: ${JSON.stringify(l)} does not add up`);
        check(book.leaves(id) === l.leaves, `order ${id}: leaves() ${book.leaves(id)}, ledger ${l.leaves}`);
        if (l.leaves > 0) resting++;
      }
      check(book.orderCount === resting, `orderCount ${book.orderCount}, ledger ${resting}`);
      if (entering && command.tif !== "day" && command.tif !== "gtc") {
        check(book.leaves(command.id) === 0 || rejected, `an ${command.tif} order ${command.id} rests`);
      }
      const bid = book.bestPrice("buy");
      const ask = book.bestPrice("sell");
      check(Number.isNaN(bid) || Number.isNaN(ask) || bid < ask, `crossed book: bid ${bid}, ask ${ask}`);
    } catch (error) {
      throw new Failure(stp, done, (error as Error).message);
    }
  }
}

describe("OrderBook behaves exactly like ReferenceBook", () => {
  for (const stp of STP_MODES) {
    it(`same events and state after every command, self-trade prevention ${stp}`, () => {
      fc.assert(
        fc.property(specs, (sequence) => runEquivalence(stp, sequence)),
        RUNS,
      );
    });
  }
});

describe("matching conserves quantity", () => {
  for (const [name, make] of [
    ["ReferenceBook", makeReference],
    ["OrderBook", makeFast],
  ] as const) {
    for (const stp of STP_MODES) {
      it(`${name}: traded + cancelled + leaves = quantity as replaced, self-trade prevention ${stp}`, () => {
        fc.assert(
          fc.property(specs, (sequence) => runConservation(make, stp, sequence)),
          RUNS,
        );
      });
    }
  }
});

describe("the generator reaches the interesting paths", () => {
  it("a sample of sequences produces every kind of event and reason", () => {
    const seen = new Set<string>();
    for (const sequence of fc.sample(specs, { seed: 42, numRuns: 200 })) {
      for (const stp of STP_MODES) {
        const events: BookEvent[] = [];
        const book = makeReference(recordingListener(events), stp);
        const resolver = new Resolver(book);
        for (const spec of sequence) {
          apply(book, resolver.resolve(spec));
          const emitted = events.splice(0);
          resolver.observe(emitted);
          for (const e of emitted) {
            seen.add(String(e[0]));
            if (typeof e[2] === "string") seen.add(e[2]);
            if (typeof e[3] === "string") seen.add(e[3]);
          }
        }
      }
    }
    expect([...seen].sort()).toEqual(
      [
        "rejected",
        "trade",
        "rested",
        "cancelled",
        "cancelRejected",
        "replaced",
        "replaceRejected",
        "depth",
        "duplicate-order-id",
        "invalid-quantity",
        "post-only-would-take",
        "requested",
        "ioc-unfilled",
        "fok-unfilled",
        "self-trade",
        "unknown-order",
      ].sort(),
    );
  });
});
