/**
 * The routing logics other than the optimal split (optimal-split.ts): pure functions of the request and the venues'
 * state (routing.ts). Each returns the slices and the fallback order; none allocates beyond its answer.
 * Rankings:
 * - taking (aggressive): venues displaying the price or better (lit), cheapest taker fee first, then the larger size;
 * - resting (passive): lit venues by expected value of a resting lot, fill probability x (half spread - maker fee);
 * - dark (midpoint): pools by hidden liquidity found per ping.
 * Invariants: a slice is never below the venue's minimum quantity or `minSliceLots`; the slices add up to at most the
 * request's quantity (an aggressive spray: at most `overSend` times it, each within what its venue shows); only
 * available venues not excluded are used.
 */
import type { Side } from "../model/order-types.js";
import type { RouteDecision, RouteRequest, RouteSlice, VenueState } from "./routing.js";

/** Whether a venue's quote shows `price` or better on the far side of a taking `side` order (it can fill there). */
export function showsPrice(
  quote: { readonly bid: number; readonly ask: number; readonly bidQty: number; readonly askQty: number },
  side: Side,
  price: number,
): boolean {
  return side === "buy" ? quote.ask <= price && quote.askQty > 0 : quote.bid >= price && quote.bidQty > 0;
}

/** Lit venues that show `request.price` or better on the far side, ranked for taking (best first). */
export function takingVenues(request: RouteRequest, venues: readonly VenueState[]): VenueState[] {
  return venues
    .filter((v) => usable(v, request) && v.kind === "lit" && showsPrice(v, request.side, request.price))
    .sort((a, b) => a.takerFee - b.takerFee || shown(b, request) - shown(a, request) || a.index - b.index);
}

/** Lit venues ranked for resting at `request.price` (best first). */
export function restingVenues(request: RouteRequest, venues: readonly VenueState[]): VenueState[] {
  const half = halfSpread(request);
  return venues
    .filter((v) => usable(v, request) && v.kind === "lit")
    .sort(
      (a, b) => b.fillProbability * (half - b.makerFee) - a.fillProbability * (half - a.makerFee) || a.index - b.index,
    );
}

/** Dark pools ranked by hidden liquidity found (best first). */
export function darkVenues(request: RouteRequest, venues: readonly VenueState[]): VenueState[] {
  return venues
    .filter((v) => usable(v, request) && v.kind === "dark")
    .sort((a, b) => b.hiddenRate - a.hiddenRate || a.index - b.index);
}

/** Everything to the best-ranked venue for the tactic; the rest of the ranking is the fallback. */
export function sequential(request: RouteRequest, venues: readonly VenueState[]): RouteDecision {
  const ranked = ranking(request, venues);
  const first = ranked.find((v) => v.minQuantity <= request.qty);
  if (first === undefined) return none("sequential", "no venue for the tactic");
  return {
    logic: "sequential",
    slices: [slice(request, first, request.qty)],
    fallback: ranked.filter((v) => v !== first).map((v) => v.index),
    note: `ranked ${ranked.map((v) => v.id).join(" > ")}`,
  };
}

/**
 * Several venues at once. Taking: in proportion to what each shows at the price, each capped at it (what no venue
 * shows is not sent: it would not fill); resting: in proportion to fill probability; dark: the pools alike.
 */
export function spray(request: RouteRequest, venues: readonly VenueState[]): RouteDecision {
  const ranked = ranking(request, venues);
  if (ranked.length === 0) return none("spray", "no venue for the tactic");
  const taking = request.tactic === "aggressive";
  const weights = ranked.map((v) => (taking ? shown(v, request) : Math.max(v.fillProbability, 0.01)));
  const caps = ranked.map((v) => (taking ? shown(v, request) : request.qty));
  const lots = split(request.qty, weights, caps, ranked, request.minSliceLots);
  const slices: RouteSlice[] = [];
  lots.forEach((qty, i) => {
    if (qty > 0) slices.push(slice(request, ranked[i] as VenueState, qty));
  });
  return {
    logic: "spray",
    slices,
    fallback: [],
    note: `split ${slices.map((s) => `${(venues.find((v) => v.index === s.venue) as VenueState).id} ${s.qty}`).join(", ")} by ${taking ? "displayed size" : "fill probability"}`,
  };
}

/**
 * A taking child sent to every venue that shows its price, each slice up to what the venue shows there, in proportion
 * to it, adding up to as much as is shown but at most `overSend` times the child: more than the child when enough is
 * shown, so that what fades before a slow venue is reached is made up elsewhere. The slices are day orders at the
 * limit: what is not taken on arrival rests until the executor cancels it (on the first fills that make the child, or
 * at the end of the spray window). Not a taking child (or no over-send): a spray.
 */
