export * from "./allocation-policy.js";
export * from "./by-account.js";
export * from "./exact-ratio.js";
export * from "./fifo.js";
export * from "./pro-rata.js";

import type { AllocationPolicy, AllocationPolicyConfig } from "./allocation-policy.js";
import { ByAccountPolicy } from "./by-account.js";
import { FifoPolicy } from "./fifo.js";
import { ProRataPolicy } from "./pro-rata.js";

export function createAllocationPolicy(config: AllocationPolicyConfig = { policy: "pro-rata" }): AllocationPolicy {
  switch (config.policy) {
    case "pro-rata":
      return new ProRataPolicy();
    case "fifo":
      return new FifoPolicy();
    case "by-account":
      return new ByAccountPolicy(config.accounts);
  }
}
