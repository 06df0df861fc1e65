/**
 * What an `Engine` is built from: validated reference data, the scheduler (its clock and timers), the quote source,
 * the order sources, risk limits and the allocation policy. Everything optional has a safe default.
 */
import type { AllocationPolicyConfig } from "../allocation/allocation-policy.js";
import type { Scheduler } from "../core/scheduler.js";
import type { RiskConfig } from "../intake/risk-config.js";
import type { SourceSpec } from "../model/client-commands.js";
import type { Instrument } from "../model/instrument.js";
import type { OrderReleaseOptions } from "./order-release.js";

/** The NBBO the engine reads (the consolidated quote implements it). */
export interface EngineQuotes {
  nbbo(symbol: string): { readonly bid: number; readonly ask: number };
  onChange?(listener: (symbol: string) => void): void;
}

export interface EngineOptions {
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly scheduler: Scheduler;
  /** Order sources; an order naming any other source is refused (`unknown-source`). */
  readonly sources: readonly SourceSpec[];
  /** NBBO for the arrival mid, the collar's reference price and internal crosses; none = instrument reference prices. */
  readonly quotes?: EngineQuotes | undefined;
  readonly risk?: RiskConfig | undefined;
  readonly allocation?: AllocationPolicyConfig | undefined;
  /** Grain of the aggregation time window, µs (default 5 minutes). */
  readonly windowGrainMicros?: number | undefined;
  readonly crossing?:
    | {
        /** Default true. */
        readonly enabled?: boolean | undefined;
        /** Taker fee a cross avoids, millionths of the currency per share, for the savings report (default 0). */
        readonly takerFeeMicrosPerShare?: number | undefined;
        /** Also try to cross whenever the NBBO of an instrument changes (default true when quotes can notify). */
        readonly onQuoteChange?: boolean | undefined;
        /**
         * "prevent" (default): no account is on both sides of one cross (aggregation/internal-cross.ts); "allow":
         * an account's buy and sell orders may cross each other.
         */
        readonly selfMatch?: "prevent" | "allow" | undefined;
      }
    | undefined;
  /**
   * Release done orders from memory this long after they are done (order-release.ts; the live service). None: the
   * engine keeps every order of the session (a simulation reports on them at the end).
   */
  readonly release?: OrderReleaseOptions | undefined;
  /** Check every parent's invariants after each change (slow: for tests). */
  readonly audit?: boolean | undefined;
}
