/**
 * Child order tactics: the price a child is placed at, for each way of working a slice.
 * - passive: join the near touch (buy at the bid), or improve it by one tick when the spread is at least two ticks
 *   and the parent is in a hurry (aggressiveness >= 0.5); never through the far touch;
 * - midpoint: a dark midpoint peg, capped at the far touch (it trades at the mid or not at all);
 * - aggressive: take at the far touch (buy at the ask): an immediate-or-cancel order that removes what is displayed
 *   there and no more.
 * Limit price protection: no tactic prices a child beyond the parent's most aggressive workable limit. A passive child
 * behind the market (a buy limit below the bid) rests at its limit; an aggressive child whose limit is behind the far
 * touch is not sent (NaN).
 * Our own orders are not the market: a passive child never improves on a touch that is our own order, never rests
 * where it would meet our own order on the other side (one tick behind it instead), and no child takes a far touch
 * that is our own order (self-trade prevention would cancel it).
 * Prices are integers in price units; NaN means "no price" (a missing quote or a limit that forbids the tactic).
 */
import type { Side } from "../model/order-types.js";

export interface TouchQuote {
  readonly bid: number;
  readonly ask: number;
  /** Displayed lots at the bid and the ask (all venues there). */
  readonly bidQty: number;
  readonly askQty: number;
  /** The instrument's tick in price units. */
  readonly tick: number;
  /** The best price of our own resting lit orders on the buy and the sell side (-Infinity / +Infinity for none). */
  readonly ownBid: number;
  readonly ownAsk: number;
  /** Our own lit lots working at the bid and at the ask. */
  readonly ownBidQty: number;
  readonly ownAskQty: number;
}

/** Clips `price` to the limit on `side` (null = no limit). */
export function protect(side: Side, price: number, limit: number | null): number {
  if (limit === null || Number.isNaN(price)) return price;
  return side === "buy" ? Math.min(price, limit) : Math.max(price, limit);
}

export function passivePrice(side: Side, quote: TouchQuote, limit: number | null, aggressiveness: number): number {
  const buy = side === "buy";
  const near = buy ? quote.bid : quote.ask;
  const far = buy ? quote.ask : quote.bid;
  const ownNear = buy ? quote.ownBid : quote.ownAsk;
  const ownFar = buy ? quote.ownAsk : quote.ownBid;
  let price: number;
  if (!Number.isFinite(near)) {
    if (!Number.isFinite(far)) return Number.NaN;
    price = far - sign(side) * quote.tick;
  } else {
    price = near;
    const improve = aggressiveness >= 0.5 && near !== ownNear;
    if (improve && Number.isFinite(far) && Math.abs(far - near) >= 2 * quote.tick)
      price = near + sign(side) * quote.tick;
  }
  // Never onto the far touch (a locked or crossed market is not a passive price).
  if (Number.isFinite(far) && (buy ? price >= far : price <= far)) price = far - sign(side) * quote.tick;
  // One tick behind our own order on the other side, never onto it.
  if (buy ? price >= ownFar : price <= ownFar) price = ownFar - sign(side) * quote.tick;
  return protect(side, price, limit);
}

export function aggressivePrice(side: Side, quote: TouchQuote, limit: number | null): number {
  const far = side === "buy" ? quote.ask : quote.bid;
  if (!Number.isFinite(far)) return Number.NaN;
  if (far === (side === "buy" ? quote.ownAsk : quote.ownBid)) return Number.NaN;
  if (limit !== null && (side === "buy" ? limit < far : limit > far)) return Number.NaN;
  return far;
}

/** The cap of a midpoint peg: the far touch, protected by the limit; NaN without a two-sided quote. */
export function midpointCap(side: Side, quote: TouchQuote, limit: number | null): number {
  if (!(quote.bid < quote.ask)) return Number.NaN;
  return protect(side, side === "buy" ? quote.ask : quote.bid, limit);
}

/**
 * Whether a resting passive child at `price` should be re-pegged, and why: "locked" when another venue's far touch
 * locks or crosses it (it is no longer a passive price; it would be taken), "behind" when the near touch has left it
 * behind (it would no longer join it); null when it is fine where it is.
 * A near touch made only of our own orders has not left anyone behind: the market's own touch is below it, and
 * chasing it would have every parent in the instrument re-peg behind each other's orders.
 */
export function staleness(side: Side, price: number, intended: number, quote: TouchQuote): "locked" | "behind" | null {
  const buy = side === "buy";
  const far = buy ? quote.ask : quote.bid;
  if (Number.isFinite(far) && (buy ? price >= far : price <= far)) return "locked";
  if (Number.isNaN(intended)) return null;
  if (!(buy ? price < intended : price > intended)) return null;
  const onlyOurs = buy
    ? quote.bid === quote.ownBid && quote.ownBidQty >= quote.bidQty
    : quote.ask === quote.ownAsk && quote.ownAskQty >= quote.askQty;
  return onlyOurs ? null : "behind";
}

function sign(side: Side): number {
  return side === "buy" ? 1 : -1;
}
