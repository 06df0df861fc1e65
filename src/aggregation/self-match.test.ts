import { describe, expect, it } from "vitest";
import { ClientOrder } from "../model/client-order.js";
import type { Side } from "../model/order-types.js";
import { ParentOrder } from "./parent-order.js";
import { SelfMatchBook } from "./self-match.js";

/** Parents in ACME wired to one book as the engine wires them, and crossable limit orders joining them. */
function book() {
  const selfMatch = new SelfMatchBook();
  const bySide: Record<Side, Set<ParentOrder>> = { buy: new Set(), sell: new Set() };
  let nextOrder = 1;
  const parent = (side: Side) => {
    const p = new ParentOrder(bySide.buy.size + bySide.sell.size + 1, `k-${side}`, "ACME", side, "twap");
    p.trackCrossAccounts((q, account, before, after, move) =>
      selfMatch.accountChanged(q, account, before, after, move),
    );
    selfMatch.addParent(p, bySide[side === "buy" ? "sell" : "buy"]);
    bySide[side].add(p);
    return p;
  };
  /** A started limit order of `account` for `qty` lots at `limit` that allows crossing, joined to `p`. */
  const order = (p: ParentOrder, account: string, qty: number, limit: number) => {
    const id = nextOrder++;
    const o = ClientOrder.create(
      id,
      {
        clOrdId: `O${id}`,
        source: "OMS",
        account,
        symbol: "ACME",
        side: p.side as Side,
        ordType: "limit",
        orderQty: qty,
        limitPrice: limit,
        urgency: null,
        strategy: null,
        startTime: null,
        endTime: null,
        maxParticipation: null,
        allowCross: true,
        tags: {},
      },
      0,
      null,
      {},
    );
    p.join(o);
    return o;
  };
  /** `o` filled by `qty` lots. */
  const fill = (p: ParentOrder, o: ClientOrder, qty: number) => {
    o.cumQty += qty;
    p.refresh(o);
  };
  /** `p` leaves the books, as the engine retires it. */
  const retire = (p: ParentOrder) => {
    bySide[p.side as Side].delete(p);
    selfMatch.removeParent(p);
  };
  return { selfMatch, parent, order, fill, retire };
}

/** Who sits out (a pair not kept: no one). */
const view = (s: ReturnType<SelfMatchBook["sitOut"]>) => ({ buy: [...(s?.buy ?? [])], sell: [...(s?.sell ?? [])] });

