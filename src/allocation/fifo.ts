/**
 * Time priority: a fill goes to the earliest eligible order first, each filled up to its cap before the next gets
 * anything. Arrival order is kept through replaces (a known simplification: an exchange would send an order whose
 * quantity grows to the back of the queue).
 */
import type { ParentOrder } from "../aggregation/parent-order.js";
import type { ClientOrder } from "../model/client-order.js";
import type { AllocationPolicy } from "./allocation-policy.js";

export class FifoPolicy implements AllocationPolicy {
  readonly name = "fifo";
  readonly prefixOnly = true;

  allocate(_parent: ParentOrder, eligible: readonly ClientOrder[], caps: Float64Array, qty: number, out: Float64Array) {
    let left = qty;
    for (let i = 0; i < eligible.length; i++) {
      const give = Math.min(left, caps[i] as number);
      out[i] = give;
      left -= give;
    }
  }
}
