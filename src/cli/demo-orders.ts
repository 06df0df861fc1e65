/**
 * The demo's client orders: a seeded, realistic order set for one session. Three kinds of source, as a retail-facing
 * execution service sees them:
 * - ROBO, a robo-advisor's rebalance: many accounts, small market orders on both sides, all at the open, crossable;
 * - RETAIL, a retail broker: market and limit orders (limits a few ticks around the quote) through the morning;
 * - DESK, an institutional desk: few accounts, larger orders, mostly limits, some refusing to cross.
 * Sizes are lognormal in notional (a long tail of small orders), rounded to the instrument's lots: fractional shares
 * for an instrument with a fractional lot (PNNY), whole round lots otherwise. Every order is a day order (it expires at
 * the session's end). Limit prices are set when the order is sent, from the NBBO midpoint then (or the instrument's
 * reference price before the first quote), so they stay near the market however it moved.
 * Known limits: no cancels or replaces, no start times or participation caps; arrivals are uniform, not bursty.
 */
import type { Random } from "../core/random.js";
import type { NewOrderInput } from "../model/client-commands.js";
import type { Instrument } from "../model/instrument.js";
import type { Side } from "../model/order-types.js";

export interface GeneratedOrder {
  /** When it is sent, µs. */
  readonly at: number;
  readonly clOrdId: string;
  readonly source: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  readonly lots: number;
  /** Null for a market order; else the limit's distance in ticks from the mid, positive = more aggressive. */
  readonly limitTicks: number | null;
  readonly urgency: "low" | "medium" | "high";
  readonly allowCross: boolean;
}

interface SourceProfile {
  readonly id: string;
  readonly kind: string;
  readonly prefix: string;
  readonly share: number;
  /** Accounts per order (at least `minAccounts`). */
  readonly accountsPerOrder: number;
  readonly minAccounts: number;
  readonly atOpen: boolean;
  readonly buyProbability: number;
  readonly limitProbability: number;
  readonly crossProbability: number;
  readonly medianNotional: number;
  readonly sigma: number;
  readonly urgency: readonly ["low" | "medium" | "high", number][];
}

export const DEMO_SOURCES: readonly SourceProfile[] = [
  {
    id: "ROBO",
    kind: "robo-advisor rebalance",
    prefix: "R",
    share: 0.45,
    accountsPerOrder: 0.4,
    minAccounts: 10,
    atOpen: true,
    buyProbability: 0.5,
    limitProbability: 0,
    crossProbability: 1,
    medianNotional: 300,
    sigma: 1,
    urgency: [["low", 1]],
  },
  {
    id: "RETAIL",
    kind: "retail broker",
    prefix: "B",
    share: 0.45,
    accountsPerOrder: 0.2,
    minAccounts: 10,
    atOpen: false,
    buyProbability: 0.55,
    limitProbability: 0.4,
    crossProbability: 1,
    medianNotional: 1_000,
    sigma: 1.2,
    urgency: [
      ["medium", 0.8],
      ["high", 0.2],
    ],
  },
  {
    id: "DESK",
    kind: "institutional desk",
    prefix: "D",
    share: 0.1,
    accountsPerOrder: 0.002,
    minAccounts: 5,
    atOpen: false,
    buyProbability: 0.5,
    limitProbability: 0.7,
    crossProbability: 0.5,
    medianNotional: 50_000,
    sigma: 1,
    urgency: [
      ["low", 0.3],
      ["medium", 0.4],
      ["high", 0.3],
    ],
  },
];

/** Share of the orders by instrument, in reference-data order (cycled when there are more instruments). */
const SYMBOL_WEIGHTS = [0.5, 0.2, 0.3];
/** The continuous flow arrives over this fraction of the session. */
const ARRIVAL_SPAN = 0.6;
/** No order above this notional (currency): the long tail is cut where a real desk would split it anyway. */
const MAX_NOTIONAL = 2_000_000;

/**
 * `count` orders for a session [start, end), sorted by send time; ids are per source in send order (R0000001, ...).
 * Rebalance orders go out one second after the open, when the books have quotes.
 */
