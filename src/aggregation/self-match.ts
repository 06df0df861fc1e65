/**
 * Self-match prevention's state (the rule is in internal-cross.ts, `selfMatchSitOut`): for every pair of opposing
 * parents in one instrument, the accounts that sit their crosses out and the lots they leave out on each side.
 * A crossing pass runs on every arrival and quote change, and a book may hold many accounts (a robo-advisor's
 * rebalance: one per order), so the pairs are not recomputed per pass: each change of one account's crossable lots in
 * one parent updates that account's place in the parent's pairs, O(opposing parents).
 */
import type { Side } from "../model/order-types.js";
import type { SitOut } from "./internal-cross.js";
import type { ParentOrder } from "./parent-order.js";

class PairSitOut implements SitOut {
  readonly buy = new Set<string>();
  readonly sell = new Set<string>();
  buyQty = 0;
  sellQty = 0;

  /** Adds (sign 1) or takes back (sign -1) an account with these lots on each side. */
  apply(account: string, buyLots: number, sellLots: number, sign: 1 | -1): void {
    if (buyLots === 0 || sellLots === 0) return;
    // The account takes part on its larger side (the buy side on a tie) and sits out on the other.
    const sitsOutOf: Side = buyLots >= sellLots ? "sell" : "buy";
    const set = this[sitsOutOf];
    if (sign === 1) set.add(account);
    else set.delete(account);
    if (sitsOutOf === "sell") this.sellQty += sign * sellLots;
    else this.buyQty += sign * buyLots;
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

  /** `account`'s crossable lots in `parent` went from `before` to `after` (the opposing parents unchanged). */
  accountChanged(parent: ParentOrder, account: string, before: number, after: number): void {
    const mine = this.pairs.get(parent);
    if (mine === undefined) return;
    const buy = parent.side === "buy";
    for (const [other, pair] of mine) {
      const theirs = other.crossLotsByAccount.get(account);
      if (theirs === undefined) continue;
      pair.apply(account, buy ? before : theirs, buy ? theirs : before, -1);
      pair.apply(account, buy ? after : theirs, buy ? theirs : after, 1);
    }
  }

  /** Who sits out of a cross between the two. */
  sitOut(buy: ParentOrder, sell: ParentOrder): SitOut | undefined {
    return this.pairs.get(buy)?.get(sell);
  }
}
