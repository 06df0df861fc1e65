/**
 * Self-match prevention's state (the rule is in internal-cross.ts, `selfMatchSitOut`): for every pair of opposing
 * parents in one instrument with an account on both sides, the accounts that sit their crosses out and their lots by
 * limit on each side.
 * A crossing pass runs on every arrival and quote change, and a book may hold many accounts (a robo-advisor's
 * rebalance: one per order), so the pairs are not recomputed per pass: each change of one account's crossable lots in
 * one parent updates that account's place in the parent's pairs, O(opposing parents).
 */
import { aggressiveness } from "../model/client-order.js";
import type { Side } from "../model/order-types.js";
import { type SitOut, sitsOutOf } from "./internal-cross.js";
import type { CrossMove, ParentOrder } from "./parent-order.js";
import { PriceLadder } from "./price-ladder.js";

const EMPTY_LADDER = new PriceLadder();

class PairSitOut implements SitOut {
  readonly buy = new Set<string>();
  readonly sell = new Set<string>();
  /** The sitting-out lots that may cross at the price last asked, per side (`lotsAt`). */
  buyAtPrice = 0;
  sellAtPrice = 0;
  /** The sitting-out accounts' crossable lots by limit, per side; stale when one of their orders changed. */
  private buyLadder = EMPTY_LADDER;
  private sellLadder = EMPTY_LADDER;
  stale = false;

  /**
   * Notes the lots the sitting-out accounts could cross at `price` on each side (`buyAtPrice`, `sellAtPrice`). Their
   * orders are read once per change of them, into a ladder by limit, not per price: crossing passes ask at every quote.
   */
  lotsAt(buy: ParentOrder, sell: ParentOrder, price: number): void {
    if (this.stale) {
      this.buyLadder = this.buy.size === 0 ? EMPTY_LADDER : buy.crossableLadderOf(this.buy);
      this.sellLadder = this.sell.size === 0 ? EMPTY_LADDER : sell.crossableLadderOf(this.sell);
      this.stale = false;
    }
    this.buyAtPrice = this.buyLadder.atOrAbove(aggressiveness("buy", price));
    this.sellAtPrice = this.sellLadder.atOrAbove(aggressiveness("sell", price));
  }

  /** Whether the ladders, unless stale, hold what the orders hold now (audit). */
  laddersInStep(buy: ParentOrder, sell: ParentOrder): boolean {
    if (this.stale) return true;
    const same = (a: PriceLadder, b: PriceLadder) => a.sameLevels(b);
    return (
      same(this.buyLadder, buy.crossableLadderOf(this.buy)) && same(this.sellLadder, sell.crossableLadderOf(this.sell))
    );
  }

  /** `account` sat out of `was` and now sits out of `is` (null: neither side). */
  moveAccount(account: string, was: Side | null, is: Side | null): void {
    if (was !== null) this[was].delete(account);
    if (is !== null) this[is].add(account);
  }

  /** No account sits out on either side: the pair holds nothing. */
  get empty(): boolean {
    return this.buy.size === 0 && this.sell.size === 0;
  }

  /** One order of an account sitting out on `side` changed: its ladder follows (unless it is to be rebuilt). */
  follow(side: Side, move: CrossMove): void {
    const ladder = side === "buy" ? this.buyLadder : this.sellLadder;
    if (this.stale) return;
    if (ladder === EMPTY_LADDER) this.stale = true;
    else ladder.move(move.fromKey, move.fromQty, move.toKey, move.toQty);
  }
}

export class SelfMatchBook {
  /**
   * Each parent's pairs, by the opposing parent (both parents of a pair hold the same object): only pairs with an
   * account on both sides. A book may hold thousands of parents a side in one instrument (one per intent and window),
   * and a pair for every buy and sell parent would grow with their product.
   */
  private readonly pairs = new Map<ParentOrder, Map<ParentOrder, PairSitOut>>();
  /** Each parent's opposing parents in its instrument: the engine's live set of them. */
  private readonly opposing = new Map<ParentOrder, ReadonlySet<ParentOrder>>();

  /** A new parent, before any order joins it, with the live set of the opposing parents of its instrument. */
  addParent(parent: ParentOrder, opposing: ReadonlySet<ParentOrder>): void {
    this.pairs.set(parent, new Map());
    this.opposing.set(parent, opposing);
  }

  removeParent(parent: ParentOrder): void {
    const mine = this.pairs.get(parent);
    if (mine === undefined) return;
    for (const other of mine.keys()) this.pairs.get(other)?.delete(parent);
    this.pairs.delete(parent);
    this.opposing.delete(parent);
  }

  /**
   * `account`'s crossable lots in `parent` went from `before` to `after` by `move` of one of its orders (the opposing
   * parents unchanged). Where the account keeps sitting out on the same side, the pair's ladder follows the order;
   * where it changes side (or starts or stops sitting out), the pair's ladders are rebuilt when next asked. A pair is
   * made when an account first sits out of it, and dropped when none does any more.
   */
  accountChanged(parent: ParentOrder, account: string, before: number, after: number, move: CrossMove): void {
    const mine = this.pairs.get(parent);
    const opposing = this.opposing.get(parent);
    if (mine === undefined || opposing === undefined) return;
    const buy = parent.side === "buy";
    for (const other of opposing) {
      const theirs = other.crossLotsByAccount.get(account);
      if (theirs === undefined) continue;
      const was = sitsOutOf(buy ? before : theirs, buy ? theirs : before);
      const is = sitsOutOf(buy ? after : theirs, buy ? theirs : after);
      if (was === null && is === null) continue;
      let pair = mine.get(other);
      if (pair === undefined) {
        pair = new PairSitOut();
        mine.set(other, pair);
        this.pairs.get(other)?.set(parent, pair);
      }
      pair.moveAccount(account, was, is);
      if (pair.empty) {
        mine.delete(other);
        this.pairs.get(other)?.delete(parent);
      } else if (was !== is) pair.stale = true;
      else if (is === parent.side) pair.follow(is, move);
    }
  }

  /** Pairs kept (each counted once): those with an account sitting out. */
  get pairCount(): number {
    let n = 0;
    for (const mine of this.pairs.values()) n += mine.size;
    return n / 2;
  }

  /** Who sits out of a cross between the two (undefined: no one). */
  sitOut(buy: ParentOrder, sell: ParentOrder): SitOut | undefined {
    return this.pairs.get(buy)?.get(sell);
  }

  /** Whether the pair's cached lots by limit are in step with the orders (audit); true for a pair not kept. */
  laddersInStep(buy: ParentOrder, sell: ParentOrder): boolean {
    return this.pairs.get(buy)?.get(sell)?.laddersInStep(buy, sell) ?? true;
  }

  /**
   * Who sits out of a cross between the two at `price`, with the lots they would have crossed there on each side
   * (undefined: no one).
   */
  sitOutAt(
    buy: ParentOrder,
    sell: ParentOrder,
    price: number,
  ): (SitOut & { readonly buyAtPrice: number; readonly sellAtPrice: number }) | undefined {
    const pair = this.pairs.get(buy)?.get(sell);
    pair?.lotsAt(buy, sell, price);
    return pair;
  }
}