export function aggressiveSpray(request: RouteRequest, venues: readonly VenueState[]): RouteDecision {
  if (request.tactic !== "aggressive") return { ...spray(request, venues), logic: "aggressive-spray" };
  const ranked = takingVenues(request, venues);
  if (ranked.length === 0) return none("aggressive-spray", "no venue shows the price");
  const shows = ranked.map((v) => shown(v, request));
  const total = Math.min(
    shows.reduce((a, b) => a + b, 0),
    Math.floor(request.qty * Math.max(1, request.overSend)),
  );
  const lots = split(total, shows, shows, ranked, request.minSliceLots);
  const slices: RouteSlice[] = [];
  lots.forEach((qty, i) => {
    if (qty > 0) slices.push({ ...slice(request, ranked[i] as VenueState, qty), timeInForce: "day" });
  });
  const sent = slices.reduce((a, s) => a + s.qty, 0);
  return {
    logic: "aggressive-spray",
    slices,
    fallback: [],
    note: `sprayed ${slices.map((s) => `${(venues[s.venue] as VenueState).id} ${s.qty}`).join(", ")} by displayed size: ${sent} for ${request.qty} (over-send ${Math.max(0, sent - request.qty)})`,
  };
}

/**
 * Dark first: a midpoint slice to the pool with the most hidden liquidity found (a pool not yet tried counts at its
 * prior), sized by that rate (a quarter to three quarters of the child, at least the pool's minimum); the rest lit, as
 * a spray. A taking child pings the pool (immediate-or-cancel, with the pool's minimum as its minimum quantity); a
 * resting child leaves a midpoint peg there. A midpoint child goes to the best pool whole.
 */
export function liquiditySeeking(request: RouteRequest, venues: readonly VenueState[]): RouteDecision {
  const pools = darkVenues(request, venues).filter((v) => v.minQuantity <= request.qty);
  if (request.tactic === "midpoint") {
    const pool = pools[0];
    if (pool === undefined) return none("liquidity-seeking", "no dark pool takes the size");
    return {
      logic: "liquidity-seeking",
      slices: [slice(request, pool, request.qty)],
      fallback: pools.slice(1).map((v) => v.index),
      note: `dark ${pool.id} (hidden rate ${pool.hiddenRate.toFixed(2)})`,
    };
  }
  const pool = pools[0];
  const darkLots =
    pool === undefined
      ? 0
      : Math.min(request.qty, Math.max(pool.minQuantity, Math.round(request.qty * clamp(pool.hiddenRate, 0.25, 0.75))));
  const dark: RouteSlice[] = [];
  // Capped at the far touch (a taking child's own price): a midpoint fill is never worse than taking.
  const cap = request.tactic === "aggressive" ? request.price : request.side === "buy" ? request.ask : request.bid;
  if (pool !== undefined && Number.isFinite(cap) && darkLots >= Math.max(pool.minQuantity, request.minSliceLots)) {
    dark.push({
      venue: pool.index,
      tactic: "midpoint",
      price: cap,
      qty: darkLots,
      timeInForce: request.tactic === "aggressive" ? "ioc" : "day",
      minQty: pool.minQuantity,
    });
  }
  const rest = request.qty - (dark[0]?.qty ?? 0);
  const lit = rest >= request.minSliceLots ? spray({ ...request, qty: rest }, venues).slices : [];
  const slices = [...dark, ...lit];
  return {
    logic: "liquidity-seeking",
    slices,
    fallback: [],
    note:
      pool === undefined
        ? "no dark pool for the size: lit only"
        : `dark ${pool.id} ${dark[0]?.qty ?? 0} (hidden rate ${pool.hiddenRate.toFixed(2)}), lit ${rest}`,
  };
}

/**
 * A taking child swept across the venues showing its price, cheapest taker fee first, each up to what it shows: at one
 * price, the least fees for the most immediate fill (what no venue shows is not sent). Not a taking child: a spray.
 */
export function sweep(request: RouteRequest, venues: readonly VenueState[]): RouteDecision {
  if (request.tactic !== "aggressive") return spray(request, venues);
  const ranked = takingVenues(request, venues);
  const slices: RouteSlice[] = [];
  let left = request.qty;
  for (const v of ranked) {
    const qty = Math.min(left, shown(v, request));
    // A child too small to split still goes, whole, to the first venue.
    if (qty >= v.minQuantity && (slices.length === 0 || qty >= request.minSliceLots)) {
      slices.push(slice(request, v, qty));
      left -= qty;
    }
    if (left <= 0) break;
  }
  return {
    logic: "spray",
    slices,
    fallback: [],
    note: `swept ${slices.map((s) => `${(venues[s.venue] as VenueState).id} ${s.qty}`).join(", ")} cheapest fee first`,
  };
}

/** Baseline: everything to the one venue with the best fee for the tactic (taking: among those showing the price). */
export function bestVenue(request: RouteRequest, venues: readonly VenueState[]): RouteDecision {
  let best: VenueState | undefined;
  if (request.tactic === "aggressive") best = takingVenues(request, venues)[0];
  else if (request.tactic === "midpoint") best = darkVenues(request, venues)[0];
  else {
    best = venues
      .filter((v) => usable(v, request) && v.kind === "lit")
      .sort((a, b) => a.makerFee - b.makerFee || a.index - b.index)[0];
  }
  if (best === undefined || best.minQuantity > request.qty) return none("best-venue", "no venue");
  return {
    logic: "best-venue",
    slices: [slice(request, best, request.qty)],
    fallback: [],
    note: `best fee ${best.id}`,
  };
}

