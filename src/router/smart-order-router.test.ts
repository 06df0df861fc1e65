/**
 * The smart order router's optimal split over its parent's look-ahead: the same queues and the same outflow history give
 * a different placement for a child with a 10-second horizon than for one with a minute, because what fills by T is
 * the outflow over T (a run of the estimator's windows), not over one window.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../core/random.js";
import type { RouteRequest, VenueState } from "./routing.js";
import { SmartOrderRouter } from "./smart-order-router.js";

const SECOND = 1_000_000;

const lit = (index: number, id: string, makerFee: number, bidQty: number): VenueState => ({
  index,
  id,
  kind: "lit",
  bid: 1_500_000,
  ask: 1_500_200,
  bidQty,
  askQty: 500,
  makerFee,
  takerFee: 30,
  minQuantity: 1,
  available: true,
  fillProbability: 0.5,
  hiddenRate: 0,
});

// LITA pays makers 20 a share and has 500 lots ahead at the bid; LITB charges 10 and has 100.
const VENUES = [lit(0, "LITA", -20, 500), lit(1, "LITB", 10, 100)];

const request = (horizonMicros?: number): RouteRequest => ({
  side: "buy",
  tactic: "passive",
  price: 1_500_000,
  qty: 400,
  bid: 1_500_000,
  ask: 1_500_200,
  tick: 100,
  minSliceLots: 1,
  urgency: 0.5,
  exclude: new Set(),
  ...(horizonMicros === undefined ? {} : { horizonMicros }),
});

describe("smart order router: the optimal split over the parent's look-ahead", () => {
  // 400 s of quotes: each venue's bid queue loses 30 lots a second, 300 a 10-second window, at the same price.
  const router = new SmartOrderRouter({ random: new Random(1), litVenues: [0, 1], origin: 0 });
  for (let t = 0; t <= 400; t++) {
    for (const v of VENUES) router.observe("ACME", v.index, t * SECOND, v.bid, 100_000 - 30 * t, v.ask, 1_000);
  }
  const now = 400 * SECOND + 1;
  const route = (horizonMicros?: number) =>
    router
      .route("optimal", "ACME", request(horizonMicros), VENUES, now, null, [0, 0])
      .slices.map((s) => [s.venue, s.qty]);

  it("over one window: LITA's queue of 500 is not worked through, LITB's 100 is by 200, so 200 rest there", () => {
    expect(route()).toEqual([
      [0, 200],
      [1, 200],
    ]);
    expect(route(10 * SECOND)).toEqual(route());
  });

  it("over a minute (1,800 lots of outflow): LITA's queue works through, so the whole child rests at its rebate", () => {
    expect(route(60 * SECOND)).toEqual([[0, 400]]);
  });
});
