/**
 * Kissell's I-Star market impact model (Kissell, Glantz & Malamut 2004; "The Science of Algorithmic Trading and
 * Portfolio Management", 2013), with the parameters published for "all data" as defaults:
 *
 *   I* = a1 (Q / ADV)^a2 sigma^a3                 instantaneous impact, bps (all at once, no liquidity recovered)
 *   MI = b1 POV^a4 I* + (1 - b1) I*               market impact cost of trading at participation rate POV, bps
 *
 * sigma is the annualised volatility as a decimal (0.25 for 25%), POV the share of the market's volume we take while
 * trading (0 < POV <= 1), Q and ADV in the same unit (shares or lots). b1 is the temporary share of I*; (1 - b1) is
 * permanent and paid whatever the pace.
 *
 * Limits: a pre-trade estimate for an average stock and day, fitted on US equities; not calibrated per instrument.
 * Pure math, no node imports.
 */

export interface IStarParameters {
  readonly a1: number;
  readonly a2: number;
  readonly a3: number;
  readonly a4: number;
  readonly b1: number;
}

/** The published "all data" fit (../shared/oracles/tca.md). */
export const I_STAR_ALL_DATA: IStarParameters = { a1: 708, a2: 0.55, a3: 0.71, a4: 0.5, b1: 0.98 };

export interface IStarInputs {
  /** Q: order size. */
  readonly quantity: number;
  /** ADV: average daily volume, in Q's unit. */
  readonly adv: number;
  /** sigma: annualised volatility, decimal. */
  readonly annualVolatility: number;
  /** POV: participation rate while trading, decimal in (0, 1]. */
  readonly participation: number;
}

export interface IStarEstimate {
  /** Q / ADV. */
  readonly sizeFraction: number;
  /** I*: instantaneous impact, bps. */
  readonly instantaneousBps: number;
  /** MI: market impact cost at the participation rate, bps. */
  readonly marketImpactBps: number;
  /** b1 POV^a4 I*: the part of MI that depends on the pace, bps. */
  readonly temporaryBps: number;
  /** (1 - b1) I*: the part paid whatever the pace, bps. */
  readonly permanentBps: number;
}

/** What is wrong with the inputs, naming the field, or null. */
export function iStarProblem(
  inputs: IStarInputs,
  parameters: IStarParameters = I_STAR_ALL_DATA,
): { readonly field: string; readonly reason: string } | null {
  const { quantity, adv, annualVolatility, participation } = inputs;
  if (!Number.isFinite(quantity) || quantity < 0) return { field: "quantity", reason: `must be >= 0, got ${quantity}` };
  if (!Number.isFinite(adv) || adv <= 0) return { field: "adv", reason: `must be > 0, got ${adv}` };
  if (!Number.isFinite(annualVolatility) || annualVolatility < 0) {
    return { field: "annualVolatility", reason: `must be >= 0, got ${annualVolatility}` };
  }
  if (!(participation > 0 && participation <= 1)) {
    return { field: "participation", reason: `must be in (0, 1], got ${participation}` };
  }
  for (const [name, value] of Object.entries(parameters)) {
    if (!Number.isFinite(value)) return { field: name, reason: `must be a finite number, got ${value}` };
  }
  if (parameters.b1 < 0 || parameters.b1 > 1) return { field: "b1", reason: `must be in [0, 1], got ${parameters.b1}` };
  return null;
}

export function iStar(inputs: IStarInputs, parameters: IStarParameters = I_STAR_ALL_DATA): IStarEstimate {
  const problem = iStarProblem(inputs, parameters);
  if (problem !== null) throw new RangeError(`I-Star ${problem.field}: ${problem.reason}`);
  const { a1, a2, a3, a4, b1 } = parameters;
  const sizeFraction = inputs.quantity / inputs.adv;
  const instantaneousBps = a1 * sizeFraction ** a2 * inputs.annualVolatility ** a3;
  const temporaryBps = b1 * inputs.participation ** a4 * instantaneousBps;
  const permanentBps = (1 - b1) * instantaneousBps;
  return { sizeFraction, instantaneousBps, marketImpactBps: temporaryBps + permanentBps, temporaryBps, permanentBps };
}
