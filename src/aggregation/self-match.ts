/**
 * Self-match prevention's state (the rule is in internal-cross.ts, `selfMatchSitOut`): for every pair of opposing
 * parents in one instrument, the accounts that sit their crosses out and their lots by limit on each side.
 * A crossing pass runs on every arrival and quote change, and a book may hold many accounts (a robo-advisor's
 * rebalance: one per order), so the pairs are not recomputed per pass: each change of one account's crossable lots in
 * one parent updates that account's place in the parent's pairs, O(opposing parents).
 */
import { aggressiveness } from "../model/client-order.js";
import type { Side } from "../model/order-types.js";
import type { SitOut } from "./internal-cross.js";
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

  /**
   * Adds (sign 1) or takes back (sign -1) an account with these lots on each side; returns the side it sits out of
   * (null: it is not on both).
   */
  apply(account: string, buyLots: number, sellLots: number, sign: 1 | -1): Side | null {
    if (buyLots === 0 || sellLots === 0) return null;
    // The account takes part on its larger side (the buy side on a tie) and sits out on the other.
    const sitsOutOf: Side = buyLots >= sellLots ? "sell" : "buy";
    const set = this[sitsOutOf];
    if (sign === 1) set.add(account);
    else set.delete(account);
    return sitsOutOf;
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
   * `account`'s crossable lots in `parent` went from `before` to `after` by `move` of one of its orders (the opposing
   * parents unchanged). Where the account keeps sitting out on the same side, the pair's ladder follows the order;
   * where it changes side (or starts or stops sitting out), the pair's ladders are rebuilt when next asked.
   */
  accountChanged(parent: ParentOrder, account: string, before: number, after: number, move: CrossMove): void {
    const mine = this.pairs.get(parent);
    if (mine === undefined) return;
    const buy = parent.side === "buy";
    for (const [other, pair] of mine) {
      const theirs = other.crossLotsByAccount.get(account);
      if (theirs === undefined) continue;
      const was = pair.apply(account, buy ? before : theirs, buy ? theirs : before, -1);
      const is = pair.apply(account, buy ? after : theirs, buy ? theirs : after, 1);
      if (was !== is) pair.stale = true;
      else if (is === parent.side) pair.follow(is, move);
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
    pair?.lotsAt(buy, sell, price);
    return pair;
  }
}
