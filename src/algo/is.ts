/**
 * Implementation Shortfall: the Almgren-Chriss optimal trajectory (almgren-chriss.ts) for the parent's risk aversion,
 * the instrument's volatility and our impact model's parameters, re-optimised over the remaining quantity and time at
 * every recalibration. Between recalibrations the target follows the continuous-time holdings curve
 * x(t) = R sinh(kappa (T - t)) / sinh(kappa T); a re-plan from the actual position is time-consistent (on schedule it
 * reproduces the same curve; behind, it spreads the shortfall optimally over what is left).
 *
 * Units: time in trading days (one session = SESSION_SECONDS), money in the instrument's currency, quantities in lots.
 * The impact parameters come from the simulated market's model (model/market-parameters.ts), so the optimiser and the
 * market agree on what trading costs:
 *   sigma = price x daily volatility (per lot), gamma = price x permanent impact per lot,
 *   eta = price x transient impact per lot x (transient half-life / ln 2): the steady temporary price displacement of
 *   trading at a constant rate against an impact that decays exponentially.
 * Limits: sigma is the instrument's reference volatility, not re-estimated intraday; eta ignores the book's own depth
 * (small against the transient term for orders that stay under the displayed size).
 */
import { SESSION_MICROS } from "../model/market-parameters.js";
import { acKappa, holdingsFraction } from "./almgren-chriss.js";
import type { PlanPoint, Schedule } from "./schedule.js";

/** The Almgren-Chriss market parameters of one instrument, per lot, time in trading days. */
export interface ImpactModel {
  /** Currency per lot per sqrt(day). */
  readonly sigma: number;
  /** Currency per lot per (lot per day). */
  readonly eta: number;
  /** Currency per lot per lot. */
  readonly gamma: number;
  /** Currency per lot: half spread plus fees. */
  readonly epsilon: number;
}

/**
 * The risk aversion (per currency unit) that makes kappa T = `urgency` over `horizonDays` for this instrument: a
 * dimensionless way to say "how front-loaded" (0 = straight line, 1 mild, 5 strongly front-loaded).
 */
export function riskAversionFor(urgency: number, model: ImpactModel, horizonDays: number): number {
  if (!(urgency > 0) || !(model.sigma > 0) || !(horizonDays > 0)) return 0;
  const kappa = urgency / horizonDays;
  return (kappa * kappa * model.eta) / (model.sigma * model.sigma);
}

export class IsSchedule implements Schedule {
  private from = 0;
  private executed0 = 0;
  private remaining0 = 0;
  private kappa = 0;
  private horizon = 1;
  private nextRecalibration = 0;

  constructor(
    private readonly startTime: number,
    private readonly endTime: number,
    private readonly model: ImpactModel,
    /** lambda, per currency unit. */
    private readonly riskAversion: number,
    private readonly recalibrationMicros: number,
  ) {}

  plan(point: PlanPoint): void {
    this.from = Math.min(Math.max(point.time, this.startTime), this.endTime);
    this.executed0 = point.executed;
    this.remaining0 = point.remaining;
    this.horizon = Math.max(1, this.endTime - this.from);
    const days = this.horizon / SESSION_MICROS;
    const periods = Math.max(1, Math.round(this.horizon / this.recalibrationMicros));
    this.kappa =
      this.riskAversion > 0 && point.remaining > 0
        ? acKappa({
            quantity: point.remaining,
            horizon: days,
            periods,
            sigma: this.model.sigma,
            eta: Math.max(this.model.eta, (this.model.gamma * days) / periods),
            gamma: this.model.gamma,
            epsilon: this.model.epsilon,
            lambda: this.riskAversion,
          }) / SESSION_MICROS
        : 0;
    this.nextRecalibration = point.time + this.recalibrationMicros;
  }

  observe(): void {}

  target(time: number): number {
    if (time <= this.from) return this.executed0;
    if (time >= this.endTime) return this.executed0 + this.remaining0;
    return this.executed0 + this.remaining0 * (1 - holdingsFraction(this.kappa, this.horizon, time - this.from));
  }

  floor(): number {
    return Number.NaN;
  }

  ceiling(): number {
    return Number.POSITIVE_INFINITY;
  }

  nextStep(): number {
    return Number.POSITIVE_INFINITY;
  }

  wantsReplan(time: number): boolean {
    return time >= this.nextRecalibration;
  }

  /** kappa of the current plan, per µs. */
  get urgency(): number {
    return this.kappa;
  }
}
