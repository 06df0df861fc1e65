/**
 * One parent order's algorithm at work: its schedule (twap / vwap / pov / is) and the tactics that turn the gap between
 * the schedule and what has been executed into child order decisions. It is pure: the executor (engine/) gives it the
 * parent's position, the market and the children it has working, and carries out the actions it returns (placing and
 * cancelling children at venues, reserving the parent's quantity first).
 *
 * Recalibration, at every decision (timer, market-data event, fill, child done):
 * - behind the schedule's floor (by default: target minus a tolerance that shrinks with aggressiveness), it takes
 *   liquidity for the shortfall: escalation from passive to aggressive;
 * - otherwise it keeps passive quantity working for what the schedule wants done one look-ahead period from now
 *   (split between a dark midpoint peg and a lit passive order when dark pools are allowed), re-pegs passive orders
 *   left behind by the touch or locked by the far touch (stale: one replace to the price it would place at now) and
 *   cancels passive quantity beyond the look-ahead want (ahead of schedule: it slows down);
 * - in the final phase of a window that must complete, it cancels passive orders and takes what is left.
 * The schedule is re-planned when the parent's quantity changes other than by fills (`replan()`), and whenever the
 * schedule asks (IS re-optimisation, VWAP re-forecast).
 * Invariants: never asks for more than the parent's open quantity minus what is working; never prices beyond the
 * parent's limit (child-tactics.ts); never trades beyond the schedule's ceiling or the participation cap.
 * Hot path: `decide` allocates only for the actions it returns.
 */
import type { ChildTactic } from "../model/client-events.js";
import type { Side } from "../model/order-types.js";
import type { AlgoParameters } from "./algo-parameters.js";
import { aggressivePrice, midpointCap, passivePrice, protect, staleness, type TouchQuote } from "./child-tactics.js";
import type { Schedule } from "./schedule.js";

/**
 * The smallest top-up of passive quantity, as a share of what the schedule wants done over one look-ahead period: a
 * parent a few lots short does not send a child of a few lots (each fill of which triggers the next decision), it
 * waits until the gap is worth a child. An eighth: the 1,000-parent day sends 0.51M children instead of 1.66M, and
 * the evaluation's costs are unchanged within noise (BENCHMARKS.md §8, §9).
 */
const MIN_TOP_UP_SHARE = 1 / 8;

/** Lit passive children a parent keeps working at once, at most. */
export const MAX_PASSIVE_CHILDREN = 3;

/**
 * The least time a passive child rests at its price before it follows a touch that left it behind (µs); a parent
 * re-pegs at most once per its decision interval (`repegMicros`, 1-5 s). A touch that flickers away and back costs no
 * messages and no queue position; a child left a tick behind still rests in the book. A locked child moves at once.
 */
export const REPEG_MIN_MICROS = 1_000_000;

export interface ParentPosition {
  /** Lots executed so far. */
  readonly executed: number;
  /** Lots of the open (started) orders not yet executed, working children included. */
  readonly openQty: number;
  /** The most aggressive workable limit, or null for market orders. */
  readonly limitPrice: number | null;
}

export interface AlgoMarket extends TouchQuote {
  /** Cumulative market volume in the instrument, lots. */
  readonly volume: number;
  /** Expected market volume per µs now (for the look-ahead of volume-driven schedules). */
  readonly volumeRate: number;
  /** The smallest order a dark pool trading the instrument takes (lots); +Infinity when none does. */
  readonly darkMinLots: number;
}

export interface WorkingChild {
  readonly childId: string;
  readonly tactic: ChildTactic;
  /** The child's limit at the venue (the cap for a midpoint peg). */
  readonly price: number;
  /** When the child was placed at that price, or last re-pegged to it (µs). */
  readonly pricedAt: number;
  readonly leavesQty: number;
  readonly cancelPending: boolean;
}

export type AlgoAction =
  | { readonly kind: "place"; readonly tactic: ChildTactic; readonly price: number; readonly qty: number }
  | { readonly kind: "cancel"; readonly childId: string; readonly reason: string }
  /** Re-peg a working passive child to `price` in one message (it keeps its quantity; the venue may refuse). */
  | { readonly kind: "replace"; readonly childId: string; readonly price: number; readonly reason: string };

export class ParentAlgo {
  private dirty = true;
  private firstPlan = true;
  /** The earliest time a child left behind may be re-pegged (+Infinity: none waiting). */
  private repegAt = Number.POSITIVE_INFINITY;
  /** Executed lots and market volume when the algorithm first planned (participation cap baseline). */
  private executedAtStart = 0;
  private volumeAtStart = 0;
  readonly lookaheadMicros: number;
  readonly decisionMicros: number;
  readonly repegMicros: number;
  readonly finalPhaseMicros: number;
  /** Decisions taken, and how many of them found the parent behind its floor (for reports). */
  decisions = 0;
  escalations = 0;

