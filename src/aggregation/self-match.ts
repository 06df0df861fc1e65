/**
 * Self-match prevention's state (the rule is in internal-cross.ts, `selfMatchSitOut`): for every pair of opposing
 * parents in one instrument, the accounts that sit their crosses out and their lots by limit on each side.
 * A crossing pass runs on every arrival and quote change, and a book may hold many accounts (a robo-advisor's
 * rebalance: one per order), so the pairs are not recomputed per pass: each change of one account's crossable lots in
 * one parent updates that account's place in the parent's pairs, O(opposing parents), and moves its levels between
 * the pair's ladders when it changes side, O(its levels).
 */
import { aggressiveness } from "../model/client-order.js";
import type { Side } from "../model/order-types.js";
import type { SitOut } from "./internal-cross.js";
import type { CrossMove, ParentOrder } from "./parent-order.js";
import { PriceLadder } from "./price-ladder.js";

const EMPTY = new PriceLadder();

/** The side an account with these crossable lots on each side sits out of (null: it is not on both). */
function sitsOutOf(buyLots: number, sellLots: number): Side | null {
  if (buyLots === 0 || sellLots === 0) return null;
  // The account takes part on its larger side (the buy side on a tie) and sits out on the other.
  return buyLots >= sellLots ? "sell" : "buy";
}

class PairSitOut implements SitOut {
  readonly buy = new Set<string>();
  readonly sell = new Set<string>();
  /** The sitting-out lots that may cross at the price last asked, per side (`lotsAt`). */
  buyAtPrice = 0;
  sellAtPrice = 0;
  /** The sitting-out accounts' crossable lots by limit, per side: the sum of their ladders in that side's parent. */
  private buyLadder: PriceLadder | null = null;
  private sellLadder: PriceLadder | null = null;

  /** Notes the lots the sitting-out accounts could cross at `price` on each side (`buyAtPrice`, `sellAtPrice`). */
  lotsAt(price: number): void {
    this.buyAtPrice = this.buyLadder === null ? 0 : this.buyLadder.atOrAbove(aggressiveness("buy", price));
    this.sellAtPrice = this.sellLadder === null ? 0 : this.sellLadder.atOrAbove(aggressiveness("sell", price));
  }

  /** Whether the ladders hold what the sitting-out accounts' orders hold now (audit). */
  laddersInStep(buy: ParentOrder, sell: ParentOrder): boolean {
    const same = (kept: PriceLadder | null, fresh: PriceLadder) => (kept ?? EMPTY).sameLevels(fresh);
    return (
      same(this.buyLadder, buy.crossableLadderOf(this.buy)) && same(this.sellLadder, sell.crossableLadderOf(this.sell))
    );
  }

  /**
   * `account` went from sitting out of `was` to sitting out of `is` (null: neither) after `move` of one of its orders
   * on the `moved` side; `here` and `there` are its ladders after the move in that side's parent and in the other
   * (undefined: none).
   */
  change(
    account: string,
    was: Side | null,
    is: Side | null,
    moved: Side,
    move: CrossMove,
    here: PriceLadder | undefined,
    there: PriceLadder | undefined,
  ): void {
    // A sitting-out account's ladder follows its order: the pair's side then holds its lots after the move.
    if (was === moved) this.ladder(was).move(move.fromKey, move.fromQty, move.toKey, move.toQty);
    if (was === is) return;
    if (was !== null) {
      this[was].delete(account);
      const lots = was === moved ? here : there;
      if (lots !== undefined) this.ladder(was).addLevels(lots, -1);
    }
    if (is !== null) {
      this[is].add(account);
      const lots = is === moved ? here : there;
      if (lots !== undefined) this.ladder(is).addLevels(lots, 1);
    }
  }

  private ladder(side: Side): PriceLadder {
    if (side === "buy") {
      this.buyLadder ??= new PriceLadder();
      return this.buyLadder;
    }
    this.sellLadder ??= new PriceLadder();
    return this.sellLadder;
  }
}

export class SelfMatchBook {
  /** Each parent's pairs, by the opposing parent (both parents of a pair hold the same object). */
  private readonly pairs = new Map<ParentOrder, Map<ParentOrder, PairSitOut>>();

  /** A new parent, before any order joins it, with the opposing parents of its instrument. */
  addParent(parent: ParentOrder, opposing: Iterable<ParentOrder>): void {
    const mine = new Map<ParentOrder, PairSitOut>();
    this.pairs.set(parent, mine);
    for (const other of opposing) {
      const pair = new PairSitOut();
      mine.set(other, pair);
      this.pairs.get(other)?.set(parent, pair);
    }
  }

  removeParent(parent: ParentOrder): void {
    const mine = this.pairs.get(parent);
    if (mine === undefined) return;
    for (const other of mine.keys()) this.pairs.get(other)?.delete(parent);
    this.pairs.delete(parent);
  }

  /**
   * `account`'s crossable lots in `parent` went from `before` to `after` (any price) by `move` of one of its orders (the
   * opposing parents unchanged): its place in each of the parent's pairs, and the pair's lots by limit, follow. Where
   * the account changes side, its levels move from one side's ladder to the other: O(its levels), not O(orders).
   */
  accountChanged(parent: ParentOrder, account: string, before: number, after: number, move: CrossMove): void {
    const mine = this.pairs.get(parent);
    if (mine === undefined) return;
    const moved = parent.side as Side;
    const buy = moved === "buy";
    for (const [other, pair] of mine) {
      const theirs = other.crossableByAccount.get(account);
      if (theirs === undefined) continue;
      const t = theirs.total;
      const was = sitsOutOf(buy ? before : t, buy ? t : before);
      const is = sitsOutOf(buy ? after : t, buy ? t : after);
      if (was === null && is === null) continue;
      pair.change(account, was, is, moved, move, parent.crossableByAccount.get(account), theirs);
    }
  }

  /** Who sits out of a cross between the two. */
  sitOut(buy: ParentOrder, sell: ParentOrder): SitOut | undefined {
    return this.pairs.get(buy)?.get(sell);
  }

  /** Whether the pair's cached lots by limit are in step with the orders (audit); true for a pair not kept. */
  laddersInStep(buy: ParentOrder, sell: ParentOrder): boolean {
    return this.pairs.get(buy)?.get(sell)?.laddersInStep(buy, sell) ?? true;
  }

  /** Who sits out of a cross between the two at `price`, with the lots they would have crossed there on each side. */
  sitOutAt(
    buy: ParentOrder,
    sell: ParentOrder,
    price: number,
  ): (SitOut & { readonly buyAtPrice: number; readonly sellAtPrice: number }) | undefined {
    const pair = this.pairs.get(buy)?.get(sell);
    pair?.lotsAt(price);
    return pair;
  }
}