/** Baseline: equal parts to every available venue of the tactic's kind, whatever each shows. */
export function equalSplit(request: RouteRequest, venues: readonly VenueState[]): RouteDecision {
  const kind = request.tactic === "midpoint" ? "dark" : "lit";
  const chosen = venues.filter((v) => usable(v, request) && v.kind === kind).sort((a, b) => a.index - b.index);
  if (chosen.length === 0) return none("equal-split", "no venue");
  const lots = split(
    request.qty,
    chosen.map(() => 1),
    chosen.map(() => request.qty),
    chosen,
    request.minSliceLots,
  );
  const slices: RouteSlice[] = [];
  lots.forEach((qty, i) => {
    if (qty > 0) slices.push(slice(request, chosen[i] as VenueState, qty));
  });
  return { logic: "equal-split", slices, fallback: [], note: `equal parts to ${chosen.map((v) => v.id).join(", ")}` };
}

/** The ranking a sequential route walks for the request's tactic. */
export function ranking(request: RouteRequest, venues: readonly VenueState[]): VenueState[] {
  if (request.tactic === "aggressive") return takingVenues(request, venues);
  if (request.tactic === "midpoint") return darkVenues(request, venues);
  return restingVenues(request, venues);
}

/**
 * Splits `qty` lots in proportion to `weights`, each part within its cap, whole lots by largest remainder; a part
 * below its venue's minimum (or `minSlice`) is dropped and its lots go to the others where they fit; a child too small
 * to split goes whole to one venue (the largest part).
 */
export function split(
  qty: number,
  weights: readonly number[],
  caps: readonly number[],
  venues: readonly VenueState[],
  minSlice: number,
): number[] {
  const n = weights.length;
  const lots = new Array<number>(n).fill(0);
  const active = new Array<boolean>(n).fill(true);
  for (let round = 0; round < n; round++) {
    let total = 0;
    let weight = 0;
    for (let i = 0; i < n; i++) if (active[i]) weight += weights[i] as number;
    if (weight <= 0) break;
    const remainders: { i: number; r: number }[] = [];
    for (let i = 0; i < n; i++) {
      if (!active[i]) {
        lots[i] = 0;
        continue;
      }
      const exact = (qty * (weights[i] as number)) / weight;
      lots[i] = Math.min(Math.floor(exact), caps[i] as number);
      remainders.push({ i, r: exact - Math.floor(exact) });
      total += lots[i] as number;
    }
    remainders.sort((a, b) => b.r - a.r || a.i - b.i);
    for (const { i } of remainders) {
      if (total >= qty) break;
      if ((lots[i] as number) < (caps[i] as number)) {
        lots[i] = (lots[i] as number) + 1;
        total++;
      }
    }
    // Drop the smallest part below its minimum, then split again among the rest. Below the venue's own minimum a part
    // always goes; below `minSlice` only while another part stands (the last one takes the whole child).
    let standing = 0;
    for (let i = 0; i < n; i++) if (active[i] && (lots[i] as number) > 0) standing++;
    let drop = -1;
    for (let i = 0; i < n; i++) {
      const lot = lots[i] as number;
      if (!active[i] || lot <= 0) continue;
      const venueMin = (venues[i] as VenueState).minQuantity;
      if (lot < venueMin || (standing > 1 && lot < minSlice)) {
        if (drop < 0 || lot < (lots[drop] as number)) drop = i;
      }
    }
    if (drop < 0) break;
    active[drop] = false;
    lots[drop] = 0;
  }
  return lots;
}

function slice(request: RouteRequest, venue: VenueState, qty: number): RouteSlice {
  const dark = venue.kind === "dark";
  return {
    venue: venue.index,
    tactic: request.tactic,
    price: request.price,
    qty,
    timeInForce: request.tactic === "aggressive" ? "ioc" : "day",
    minQty: dark && request.tactic === "aggressive" ? venue.minQuantity : null,
  };
}

function none(logic: RouteDecision["logic"], note: string): RouteDecision {
  return { logic, slices: [], fallback: [], note };
}

function usable(v: VenueState, request: RouteRequest): boolean {
  return v.available && !request.exclude.has(v.index);
}

/** Lots a venue shows at the request's price or better on the far side. */
function shown(v: VenueState, request: RouteRequest): number {
  return request.side === "buy" ? v.askQty : v.bidQty;
}

/** Half the consolidated spread; half a tick for a locked, crossed or one-sided market. */
export function halfSpread(request: RouteRequest): number {
  const spread = request.ask - request.bid;
  return Number.isFinite(spread) && spread > 0 ? spread / 2 : request.tick / 2;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