describe("SelfMatchBook", () => {
  it("follows each account's lots: the larger side takes part, the buy side on a tie", () => {
    const { selfMatch, parent, order, fill } = book();
    const buy = parent("buy");
    const sell = parent("sell");
    const b = order(buy, "X", 100, 10_000);
    expect(view(selfMatch.sitOut(buy, sell))).toEqual({ buy: [], sell: [] });
    const s = order(sell, "X", 60, 9_000);
    expect(view(selfMatch.sitOut(buy, sell))).toEqual({ buy: [], sell: ["X"] });
    fill(buy, b, 60); // filled down below its sell: now its buy sits out
    expect(view(selfMatch.sitOut(buy, sell))).toEqual({ buy: ["X"], sell: [] });
    fill(sell, s, 20);
    expect(view(selfMatch.sitOut(buy, sell))).toEqual({ buy: [], sell: ["X"] });
    fill(buy, b, 40);
    expect(view(selfMatch.sitOut(buy, sell))).toEqual({ buy: [], sell: [] });
  });

  it("keeps one pair per opposing parent and forgets a removed parent", () => {
    const { selfMatch, parent, order, retire } = book();
    const buy = parent("buy");
    const sellA = parent("sell");
    const sellB = parent("sell");
    order(sellA, "X", 10, 9_000);
    order(sellB, "Y", 10, 9_000);
    order(buy, "X", 30, 10_000);
    order(buy, "Y", 5, 10_000);
    expect(view(selfMatch.sitOut(buy, sellA))).toEqual({ buy: [], sell: ["X"] });
    expect(view(selfMatch.sitOut(buy, sellB))).toEqual({ buy: ["Y"], sell: [] });
    retire(sellA);
    expect(selfMatch.sitOut(buy, sellA)).toBeUndefined();
    expect(view(selfMatch.sitOut(buy, sellB))).toEqual({ buy: ["Y"], sell: [] });
  });

  it("keeps a pair only while an account is on both of its sides, however many parents face each other", () => {
    const { selfMatch, parent, order, fill } = book();
    const buys = Array.from({ length: 50 }, () => parent("buy"));
    const sells = Array.from({ length: 50 }, () => parent("sell"));
    // 2,500 pairs of opposing parents, each account on one side only: nothing to keep.
    for (const [i, p] of buys.entries()) order(p, `B${i}`, 10, 10_000);
    for (const [i, p] of sells.entries()) order(p, `S${i}`, 10, 9_000);
    expect(selfMatch.pairCount).toBe(0);
    // One account that buys in one parent and sells in two: two pairs, until its buy is filled.
    const b = order(buys[0] as ParentOrder, "X", 20, 10_000);
    order(sells[0] as ParentOrder, "X", 10, 9_000);
    order(sells[1] as ParentOrder, "X", 30, 9_000);
    expect(selfMatch.pairCount).toBe(2);
    expect(view(selfMatch.sitOut(buys[0] as ParentOrder, sells[0] as ParentOrder))).toEqual({ buy: [], sell: ["X"] });
    expect(view(selfMatch.sitOut(buys[0] as ParentOrder, sells[1] as ParentOrder))).toEqual({ buy: ["X"], sell: [] });
    fill(buys[0] as ParentOrder, b, 20);
    expect(selfMatch.pairCount).toBe(0);
  });

  it("keeps the sitting-out lots by limit as accounts change side, as the orders would give them", () => {
    const { selfMatch, parent, order, fill } = book();
    const buy = parent("buy");
    const sell = parent("sell");
    // X buys 70 at two limits and sells 50: its sell sits out. Y only buys.
    const x1 = order(buy, "X", 40, 10_100);
    const x2 = order(buy, "X", 30, 9_900);
    order(buy, "Y", 25, 10_000);
    const xs = order(sell, "X", 50, 9_950);
    const at = (price: number) => {
      const s = selfMatch.sitOutAt(buy, sell, price);
      expect(selfMatch.laddersInStep(buy, sell)).toBe(true);
      return [s?.buyAtPrice, s?.sellAtPrice];
    };
    // The sell at 99.50 may cross at 100.00 and below 99.50 not at all.
    expect(at(10_000)).toEqual([0, 50]);
    expect(at(9_940)).toEqual([0, 0]);
    // X's buys fill down to 30 (all at 99.00), below its 50 to sell: the buy side sits out now, by limit.
    fill(buy, x1, 40);
    expect(view(selfMatch.sitOut(buy, sell))).toEqual({ buy: ["X"], sell: [] });
    expect(at(10_000)).toEqual([0, 0]);
    expect(at(9_900)).toEqual([30, 0]);
    // A sitting-out order fills and its account stays on the same side: the pair's ladder follows the order.
    fill(buy, x2, 5);
    expect(at(9_900)).toEqual([25, 0]);
    // Its sell fills by 30: 20 left against 25 to buy, so back to the sell side; then more of the buy fills.
    fill(sell, xs, 30);
    expect(view(selfMatch.sitOut(buy, sell))).toEqual({ buy: [], sell: ["X"] });
    expect(at(10_000)).toEqual([0, 20]);
    expect(at(9_900)).toEqual([0, 0]);
    fill(buy, x2, 10); // 15 to buy against 20 to sell: the buy sits out again
    expect(at(9_900)).toEqual([15, 0]);
  });
});
