/**
 * What a lot a parent takes at the far touch costs it beyond the touch's half spread and fee: the price move its impact
 * leaves under the lots the parent still has to buy. The impact model is the instrument's (the simulated market's:
 * ln price += permanent x q for good, and transient x q decaying by half every half-life, for q lots taken; a resting
 * fill moves nothing), the one the IS schedule plans with.
 *
 * Per lot taken, at price P, with R lots still to buy at the schedule's pace rho (lots per second) and the transient
 * part's mean life tau = half-life / ln 2: the permanent move P x permanent lies under all R, the transient one under
 * the lots bought while it decays, rho tau (1 - e^(-R / (rho tau))) (all R when they are bought within a mean life):
 *
 *   catch-up cost = P x (permanent x R + transient x rho tau (1 - e^(-R / (rho tau))))
 *
 * in price units per share, comparable with the spread and the fees. The optimal split (router/optimal-split.ts) adds
 * it to the price of every lot it would take, now or when the parent falls behind. It dwarfs the spread: ACME at $150
 * (half spread 0.33 bps), 750,000 lots left at 2,500 a second: 9.2 bps a lot; 150,000 left at 500 a second: 1.8 bps.
 * So a large parent's lots must rest where they fill soonest, not only where the rebate is best.
 * Limits: linear in the lots taken (the model's own expm1 is, at these sizes); the pace is held over what is left.
 */
import type { ImpactParameters } from "../model/market-parameters.js";

/**
 * The catch-up cost of one lot taken now (price units per share): `price` in price units, `remainingLots` the lots the
 * parent still has to buy, `lotsPerSecond` its schedule's pace (>= 0).
 */
export function catchUpCost(
  impact: ImpactParameters,
  price: number,
  remainingLots: number,
  lotsPerSecond: number,
): number {
  if (!(remainingLots > 0) || !(price > 0)) return 0;
  const tau = impact.transientHalfLifeSeconds / Math.LN2;
  const decaying = Math.max(0, lotsPerSecond) * tau;
  const underTransient = decaying > 0 ? decaying * -Math.expm1(-remainingLots / decaying) : 0;
  return price * (impact.permanentPerLot * remainingLots + impact.transientPerLot * underTransient);
}
