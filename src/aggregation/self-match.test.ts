import { describe, expect, it } from "vitest";
import { ParentOrder } from "./parent-order.js";
import { SelfMatchBook } from "./self-match.js";

/** Parents whose crossable lots by account are set directly through the book's listener, as the engine wires it. */
function pair() {
  const book = new SelfMatchBook();
  const lots = new Map<ParentOrder, Map<string, number>>();
  const parent = (id: number, side: "buy" | "sell", opposing: ParentOrder[]) => {
    const p = new ParentOrder(id, `k${id}`, "ACME", side, "twap");
    const mine = new Map<string, number>();
    lots.set(p, mine);
    Object.defineProperty(p, "crossLotsByAccount", { get: () => mine });
    book.addParent(p, opposing);
    return p;
  };
  const set = (p: ParentOrder, account: string, after: number) => {
    const mine = lots.get(p) as Map<string, number>;
    const before = mine.get(account) ?? 0;
    if (after === 0) mine.delete(account);
    else mine.set(account, after);
    book.accountChanged(p, account, before, after, { fromKey: 0, fromQty: before, toKey: 0, toQty: after });
  };
  return { book, parent, set };
}

const view = (s: ReturnType<SelfMatchBook["sitOut"]>) =>
  s === undefined ? undefined : { buy: [...s.buy], sell: [...s.sell] };

describe("SelfMatchBook", () => {
  it("follows each account's lots: the larger side takes part, the buy side on a tie", () => {
    const { book, parent, set } = pair();
    const buy = parent(1, "buy", []);
    const sell = parent(2, "sell", [buy]);
    set(buy, "X", 100);
    expect(view(book.sitOut(buy, sell))).toEqual({ buy: [], sell: [] });
    set(sell, "X", 60);
    expect(view(book.sitOut(buy, sell))).toEqual({ buy: [], sell: ["X"] });
    set(buy, "X", 40); // filled down below its sell: now its buy sits out
    expect(view(book.sitOut(buy, sell))).toEqual({ buy: ["X"], sell: [] });
    set(sell, "X", 40);
    expect(view(book.sitOut(buy, sell))).toEqual({ buy: [], sell: ["X"] });
    set(buy, "X", 0);
    expect(view(book.sitOut(buy, sell))).toEqual({ buy: [], sell: [] });
  });

  it("keeps one pair per opposing parent and forgets a removed parent", () => {
    const { book, parent, set } = pair();
    const buy = parent(1, "buy", []);
    const sellA = parent(2, "sell", [buy]);
    const sellB = parent(3, "sell", [buy]);
    set(sellA, "X", 10);
    set(sellB, "Y", 10);
    set(buy, "X", 30);
    set(buy, "Y", 5);
    expect(view(book.sitOut(buy, sellA))).toEqual({ buy: [], sell: ["X"] });
    expect(view(book.sitOut(buy, sellB))).toEqual({ buy: ["Y"], sell: [] });
    book.removeParent(sellA);
    expect(book.sitOut(buy, sellA)).toBeUndefined();
    expect(view(book.sitOut(buy, sellB))).toEqual({ buy: ["Y"], sell: [] });
  });
});
