/**
 * Per-fill price measures against the mid, in bps of the reference mid (or the fill price for markouts), with
 * s = +1 for a buy and -1 for a sell, P the fill price, M_0 the mid at the fill, M_h the mid h later:
 *
 *   markout(h)        = s (M_h - P) / P x 1e4          the fill marked to the later mid: + = the price moved our way,
 *                                                       - = adverse selection (we traded just before a move against us)
 *   effective spread  = 2 s (P - M_0) / M_0 x 1e4      what the fill paid against the mid; negative when it earned
 *                                                       (a passive fill at the touch)
 *   realised spread   = 2 s (P - M_h) / M_0 x 1e4      effective spread net of the move over h (REALISED_SPREAD_HORIZON)
 *
 * so effective - realised = 2 s (M_h - M_0) / M_0, the price impact. NaN in, NaN out (no quote, or h past the recording).
 */
import type { Side } from "../model/order-types.js";
import type { Markouts } from "./tca-rows.js";

/** Markout horizons, seconds after the fill. */
export const MARKOUT_HORIZONS_SECONDS = [1, 5, 30, 60, 300] as const;
export type MarkoutHorizon = (typeof MARKOUT_HORIZONS_SECONDS)[number];

/** The horizon of the realised spread, seconds (one of the markout horizons). */
export const REALISED_SPREAD_HORIZON: MarkoutHorizon = 60;

function sign(side: Side): number {
  return side === "buy" ? 1 : -1;
}

export function markoutBps(side: Side, price: number, laterMid: number): number {
  return (sign(side) * (laterMid - price) * 1e4) / price;
}

export function effectiveSpreadBps(side: Side, price: number, mid: number): number {
  return (2 * sign(side) * (price - mid) * 1e4) / mid;
}

export function realisedSpreadBps(side: Side, price: number, mid: number, laterMid: number): number {
  return (2 * sign(side) * (price - laterMid) * 1e4) / mid;
}

/** One value per markout horizon. */
export function markoutColumns(at: (horizonSeconds: number) => number): Markouts {
  const [h1, h5, h30, h60, h300] = MARKOUT_HORIZONS_SECONDS.map((h) => finiteOrNull(at(h)));
  return {
    markout1sBps: h1 ?? null,
    markout5sBps: h5 ?? null,
    markout30sBps: h30 ?? null,
    markout60sBps: h60 ?? null,
    markout300sBps: h300 ?? null,
  };
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