  constructor(
    readonly params: AlgoParameters,
    readonly schedule: Schedule,
    readonly side: Side,
  ) {
    const window = Math.max(1, params.endTime - params.startTime);
    this.lookaheadMicros = clamp(window / Math.max(1, params.slices), 1_000_000, 120_000_000);
    this.decisionMicros = clamp(this.lookaheadMicros / 4, 250_000, 5_000_000);
    this.repegMicros = Math.max(REPEG_MIN_MICROS, this.decisionMicros);
    this.finalPhaseMicros = clamp(window * 0.05, 5_000_000, 60_000_000);
  }

  /** Whether the schedule has been planned (at the first decision at or after the start). */
  get planned(): boolean {
    return !this.firstPlan;
  }

  /** The parent's quantity changed other than by a fill: plan afresh at the next decision. */
  replan(): void {
    this.dirty = true;
  }

  /** The time of the next decision the algorithm wants without any event (µs). */
  nextWake(now: number): number {
    let next = now + this.decisionMicros;
    const step = this.schedule.nextStep(now);
    if (step > now && step < next) next = step;
    const finalPhase = this.params.endTime - this.finalPhaseMicros;
    if (this.params.completeByEnd && finalPhase > now && finalPhase < next) next = finalPhase;
    if (this.params.startTime > now && this.params.startTime < next) next = this.params.startTime;
    if (this.repegAt > now && this.repegAt < next) next = this.repegAt;
    return next;
  }

  /** Target lots executed by `now` (after `decide` planned), for reports and tests. */
  targetAt(now: number, volume: number): number {
    return this.schedule.target(now, volume);
  }

