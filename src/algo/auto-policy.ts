/**
 * The trilemma policy: from a parent's intent (urgency or explicit strategy), its size against the volume expected in
 * its window and its limits, choose the algorithm and its parameters. Market impact, market risk and certainty of
 * completion pull against each other; urgency says which to favour:
 *
 * | intent          | horizon (no end time given)  | algorithm                                     | tactics                      |
 * |-----------------|------------------------------|-----------------------------------------------|------------------------------|
 * | urgency low     | 60 min                       | VWAP if <= 5% of expected volume, else POV 10% | passive + dark, aggr. 0.2    |
 * | urgency medium  | 20 min                       | IS, kappa T = 2 (moderately front-loaded)     | passive + dark, aggr. 0.5    |
 * | urgency high    | 5 min                        | IS, kappa T = 6 (strongly front-loaded)       | lit only, aggr. 0.9 (takes)  |
 * | twap/vwap/pov/is| 30 min                       | as asked                                      | passive + dark, aggr. 0.5    |
 *
 * An urgency's horizon is a pace, so a later end time (a day order) does not slow it: the window ends at the earlier of
 * the parent's end time and now + horizon. An explicit strategy with an end time uses the whole window. Every window
 * ends by the session's end. POV uses the parent's participation cap as its rate when there is one (else 10%, between
 * half and twice that), and does not force completion; every other algorithm completes by its end time.
 * The risk aversion of IS is set so that kappa T equals the urgency's value for this instrument over this window
 * (is.ts `riskAversionFor`): the same urgency means the same shape whatever the stock's price and volatility.
 */
import type { Intent } from "../model/client-order.js";
import type { Instrument } from "../model/instrument.js";
import { SESSION_MICROS, SESSION_SECONDS } from "../model/market-parameters.js";
import type { AlgoName, AlgoParameters } from "./algo-parameters.js";
import { type ImpactModel, riskAversionFor } from "./is.js";

const MINUTE = 60_000_000;

export interface PolicyInputs {
  readonly intent: Intent;
  /** µs: now, and when the parent may start (its earliest start, or now). */
  readonly now: number;
  readonly startTime: number;
  /** The parent's end time (µs) or null. */
  readonly endTime: number | null;
  readonly sessionEnd: number;
  /** Lots to execute. */
  readonly quantity: number;
  readonly instrument: Instrument;
  /** A price for the impact model (units), e.g. the arrival mid. */
  readonly price: number;
  readonly maxParticipation: number | null;
  readonly minChildLots: number;
}

/** Default horizon per intent, µs. */
export const DEFAULT_HORIZONS: Readonly<Record<Intent, number>> = {
  "urgency-low": 60 * MINUTE,
  "urgency-medium": 20 * MINUTE,
  "urgency-high": 5 * MINUTE,
  twap: 30 * MINUTE,
  vwap: 30 * MINUTE,
  pov: 30 * MINUTE,
  is: 30 * MINUTE,
};

/** Share of the expected volume in its window above which a low-urgency parent trades with the market (POV). */
export const LOW_URGENCY_VWAP_MAX_PARTICIPATION = 0.05;
export const DEFAULT_POV_RATE = 0.1;

export function chooseAlgo(inputs: PolicyInputs): AlgoParameters {
  const { intent, instrument } = inputs;
  const start = Math.max(inputs.now, inputs.startTime);
  const explicit = !intent.startsWith("urgency-");
  let end = start + DEFAULT_HORIZONS[intent];
  if (inputs.endTime !== null) end = explicit ? inputs.endTime : Math.min(end, inputs.endTime);
  end = Math.max(start + 1_000_000, Math.min(end, inputs.sessionEnd));
  const window = end - start;
  const expectedVolume = (instrument.averageDailyVolume * window) / SESSION_MICROS;
  const participation = expectedVolume > 0 ? inputs.quantity / expectedVolume : 1;
  const model = impactModel(instrument, inputs.price);
  const days = window / SESSION_MICROS;

  let algo: AlgoName;
  let aggressiveness = 0.5;
  let useDark = true;
  let kappaT = 2;
  switch (intent) {
    case "urgency-low":
      algo = participation <= LOW_URGENCY_VWAP_MAX_PARTICIPATION ? "vwap" : "pov";
      aggressiveness = 0.2;
      break;
    case "urgency-medium":
      algo = "is";
      break;
    case "urgency-high":
      algo = "is";
      kappaT = 6;
      aggressiveness = 0.9;
      useDark = false;
      break;
    default:
      algo = intent;
  }
  const rate = Math.min(inputs.maxParticipation ?? DEFAULT_POV_RATE, 1);
  const slices = Math.min(390, Math.max(5, Math.round(window / MINUTE)));
  const maxChildLots = Math.max(inputs.minChildLots, Math.round(2 * instrument.market.depthPerLevel));
  return {
    algo,
    urgency: intent === "urgency-low" ? "low" : intent === "urgency-high" ? "high" : "medium",
    startTime: start,
    endTime: end,
    aggressiveness,
    completeByEnd: algo !== "pov",
    useDark,
    maxParticipation: inputs.maxParticipation,
    minChildLots: inputs.minChildLots,
    maxChildLots,
    povRate: rate,
    povMinRate: rate / 2,
    povMaxRate: Math.min(1, rate * 2),
    riskAversion: riskAversionFor(kappaT, model, days),
    slices,
    randomisation: 0.5,
    recalibrationMicros: Math.min(5 * MINUTE, Math.max(5_000_000, Math.round(window / 10))),
  };
}

/** The Almgren-Chriss parameters of an instrument at `price` (units), per lot, from the simulated market's model. */
export function impactModel(instrument: Instrument, price: number): ImpactModel {
  const perLot = instrument.priceToNumber(price) * instrument.quantityToShares(1);
  const impact = instrument.impact;
  const halfLifeDays = impact.transientHalfLifeSeconds / SESSION_SECONDS;
  return {
    sigma: perLot * impact.dailyVolatility,
    gamma: perLot * impact.permanentPerLot,
    eta: (perLot * impact.transientPerLot * halfLifeDays) / Math.LN2,
    epsilon: (instrument.priceToNumber(instrument.tickUnits) * impact.spreadTicks * instrument.quantityToShares(1)) / 2,
  };
}
