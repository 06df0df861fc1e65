/**
 * By-account priority: accounts in a configured order are served first (the first listed first), each account's
 * orders in time priority; accounts not listed come last, in time priority. A counting sort by rank keeps it O(n).
 */
import type { ParentOrder } from "../aggregation/parent-order.js";
import type { ClientOrder } from "../model/client-order.js";
import type { AllocationPolicy } from "./allocation-policy.js";

export class ByAccountPolicy implements AllocationPolicy {
  readonly name = "by-account";
  readonly prefixOnly = false;
  private readonly ranks = new Map<string, number>();

  constructor(accounts: readonly string[]) {
    accounts.forEach((account, i) => {
      if (!this.ranks.has(account)) this.ranks.set(account, i);
    });
  }

  allocate(_parent: ParentOrder, eligible: readonly ClientOrder[], caps: Float64Array, qty: number, out: Float64Array) {
    const unranked = this.ranks.size;
    const buckets: number[][] = Array.from({ length: unranked + 1 }, () => []);
    for (let i = 0; i < eligible.length; i++) {
      out[i] = 0;
      (buckets[this.ranks.get((eligible[i] as ClientOrder).account) ?? unranked] as number[]).push(i);
    }
    let left = qty;
    for (const bucket of buckets) {
      for (const i of bucket) {
        if (left === 0) return;
        const give = Math.min(left, caps[i] as number);
        out[i] = give;
        left -= give;
      }
    }
  }
}
