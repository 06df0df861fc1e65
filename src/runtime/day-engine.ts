/**
 * The client-order kernel of a trading day (`Engine`) made from the reference data: by the simulated day (cli/sim-day.ts),
 * the live day (live-day.ts), and the snapshot worker (snapshot-worker.ts), which must build the same kernel as the
 * live day to follow its journal.
 */
import type { AllocationPolicyConfig } from "../allocation/allocation-policy.js";
import type { Scheduler } from "../core/scheduler.js";
import { Engine } from "../engine/engine.js";
import type { EngineQuotes } from "../engine/engine-options.js";
import type { OrderReleaseOptions } from "../engine/order-release.js";
import type { RiskConfig } from "../intake/risk-config.js";
import type { SourceSpec } from "../model/client-commands.js";
import type { ReferenceData } from "../model/reference-data.js";
import { feeMicrosPerShare } from "../model/venue-spec.js";

/** What a day's kernel is configured with besides its reference data, clock and quotes. */
export interface DayKernelConfig {
  readonly sources: readonly SourceSpec[];
  readonly allocation?: AllocationPolicyConfig | undefined;
  /** Pre-trade risk limits (default: none). */
  readonly risk?: RiskConfig | undefined;
  /** Release done orders from the engine's memory (default: keep every order). */
  readonly release?: OrderReleaseOptions | undefined;
}

export function createDayEngine(
  data: ReferenceData,
  scheduler: Scheduler,
  quotes: EngineQuotes | undefined,
  config: DayKernelConfig,
): Engine {
  return new Engine({
    instruments: data.instruments,
    scheduler,
    quotes,
    sources: config.sources,
    allocation: config.allocation,
    risk: config.risk,
    release: config.release,
    // A cross saves the taker fee of the dearest lit venue it would otherwise have paid.
    crossing: { takerFeeMicrosPerShare: highestLitTakerFee(data) },
  });
}

function highestLitTakerFee(data: ReferenceData): number {
  let fee = 0;
  for (const venue of data.venues) {
    if (venue.kind === "lit") fee = Math.max(fee, feeMicrosPerShare(venue.fees.takerFeePerShare));
  }
  return fee;
}