export function generateOrders(
  count: number,
  instruments: ReadonlyMap<string, Instrument>,
  start: number,
  end: number,
  random: Random,
): GeneratedOrder[] {
  const symbols = [...instruments.values()];
  const weights = symbols.map((_, i) => SYMBOL_WEIGHTS[i % SYMBOL_WEIGHTS.length] as number);
  const total = weights.reduce((a, w) => a + w, 0);
  const open = start + 1_000_000;
  const span = Math.max(1, Math.floor((end - open) * ARRIVAL_SPAN));
  const drafts: (Omit<GeneratedOrder, "clOrdId"> & { prefix: string })[] = [];
  for (const profile of DEMO_SOURCES) {
    const n = profile === DEMO_SOURCES[0] ? count - othersCount(count) : Math.round(count * profile.share);
    const accounts = Math.max(profile.minAccounts, Math.round(n * profile.accountsPerOrder));
    for (let i = 0; i < n; i++) {
      const instrument = pickWeighted(symbols, weights, total, random);
      const side: Side = random.bool(profile.buyProbability) ? "buy" : "sell";
      const notional = Math.min(MAX_NOTIONAL, random.lognormal(profile.medianNotional, profile.sigma));
      const shares = notional / instrument.priceToNumber(instrument.referencePriceUnits);
      const lots = Math.max(1, Math.round(shares / instrument.quantityToShares(1)));
      const limit = random.bool(profile.limitProbability);
      drafts.push({
        at: profile.atOpen ? open : open + random.int(0, span - 1),
        prefix: profile.prefix,
        source: profile.id,
        account: `${profile.prefix}${String(random.int(1, accounts)).padStart(6, "0")}`,
        symbol: instrument.symbol,
        side,
        lots,
        limitTicks: limit ? random.int(-2, 3) : null,
        urgency: pickUrgency(profile, random),
        allowCross: random.bool(profile.crossProbability),
      });
    }
  }
  // Stable: equal times keep the generation order.
  drafts.sort((a, b) => a.at - b.at);
  const next = new Map<string, number>();
  return drafts.map(({ prefix, ...order }) => {
    const k = (next.get(prefix) ?? 0) + 1;
    next.set(prefix, k);
    return { ...order, clOrdId: `${prefix}${String(k).padStart(7, "0")}` };
  });
}

/** Orders of every source but the first (which takes the rounding remainder). */
function othersCount(count: number): number {
  return DEMO_SOURCES.slice(1).reduce((a, p) => a + Math.round(count * p.share), 0);
}

/** The order as a source would send it, its limit set from `mid` (price units; null = no two-sided quote). */
export function toOrderInput(
  order: GeneratedOrder,
  instrument: Instrument,
  mid: number | null,
  end: number,
): NewOrderInput {
  let limitPrice: string | null = null;
  if (order.limitTicks !== null) {
    const tick = instrument.tickUnits;
    const reference = mid ?? instrument.referencePriceUnits;
    // On the tick on the passive side of the mid, then `limitTicks` towards (or through) the market.
    const base = order.side === "buy" ? Math.floor(reference / tick) : Math.ceil(reference / tick);
    const ticks = order.side === "buy" ? base + order.limitTicks : base - order.limitTicks;
    limitPrice = instrument.formatPrice(Math.max(1, ticks) * tick);
  }
  return {
    clOrdId: order.clOrdId,
    source: order.source,
    account: order.account,
    symbol: order.symbol,
    side: order.side,
    quantity: instrument.formatQuantity(order.lots),
    orderType: limitPrice === null ? "market" : "limit",
    limitPrice,
    urgency: order.urgency,
    endTime: end,
    allowCross: order.allowCross,
  };
}

function pickWeighted(items: readonly Instrument[], weights: readonly number[], total: number, random: Random) {
  let u = random.float() * total;
  for (let i = 0; i < items.length; i++) {
    u -= weights[i] as number;
    if (u < 0) return items[i] as Instrument;
  }
  return items[items.length - 1] as Instrument;
}

function pickUrgency(profile: SourceProfile, random: Random): "low" | "medium" | "high" {
  let u = random.float();
  for (const [urgency, p] of profile.urgency) {
    u -= p;
    if (u < 0) return urgency;
  }
  return (profile.urgency[profile.urgency.length - 1] as ["low" | "medium" | "high", number])[0];
}
