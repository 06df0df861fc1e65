/**
 * How a parent's fill is split among its constituent orders. Every policy gets the orders eligible for the fill (open,
 * started, limit allowing the fill price, and for an internal cross allowing crossing), in arrival order, each with its
 * cap (`caps[i]` > 0: the most it may take from this fill, its leaves for a market fill, what it may cross for an
 * internal cross, which a pending reduction narrows), together at least the fill, and writes whole lots per order into
 * `out` (at least as long as `eligible`; typed arrays so the hot loop never meets a holey or boxed array). Pro-rata
 * weighs the orders by their caps.
 * Contract (checked by the engine after every call, property-tested): the lots sum exactly to the fill, and no order
 * gets more than its cap.
 */
import type { ParentOrder } from "../aggregation/parent-order.js";
import type { ClientOrder } from "../model/client-order.js";

export interface AllocationPolicy {
  readonly name: string;
  /**
   * True when the policy only ever gives to a prefix of the eligible orders (in arrival order) that covers the fill:
   * the engine may then stop collecting eligible orders once their capacity covers it (a fill costs O(orders it
   * touches), not O(orders in the parent)).
   */
  readonly prefixOnly: boolean;
  allocate(
    parent: ParentOrder,
    eligible: readonly ClientOrder[],
    caps: Float64Array,
    qty: number,
    out: Float64Array,
  ): void;
}

export type AllocationPolicyConfig =
  | { readonly policy: "pro-rata" }
  | { readonly policy: "fifo" }
  | { readonly policy: "by-account"; readonly accounts: readonly string[] };
