/**
 * The latent fundamental price of one instrument in the simulated market: a driftless geometric random walk with the
 * instrument's volatility, moved by the aggressive volume of participants other than the background flow (ours), with
 * a permanent and a transient (exponentially decaying) part. Liquidity providers quote around `price` (the
 * fundamental times the transient displacement); nobody outside the simulator sees it.
 *
 *   ln F(t+dt) = ln F(t) - sigma^2 dt / 2 + sigma sqrt(dt) Z + permanentPerLot x q
 *   x(t+dt)    = x(t) 2^(-dt / halfLife) + transientPerLot x q            price = F e^x
 *
 * with sigma the volatility per second (annual / sqrt(252 x 6.5 h)) and q the signed external lots taken since the last
 * step. Floating point throughout: this is a model, not order state.
 * Invariant: `price` > 0 and finite.
 */
import type { Instrument } from "../model/instrument.js";
import { SESSION_SECONDS, TRADING_DAYS_PER_YEAR } from "../model/market-parameters.js";

export class Fundamental {
  private logValue: number;
  private transient = 0;
  private readonly sigmaPerSqrtSecond: number;

  constructor(readonly instrument: Instrument) {
    this.logValue = Math.log(instrument.referencePriceUnits);
    this.sigmaPerSqrtSecond = instrument.annualVolatility / Math.sqrt(TRADING_DAYS_PER_YEAR * SESSION_SECONDS);
  }

  /** Where liquidity is quoted: the fundamental with its transient displacement, in price units (a float). */
  get price(): number {
    return Math.exp(this.logValue + this.transient);
  }

  /** The fundamental without the transient part (what is left once every transient impact has decayed). */
  get permanentPrice(): number {
    return Math.exp(this.logValue);
  }

  /** The transient displacement, as a log-price difference. */
  get transientDisplacement(): number {
    return this.transient;
  }

  /** One step of `dtSeconds` with standard normal draw `z`, plus the impact of `signedLots` taken by others. */
  step(dtSeconds: number, z: number, signedLots: number): void {
    const sigma = this.sigmaPerSqrtSecond;
    const impact = this.instrument.impact;
    this.logValue += -0.5 * sigma * sigma * dtSeconds + sigma * Math.sqrt(dtSeconds) * z;
    this.logValue += impact.permanentPerLot * signedLots;
    this.transient = this.transient * 0.5 ** (dtSeconds / impact.transientHalfLifeSeconds);
    this.transient += impact.transientPerLot * signedLots;
  }
}
