/**
 * INTERIM venue choice for child orders, until the smart order router (its own issue) replaces it with live venue
 * scoring: one venue per child, from the tactic alone.
 * - aggressive: the first lit venue showing the far touch (the NBBO's venue list); none: not sent;
 * - passive: the lit venue with the cheapest maker fee (largest rebate) that trades the instrument;
 * - midpoint: the first dark pool that trades the instrument.
 * Every venue considered must accept the child's size (`minQuantity`) and the order type the tactic needs.
 * Known limits: no fill probability, no latency, no splitting across venues, no re-routing of a rejected child.
 */
import type { ChildTactic } from "../model/client-events.js";
import { feeMicrosPerShare } from "../model/venue-spec.js";
import type { Venue } from "../venue/venue.js";

export class VenueChoice {
  private readonly lit: number[];
  private readonly dark: number[];
  private readonly byId = new Map<string, number>();
  private readonly darkMin = new Map<string, number>();

  constructor(private readonly venues: readonly Venue[]) {
    venues.forEach((venue, i) => {
      this.byId.set(venue.id, i);
    });
    const limitDay = (v: Venue) => v.spec.orderTypes.includes("limit") && v.spec.timesInForce.includes("day");
    this.lit = venues
      .map((_, i) => i)
      .filter((i) => (venues[i] as Venue).kind === "lit" && limitDay(venues[i] as Venue))
      .sort(
        (a, b) =>
          feeMicrosPerShare((venues[a] as Venue).spec.fees.makerFeePerShare) -
          feeMicrosPerShare((venues[b] as Venue).spec.fees.makerFeePerShare),
      );
    this.dark = venues
      .map((_, i) => i)
      .filter((i) => (venues[i] as Venue).kind === "dark" && limitDay(venues[i] as Venue));
  }

  /** The smallest child a dark pool trading `symbol` accepts (lots); +Infinity when none trades it. Cached. */
  darkMinQuantity(symbol: string): number {
    let min = this.darkMin.get(symbol);
    if (min === undefined) {
      min = Number.POSITIVE_INFINITY;
      for (const i of this.dark) {
        const spec = (this.venues[i] as Venue).spec;
        if (spec.instruments.includes(symbol)) min = Math.min(min, spec.minQuantity);
      }
      this.darkMin.set(symbol, min);
    }
    return min;
  }

  /** The venue index for a child, or -1 when no venue will take it. */
  choose(tactic: ChildTactic, symbol: string, qty: number, touchVenues: readonly string[]): number {
    if (tactic === "midpoint") return this.dark.find((i) => this.accepts(i, symbol, qty)) ?? -1;
    if (tactic === "aggressive") {
      // Only a venue showing the far touch: elsewhere the price is not there to take.
      for (const id of touchVenues) {
        const i = this.byId.get(id);
        if (i !== undefined && this.lit.includes(i) && this.accepts(i, symbol, qty)) return i;
      }
      return -1;
    }
    return this.lit.find((i) => this.accepts(i, symbol, qty)) ?? -1;
  }

  /** Smallest child any venue trading `symbol` accepts (lots). */
  minQuantity(symbol: string): number {
    let min = Number.POSITIVE_INFINITY;
    for (const venue of this.venues) {
      if (venue.spec.instruments.includes(symbol)) min = Math.min(min, venue.spec.minQuantity);
    }
    return Number.isFinite(min) ? min : 1;
  }

  private accepts(i: number, symbol: string, qty: number): boolean {
    const spec = (this.venues[i] as Venue).spec;
    return spec.instruments.includes(symbol) && spec.minQuantity <= qty;
  }
}