  /** Appends to `out` what to do now; returns how many actions it appended. */
  decide(
    now: number,
    position: ParentPosition,
    market: AlgoMarket,
    children: readonly WorkingChild[],
    out: AlgoAction[],
  ): number {
    if (now < this.params.startTime) return 0;
    const before = out.length;
    const schedule = this.schedule;
    if (this.dirty || schedule.wantsReplan(now)) {
      schedule.plan({
        time: now,
        executed: position.executed,
        remaining: position.openQty,
        marketVolume: market.volume,
      });
      if (this.firstPlan) {
        this.executedAtStart = position.executed;
        this.volumeAtStart = market.volume;
        this.firstPlan = false;
      }
      this.dirty = false;
    }
    schedule.observe(now, market.volume);
    this.decisions++;

    let aggressiveWorking = 0;
    let passiveWorking = 0;
    let litPassive = 0;
    let darkWorking = false;
    for (const child of children) {
      if (child.cancelPending) continue;
      if (child.tactic === "aggressive") aggressiveWorking += child.leavesQty;
      else {
        passiveWorking += child.leavesQty;
        if (child.tactic === "passive") litPassive++;
        else darkWorking = true;
      }
    }
    const executed = position.executed;
    const open = position.openQty;
    const free = open - aggressiveWorking - passiveWorking;
    const p = this.params;
    const limit = position.limitPrice;

    // Final phase: everything left, taken; with the limit behind the far touch, resting at the limit.
    if (p.completeByEnd && now >= p.endTime - this.finalPhaseMicros) {
      const take = aggressivePrice(this.side, market, limit);
      const rest = Number.isNaN(take) ? this.restingPrice(market, limit) : Number.NaN;
      let resting = 0;
      for (const child of children) {
        if (child.cancelPending || child.tactic === "aggressive") continue;
        if (child.tactic === "passive" && child.price === rest) resting += child.leavesQty;
        else out.push({ kind: "cancel", childId: child.childId, reason: "final-phase" });
      }
      const qty = Math.min(open - aggressiveWorking - resting, p.maxChildLots);
      if (qty > 0 && !Number.isNaN(take)) out.push({ kind: "place", tactic: "aggressive", price: take, qty });
      else if (qty >= p.minChildLots && !Number.isNaN(rest) && resting === 0) {
        out.push({ kind: "place", tactic: "passive", price: rest, qty });
      }
      return out.length - before;
    }

    const target = schedule.target(now, market.volume);
    const soon = this.soon(now, market.volume, market.volumeRate, target);
    let ceiling = schedule.ceiling(now, market.volume);
    if (p.maxParticipation !== null) {
      const cap =
        this.executedAtStart + p.maxParticipation * Math.max(0, market.volume - this.volumeAtStart) + p.minChildLots;
      if (cap < ceiling) ceiling = cap;
    }
    const floor = this.floorOf(now, market.volume, target, soon);

    // Behind the floor: take the shortfall (what is displayed at the far touch, within the ceiling).
    if (executed + aggressiveWorking < floor) {
      this.escalations++;
      const displayed = this.side === "buy" ? market.askQty : market.bidQty;
      const qty = Math.floor(
        Math.min(
          target - executed - aggressiveWorking,
          free,
          ceiling - executed - aggressiveWorking - passiveWorking,
          p.maxChildLots,
          displayed,
        ),
      );
      const price = aggressivePrice(this.side, market, limit);
      if (!Number.isNaN(price)) {
        // Escalate: passive quantity that the shortfall needs is cancelled, to be taken once released.
        let short = Math.min(target - executed - aggressiveWorking, displayed, p.maxChildLots) - Math.max(0, qty);
        for (let i = children.length - 1; i >= 0 && short > 0; i--) {
          const child = children[i] as WorkingChild;
          if (child.cancelPending || child.tactic === "aggressive") continue;
          out.push({ kind: "cancel", childId: child.childId, reason: "escalate" });
          short -= child.leavesQty;
        }
        if (qty >= p.minChildLots) out.push({ kind: "place", tactic: "aggressive", price, qty });
        return out.length - before;
      }
    }

    // Passive: keep working what the schedule wants by one look-ahead from now.
    const want = Math.max(0, Math.min(soon, ceiling) - executed - aggressiveWorking);
    const intended = passivePrice(this.side, market, limit, p.aggressiveness);
    let keep = 0;
    this.repegAt = Number.POSITIVE_INFINITY;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i] as WorkingChild;
      if (child.cancelPending || child.tactic === "aggressive") continue;
      const stale = child.tactic === "passive" ? staleness(this.side, child.price, intended, market) : null;
      if (stale !== null) {
        // Re-pegged where the parent would place it now (a stale child implies a far touch, so there is such a price).
        const at = child.pricedAt + this.repegMicros;
        if (stale === "locked" || at <= now) {
          out.push({ kind: "replace", childId: child.childId, price: intended, reason: "stale" });
        } else if (at < this.repegAt) this.repegAt = at;
      }
      keep += child.leavesQty;
    }
    // Ahead by more than half a look-ahead period: cancelling costs queue position, so only then.
    if (keep > want + Math.max(p.minChildLots, (soon - target) / 2)) {
      // Ahead of schedule: slow down, newest first.
      for (let i = children.length - 1; i >= 0 && keep > want; i--) {
        const child = children[i] as WorkingChild;
        if (child.cancelPending || child.tactic === "aggressive") continue;
        out.push({ kind: "cancel", childId: child.childId, reason: "ahead-of-schedule" });
        keep -= child.leavesQty;
        if (child.tactic === "passive") litPassive--;
        else darkWorking = false;
      }
      return out.length - before;
    }
    const add = Math.floor(Math.min(want - keep, free));
    if (add < Math.max(p.minChildLots, (soon - target) * MIN_TOP_UP_SHARE)) return out.length - before;
    let rest = add;
    if (p.useDark && add >= market.darkMinLots && !darkWorking) {
      const cap = midpointCap(this.side, market, limit);
      const dark = Math.min(Math.max(p.minChildLots, market.darkMinLots, Math.ceil(add / 2)), p.maxChildLots, add);
      if (!Number.isNaN(cap)) {
        out.push({ kind: "place", tactic: "midpoint", price: cap, qty: dark });
        rest -= dark;
      }
    }
    if (rest >= p.minChildLots && litPassive < MAX_PASSIVE_CHILDREN) {
      this.placePassive(market, limit, Math.min(rest, p.maxChildLots), out, intended);
    }
    return out.length - before;
  }

  /**
   * The schedule's floor at `time` (after `decide` planned): below it the parent takes what it is short. `volume` is
   * the market volume expected by then, `volumeRate` per µs after it (the look-ahead's volume).
   */
  floorAt(time: number, volume: number, volumeRate: number): number {
    const target = this.schedule.target(time, volume);
    return this.floorOf(time, volume, target, this.soon(time, volume, volumeRate, target));
  }

  /** What the schedule wants done one look-ahead after `time` (at least its target then). */
  private soon(time: number, volume: number, volumeRate: number, target: number): number {
    // The look-ahead never reaches past the end time: working for volume expected after the window would leave a
    // volume-driven schedule (POV) a look-ahead period ahead of its rate when the window ends.
    const ahead = Math.min(this.lookaheadMicros, Math.max(0, this.params.endTime - time));
    const later = this.schedule.target(time + ahead, volume + volumeRate * ahead);
    return Math.max(target, later);
  }

  /** The schedule's own floor, or the target less (1 - aggressiveness) of a look-ahead's want. */
  private floorOf(time: number, volume: number, target: number, soon: number): number {
    const floor = this.schedule.floor(time, volume);
    if (!Number.isNaN(floor)) return floor;
    const p = this.params;
    return target - (1 - p.aggressiveness) * Math.max(soon - target, p.minChildLots);
  }

  /** Where the final phase rests when it cannot take: the far touch within the limit, behind our own contra order. */
  private restingPrice(market: AlgoMarket, limit: number | null): number {
    const buy = this.side === "buy";
    let price = protect(this.side, buy ? market.ask : market.bid, limit);
    const ownFar = buy ? market.ownAsk : market.ownBid;
    if (buy ? price >= ownFar : price <= ownFar) price = buy ? ownFar - market.tick : ownFar + market.tick;
    return Number.isFinite(price) ? price : Number.NaN;
  }

  private placePassive(
    market: AlgoMarket,
    limit: number | null,
    qty: number,
    out: AlgoAction[],
    price = passivePrice(this.side, market, limit, this.params.aggressiveness),
  ): void {
    if (!Number.isNaN(price)) out.push({ kind: "place", tactic: "passive", price, qty });
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
