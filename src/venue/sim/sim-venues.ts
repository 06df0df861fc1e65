/**
 * Builds the simulated venues a run trades on from validated reference data: one `SimLitVenue` per lit venue, one
 * `SimDarkPool` per dark venue, and the consolidated `MarketView` fed by every venue's market data (lit depth and
 * prints, dark prints), whose NBBO the dark pools cross at.
 * Each venue gets its own random stream, forked in file order, so a run is reproducible from one seed.
 */
import type { Random } from "../../core/random.js";
import type { Scheduler } from "../../core/scheduler.js";
import { MarketView } from "../../market/market-view.js";
import type { ReferenceData } from "../../model/reference-data.js";
import type { Venue } from "../venue.js";
import { SimDarkPool } from "./sim-dark-pool.js";
import { SimLitVenue } from "./sim-lit-venue.js";

export interface SimVenues {
  /** Every venue, in reference-data order. */
  readonly venues: readonly Venue[];
  readonly lit: readonly SimLitVenue[];
  readonly dark: readonly SimDarkPool[];
  /** The consolidated view of every venue's market data; dark pools cross at its NBBO midpoint. */
  readonly quotes: MarketView;
}

export function createSimVenues(data: ReferenceData, scheduler: Scheduler, random: Random): SimVenues {
  const quotes = new MarketView(scheduler);
  const venues: Venue[] = [];
  const lit: SimLitVenue[] = [];
  const dark: SimDarkPool[] = [];
  for (const spec of data.venues) {
    const stream = random.fork();
    if (spec.kind === "lit") {
      const venue = new SimLitVenue(spec, data.instruments, scheduler, stream);
      venue.subscribe(quotes);
      lit.push(venue);
      venues.push(venue);
    } else {
      const pool = new SimDarkPool(spec, data.instruments, scheduler, stream, quotes);
      pool.subscribe(quotes);
      dark.push(pool);
      venues.push(pool);
    }
  }
  return { venues, lit, dark, quotes };
}
