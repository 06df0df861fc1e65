/**
 * The venue scorecard on scripted child and market sequences: priors before any data, learning fill probability by
 * tactic and level (with forgetting), fill rate, time to fill, reject rate, markouts on a scripted mid path for a buy
 * and a sell at every horizon (completed only at or after their due time, bounded per symbol), hidden liquidity,
 * the JSON file round trip and its errors, and properties over arbitrary sequences.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { InvariantError, UserError } from "../core/errors.js";
import type { ChildTactic } from "../model/client-events.js";
import { MARKOUT_HORIZONS_SECONDS, PRICE_LEVELS, type PriceLevel, VenueScorecard } from "./venue-scorecard.js";

const SECOND = 1_000_000;
const TACTICS: readonly ChildTactic[] = ["passive", "midpoint", "aggressive"];

/** `count` children done on XNAS AAPL, the i-th filling all its 100 lots when `fills(i)`. */
function feed(
  card: VenueScorecard,
  tactic: ChildTactic,
  level: PriceLevel,
  count: number,
  fills: (i: number) => boolean,
) {
  for (let i = 0; i < count; i++) {
    card.onDone("XNAS", "AAPL", tactic, level, fills(i) ? 100 : 0, 100, i * SECOND, i * SECOND + 500, false);
  }
}

describe("priors", () => {
  it("before any observation every read is the prior", () => {
    const card = new VenueScorecard();
    expect(card.fillProbability("XNAS", "AAPL", "passive", "inside")).toBe(0.5);
    expect(card.fillRate("XNAS", "AAPL", "aggressive")).toBe(0.5);
    expect(card.timeToFillMicros("XNAS", "AAPL", "passive")).toBeNaN();
    expect(card.rejectRate("XNAS", "AAPL")).toBe(0);
    for (const seconds of MARKOUT_HORIZONS_SECONDS) expect(card.markoutBps("XNAS", "AAPL", seconds)).toBeNull();
    expect(card.hiddenLiquidityRate("XDRK", "AAPL")).toBe(0.5);
  });

  it("the prior mean follows the pseudo-counts", () => {
    const card = new VenueScorecard({ priorFills: 2, priorMisses: 8 });
    expect(card.fillProbability("XNAS", "AAPL", "midpoint", "touch")).toBeCloseTo(0.2, 12);
    expect(card.hiddenLiquidityRate("XDRK", "AAPL")).toBeCloseTo(0.2, 12);
  });

  it("refuses options that make no sense", () => {
    expect(() => new VenueScorecard({ decay: 0 })).toThrow(InvariantError);
    expect(() => new VenueScorecard({ decay: 1.01 })).toThrow(/decay/);
    expect(() => new VenueScorecard({ priorFills: 0, priorMisses: 0 })).toThrow(/priors/);
    expect(() => new VenueScorecard({ maxPendingMarkouts: 0 })).toThrow(/maxPendingMarkouts/);
  });
});

describe("fill probability", () => {
  it("is the Beta posterior mean of decayed counts", () => {
    const card = new VenueScorecard({ decay: 0.5 });
    feed(card, "passive", "inside", 2, (i) => i === 0); // a fill, then a miss
    // filled = 0.5 * 1 + 0, done = 0.5 * 1 + 1
    expect(card.fillProbability("XNAS", "AAPL", "passive", "inside")).toBeCloseTo((1 + 0.5) / (2 + 1.5), 12);
  });

  it("converges to the empirical rate, by level and tactic independently", () => {
    const card = new VenueScorecard();
    feed(card, "passive", "inside", 4000, (i) => i % 4 === 0);
    feed(card, "passive", "behind", 4000, (i) => i % 10 === 0);
    feed(card, "aggressive", "touch", 4000, () => true);
    expect(card.fillProbability("XNAS", "AAPL", "passive", "inside")).toBeCloseTo(0.25, 2);
    expect(card.fillProbability("XNAS", "AAPL", "passive", "behind")).toBeCloseTo(0.1, 2);
    // All fill: the prior's weight against 1 / (1 - 0.995) = 200 observations of memory.
    expect(card.fillProbability("XNAS", "AAPL", "aggressive", "touch")).toBeCloseTo(201 / 202, 4);
    // Untouched cells, venues and symbols keep the prior.
    expect(card.fillProbability("XNAS", "AAPL", "passive", "touch")).toBe(0.5);
    expect(card.fillProbability("XNAS", "AAPL", "midpoint", "inside")).toBe(0.5);
    expect(card.fillProbability("XNAS", "MSFT", "passive", "inside")).toBe(0.5);
    expect(card.fillProbability("XARC", "AAPL", "passive", "inside")).toBe(0.5);
  });

  it("forgets: a venue that stops filling is seen to stop; without decay it is not", () => {
    const forgetting = new VenueScorecard({ decay: 0.99 });
    const remembering = new VenueScorecard({ decay: 1 });
    for (const card of [forgetting, remembering]) {
      feed(card, "passive", "touch", 1000, () => true);
      feed(card, "passive", "touch", 1000, () => false);
    }
    expect(forgetting.fillProbability("XNAS", "AAPL", "passive", "touch")).toBeLessThan(0.01);
    expect(remembering.fillProbability("XNAS", "AAPL", "passive", "touch")).toBeCloseTo(0.5, 12);
  });

  it("a partial fill is a hit; rejected children count only towards the reject rate", () => {
    const card = new VenueScorecard({ decay: 1 });
    card.onDone("XNAS", "AAPL", "passive", "touch", 1, 100, 0, 10, false);
    card.onDone("XNAS", "AAPL", "passive", "touch", 0, 100, 0, 10, true);
    expect(card.fillProbability("XNAS", "AAPL", "passive", "touch")).toBeCloseTo(2 / 3, 12);
  });
});

describe("fill rate, time to fill, reject rate", () => {
  it("fill rate weighs lots, shrunk towards the prior by the children seen", () => {
    const card = new VenueScorecard({ decay: 1 });
    card.onDone("XNAS", "AAPL", "passive", "inside", 100, 100, 0, 10, false);
    card.onDone("XNAS", "AAPL", "passive", "behind", 0, 300, 0, 10, false);
    // 100 of 400 lots over 2 children: (1 + 2 * 0.25) / (2 + 2)
    expect(card.fillRate("XNAS", "AAPL", "passive")).toBeCloseTo(1.5 / 4, 12);
    expect(card.fillRate("XNAS", "AAPL", "aggressive")).toBe(0.5);
    const many = new VenueScorecard();
    for (let i = 0; i < 3000; i++) many.onDone("XNAS", "AAPL", "midpoint", "touch", 30, 100, 0, 10, false);
    expect(many.fillRate("XNAS", "AAPL", "midpoint")).toBeCloseTo(0.3, 2);
  });

  it("time to fill: sent to first fill, over the children that filled, per tactic", () => {
    const card = new VenueScorecard({ decay: 1 });
    card.onDone("XNAS", "AAPL", "passive", "touch", 100, 100, 0, 3000, false); // one print: done = first fill
    card.onDone("XNAS", "AAPL", "passive", "touch", 100, 100, 10_000, 50_000, false, 11_000);
    card.onDone("XNAS", "AAPL", "passive", "touch", 0, 100, 0, 900_000, false); // never filled: not counted
    expect(card.timeToFillMicros("XNAS", "AAPL", "passive")).toBe(2000);
    expect(card.timeToFillMicros("XNAS", "AAPL", "aggressive")).toBeNaN();
  });

  it("reject rate: rejected per child done, with a prior of no rejects", () => {
    const card = new VenueScorecard({ decay: 1 });
    card.onDone("XNAS", "AAPL", "aggressive", "touch", 0, 100, 0, 10, true);
    for (let i = 0; i < 3; i++) card.onDone("XNAS", "AAPL", "aggressive", "touch", 100, 100, 0, 10, false);
    expect(card.rejectRate("XNAS", "AAPL")).toBeCloseTo(1 / 6, 12);
    expect(card.rejectRate("XNAS", "MSFT")).toBe(0);
  });

  it("refuses impossible children", () => {
    const card = new VenueScorecard();
    expect(() => card.onDone("XNAS", "AAPL", "passive", "touch", 101, 100, 0, 10, false)).toThrow(InvariantError);
    expect(() => card.onDone("XNAS", "AAPL", "passive", "touch", 5, 100, 0, 10, true)).toThrow(/rejected/);
    expect(() => card.onDone("XNAS", "AAPL", "passive", "touch", 5, 100, 20, 10, false)).toThrow(/sent at 20/);
    expect(() => card.onDone("XNAS", "AAPL", "passive", "touch", 5, 100, 0, 10, false, 11)).toThrow(/first fill 11/);
  });
});

describe("markouts", () => {
  /** A mid path after fills at 0 with mid 100: due at 1 s -> 99.8, 5 s -> 100.1 (at 6 s), 30 s -> 99.5, 60 s -> 101. */
  const path: readonly [number, number][] = [
    [500_000, 99.9],
    [SECOND, 99.8],
    [3 * SECOND, 100.2],
    [6 * SECOND, 100.1],
    [40 * SECOND, 99.5],
    [70 * SECOND, 101],
  ];

  function scripted(): VenueScorecard {
    const card = new VenueScorecard({ decay: 1 });
    card.onFill("XNAS", "AAPL", "buy", "passive", 100, 100, 100, 0);
    card.onFill("XNAS", "MSFT", "sell", "aggressive", 100, 100.01, 100, 0);
    for (const [time, mid] of path) {
      card.onMid("AAPL", mid, time);
      card.onMid("MSFT", mid, time);
    }
    return card;
  }

  it("a buy: positive when the mid fell after it (adverse), at every horizon", () => {
    const card = scripted();
    expect(card.markoutBps("XNAS", "AAPL", 1)).toBeCloseTo(20, 9); // 100 -> 99.8
    expect(card.markoutBps("XNAS", "AAPL", 5)).toBeCloseTo(-10, 9); // 100 -> 100.1
    expect(card.markoutBps("XNAS", "AAPL", 30)).toBeCloseTo(50, 9); // 100 -> 99.5
    expect(card.markoutBps("XNAS", "AAPL", 60)).toBeCloseTo(-100, 9); // 100 -> 101
  });

  it("a sell: the mirror image, from the mid at the fill (not the fill price)", () => {
    const card = scripted();
    expect(card.markoutBps("XNAS", "MSFT", 1)).toBeCloseTo(-20, 9);
    expect(card.markoutBps("XNAS", "MSFT", 5)).toBeCloseTo(10, 9);
    expect(card.markoutBps("XNAS", "MSFT", 30)).toBeCloseTo(-50, 9);
    expect(card.markoutBps("XNAS", "MSFT", 60)).toBeCloseTo(100, 9);
    expect(card.markoutBps("XNAS", "MSFT", 60, "aggressive")).toBeCloseTo(100, 9);
    expect(card.markoutBps("XNAS", "MSFT", 60, "passive")).toBeNull();
  });

  it("completes a markout only at or after its due time, with the first mid seen then", () => {
    const card = new VenueScorecard({ decay: 1 });
    card.onFill("XNAS", "AAPL", "buy", "midpoint", 100, 50, 50, 2 * SECOND);
    card.onMid("AAPL", 49, 3 * SECOND - 1);
    expect(card.markoutBps("XNAS", "AAPL", 1)).toBeNull();
    card.onMid("AAPL", Number.NaN, 3 * SECOND); // no NBBO: nothing completes
    expect(card.markoutBps("XNAS", "AAPL", 1)).toBeNull();
    card.onMid("AAPL", 49.5, 3 * SECOND + 7);
    card.onMid("AAPL", 45, 3 * SECOND + 8);
    expect(card.markoutBps("XNAS", "AAPL", 1)).toBeCloseTo(100, 9); // 50 -> 49.5, not 45
    expect(card.markoutBps("XNAS", "AAPL", 5)).toBeNull();
    card.onMid("AAPL", 51, 7 * SECOND);
    expect(card.markoutBps("XNAS", "AAPL", 5)).toBeCloseTo(-200, 9);
  });

  it("weighs fills by their lots; a fill without a mid is marked from its price; venues apart", () => {
    const card = new VenueScorecard({ decay: 1 });
    card.onFill("XNAS", "AAPL", "buy", "passive", 100, 100, 100, 0); // 100 -> 99.9: 10 bps
    card.onFill("XNAS", "AAPL", "buy", "passive", 300, 100, Number.NaN, 0); // from its price: 10 bps
    card.onFill("XNAS", "AAPL", "buy", "passive", 100, 99.7, 99.7, 0); // 99.7 -> 99.9: -20.06 bps
    card.onFill("XARC", "AAPL", "sell", "aggressive", 100, 100, 100, 0); // -10 bps
    card.onMid("AAPL", 99.9, SECOND);
    const third = ((99.7 - 99.9) / 99.7) * 10_000;
    expect(card.markoutBps("XNAS", "AAPL", 1)).toBeCloseTo((400 * 10 + 100 * third) / 500, 9);
    expect(card.markoutBps("XARC", "AAPL", 1)).toBeCloseTo(-10, 9);
    // Pooled over venues as if one, per tactic: XNAS's passive lots with XARC's (none passive), and both taking.
    expect(card.pooledMarkoutBps(["XNAS", "XARC"], "AAPL", 1, "passive")).toBeCloseTo(
      (400 * 10 + 100 * third) / 500,
      9,
    );
    expect(card.pooledMarkoutBps(["XNAS", "XARC"], "AAPL", 1)).toBeCloseTo((400 * 10 + 100 * third - 1000) / 600, 9);
    expect(card.pooledMarkoutBps(["XNAS", "XARC"], "AAPL", 1, "aggressive")).toBeCloseTo(-10, 9);
    expect(card.pooledMarkoutBps(["XNAS"], "AAPL", 1, "aggressive")).toBeNull();
    expect(card.pooledMarkoutBps(["NONE"], "AAPL", 1)).toBeNull();
  });

  it("keeps at most maxPendingMarkouts fills per symbol, dropping the oldest and counting", () => {
    const card = new VenueScorecard({ decay: 1, maxPendingMarkouts: 3 });
    for (let i = 0; i < 5; i++) card.onFill("XNAS", "AAPL", "buy", "passive", 100, 100 + i, 100 + i, i);
    card.onFill("XNAS", "MSFT", "buy", "passive", 100, 10, 10, 0);
    expect(card.droppedMarkouts("AAPL")).toBe(2 * MARKOUT_HORIZONS_SECONDS.length);
    card.onMid("AAPL", 103, 61 * SECOND);
    // Only the fills at 102, 103, 104 were marked: (102 - 103) / 102, 0, (104 - 103) / 104.
    const expected = ((-1 / 102 + 1 / 104) * 10_000) / 3;
    expect(card.markoutBps("XNAS", "AAPL", 60)).toBeCloseTo(expected, 9);
    expect(card.droppedMarkouts("MSFT")).toBe(0);
    expect(card.snapshot("XNAS", "AAPL").droppedMarkouts).toBe(8);
  });

  it("a fill whose 1 s markout is done and whose 60 s one is pending loses only the 60 s one when dropped", () => {
    const card = new VenueScorecard({ decay: 1, maxPendingMarkouts: 2 });
    card.onFill("XNAS", "AAPL", "buy", "passive", 100, 100, 100, 0);
    card.onMid("AAPL", 99, SECOND); // 1 s done for the first fill
    card.onFill("XNAS", "AAPL", "buy", "passive", 100, 100, 100, SECOND);
    card.onFill("XNAS", "AAPL", "buy", "passive", 100, 100, 100, SECOND); // drops the first fill's 5, 30, 60 s
    expect(card.droppedMarkouts("AAPL")).toBe(3);
    expect(card.markoutBps("XNAS", "AAPL", 1)).toBeCloseTo(100, 9);
  });

  it("grows its ring past the first allocation without losing fills", () => {
    const card = new VenueScorecard({ decay: 1 });
    for (let i = 0; i < 200; i++) {
      card.onFill("XNAS", "AAPL", i % 2 === 0 ? "buy" : "sell", "passive", 100, 100, 100, i * 1000);
      if (i % 50 === 0) card.onMid("AAPL", 100, i * 1000); // nothing due yet
    }
    card.onMid("AAPL", 99, 61 * SECOND);
    for (const seconds of MARKOUT_HORIZONS_SECONDS) expect(card.markoutBps("XNAS", "AAPL", seconds)).toBeCloseTo(0, 9);
    expect(card.droppedMarkouts("AAPL")).toBe(0);
    const state = card.toJSON().venues.XNAS?.AAPL;
    expect(state?.markouts.all["60"].weight).toBe(200 * 100);
  });

  it("refuses fills out of time order for a symbol", () => {
    const card = new VenueScorecard();
    card.onFill("XNAS", "AAPL", "buy", "passive", 100, 100, 100, 10);
    expect(() => card.onFill("XARC", "AAPL", "buy", "passive", 100, 100, 100, 9)).toThrow(InvariantError);
    expect(() => card.onFill("XARC", "AAPL", "buy", "passive", 0, 100, 100, 10)).toThrow(/fill of 0/);
  });
});

describe("hidden liquidity", () => {
  it("midpoint children that found liquidity per midpoint child", () => {
    const card = new VenueScorecard({ decay: 1 });
    for (let i = 0; i < 10; i++) {
      card.onSent("XDRK", "AAPL", "midpoint", "touch", i);
      card.onDone("XDRK", "AAPL", "midpoint", "touch", i < 3 ? 50 : 0, 100, i, i + 100, false);
    }
    card.onDone("XDRK", "AAPL", "passive", "touch", 100, 100, 0, 100, false); // not a ping
    expect(card.hiddenLiquidityRate("XDRK", "AAPL")).toBeCloseTo(4 / 12, 12);
    expect(card.snapshot("XDRK", "AAPL").childrenSent).toBe(10);
  });
});

describe("snapshot", () => {
  it("gathers the reads for one venue and symbol", () => {
    const card = new VenueScorecard({ decay: 1 });
    card.onDone("XNAS", "AAPL", "aggressive", "touch", 100, 100, 0, 400, false);
    card.onFill("XNAS", "AAPL", "buy", "aggressive", 100, 100, 100, 400);
    card.onMid("AAPL", 99.99, 2 * SECOND);
    const snapshot = card.snapshot("XNAS", "AAPL");
    expect(snapshot).toMatchObject({
      venue: "XNAS",
      symbol: "AAPL",
      fillRate: { passive: 0.5, midpoint: 0.5, aggressive: 2 / 3 },
      timeToFillMicros: { passive: null, midpoint: null, aggressive: 400 },
      rejectRate: 0,
      markoutBps: { 5: null, 30: null, 60: null },
      hiddenLiquidityRate: 0.5,
    });
    expect(snapshot.fillProbability.aggressive.touch).toBeCloseTo(2 / 3, 12);
    expect(snapshot.markoutBps[1]).toBeCloseTo(1, 9);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});

describe("persistence", () => {
  const dir = mkdtempSync(join(tmpdir(), "venue-scorecard-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function learned(): VenueScorecard {
    const card = new VenueScorecard({ decay: 0.99, priorFills: 2, priorMisses: 3 });
    let now = 0;
    for (let i = 0; i < 50; i++) {
      now += 1_000;
      const tactic = TACTICS[i % 3] as ChildTactic;
      const level = tactic === "passive" ? (PRICE_LEVELS[i % 3] as PriceLevel) : "touch";
      card.onSent("XNAS", "AAPL", tactic, level, now);
      card.onDone("XNAS", "AAPL", tactic, level, i % 4 === 0 ? 0 : 40, 100, now, now + 300, i % 7 === 0 && i % 4 === 0);
      if (i % 4 !== 0) card.onFill("XNAS", "AAPL", i % 2 === 0 ? "buy" : "sell", tactic, 40, 100.01, 100, now + 300);
      card.onMid("AAPL", 100 + (i % 5) * 0.01, now + 61 * SECOND);
    }
    card.onDone("XDRK", "MSFT", "midpoint", "touch", 10, 100, 0, 10, false);
    return card;
  }

  it("save then load gives the same state and the same reads", () => {
    const card = learned();
    const path = join(dir, "round-trip.json");
    card.save(path);
    const loaded = VenueScorecard.load(path);
    expect(loaded.toJSON()).toEqual(card.toJSON());
    expect(loaded.decay).toBe(0.99);
    for (const tactic of TACTICS) {
      for (const level of PRICE_LEVELS) {
        expect(loaded.fillProbability("XNAS", "AAPL", tactic, level)).toBe(
          card.fillProbability("XNAS", "AAPL", tactic, level),
        );
      }
    }
    expect(loaded.snapshot("XNAS", "AAPL")).toEqual(card.snapshot("XNAS", "AAPL"));
    expect(readFileSync(path, "utf8")).toBe(JSON.stringify(card));
  });

  it("options given to load win over the file's", () => {
    const path = join(dir, "options.json");
    learned().save(path);
    const loaded = VenueScorecard.load(path, { decay: 0.9 });
    expect(loaded.decay).toBe(0.9);
    expect(loaded.priorFills).toBe(2);
  });

  it("markouts still pending are not saved", () => {
    const card = new VenueScorecard();
    card.onFill("XNAS", "AAPL", "buy", "passive", 100, 100, 100, 0);
    const path = join(dir, "pending.json");
    card.save(path);
    const loaded = VenueScorecard.load(path);
    loaded.onMid("AAPL", 90, 61 * SECOND);
    expect(loaded.markoutBps("XNAS", "AAPL", 60)).toBeNull();
  });

  it("a missing file is an empty scorecard", () => {
    const card = VenueScorecard.load(join(dir, "absent.json"), { priorFills: 1, priorMisses: 3 });
    expect(card.toJSON().venues).toEqual({});
    expect(card.fillProbability("XNAS", "AAPL", "passive", "touch")).toBe(0.25);
  });

  it("a malformed file is an error naming the path and the field", () => {
    const state = learned().toJSON();
    const write = (name: string, content: string): string => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };
    const negative = structuredClone(state);
    const rejects = negative.venues.XNAS?.AAPL?.rejects as { rejected: number; done: number };
    rejects.done = -1;
    const path = write("negative.json", JSON.stringify(negative));
    expect(() => VenueScorecard.load(path)).toThrow(UserError);
    expect(() => VenueScorecard.load(path)).toThrow(`${path}: venues.XNAS.AAPL.rejects.done: `);

    const overfilled = structuredClone(state);
    const cell = overfilled.venues.XNAS?.AAPL?.fills.passive.inside as { filled: number; done: number };
    cell.filled = cell.done + 1;
    expect(() => VenueScorecard.load(write("overfilled.json", JSON.stringify(overfilled)))).toThrow(
      "venues.XNAS.AAPL.fills.passive.inside.filled: must not exceed done",
    );

    expect(() => VenueScorecard.load(write("version.json", JSON.stringify({ ...state, version: 2 })))).toThrow(
      /version\.json: version: /,
    );
    const extra = { ...state, options: { ...state.options, halfLife: 3 } };
    expect(() => VenueScorecard.load(write("extra.json", JSON.stringify(extra)))).toThrow("options.halfLife");
    expect(() => VenueScorecard.load(write("syntax.json", "{"))).toThrow(/syntax\.json: invalid JSON/);
    expect(() => VenueScorecard.fromJSON(null)).toThrow("scorecard state: (root): ");
  });
});

describe("properties", () => {
  const venue = fc.constantFrom("XNAS", "XDRK");
  const tactic = fc.constantFrom<ChildTactic>(...TACTICS);
  const level = fc.constantFrom<PriceLevel>(...PRICE_LEVELS);
  const step = fc.oneof(
    fc.record({ kind: fc.constant("sent" as const), venue, tactic, level }),
    fc.record({
      kind: fc.constant("done" as const),
      venue,
      tactic,
      level,
      orderQty: fc.integer({ min: 1, max: 1000 }),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      rejected: fc.boolean(),
      life: fc.integer({ min: 0, max: 10 * SECOND }),
    }),
    fc.record({
      kind: fc.constant("fill" as const),
      venue,
      tactic,
      buy: fc.boolean(),
      qty: fc.integer({ min: 1, max: 1000 }),
      mid: fc.oneof(fc.double({ min: 1, max: 1000, noNaN: true }), fc.constant(Number.NaN)),
    }),
    fc.record({ kind: fc.constant("mid" as const), mid: fc.double({ min: 1, max: 1000, noNaN: true }) }),
  );
  const options = fc.record({
    decay: fc.double({ min: 0.5, max: 1, noNaN: true }),
    priorFills: fc.double({ min: 0.01, max: 10, noNaN: true }),
    priorMisses: fc.double({ min: 0.01, max: 10, noNaN: true }),
    maxPendingMarkouts: fc.integer({ min: 1, max: 20 }),
  });

  it("rates stay within [0, 1], markouts finite, times >= 0, and the state survives JSON, whatever the sequence", () => {
    fc.assert(
      fc.property(
        options,
        fc.array(fc.tuple(step, fc.integer({ min: 0, max: 20 * SECOND })), { maxLength: 150 }),
        (o, steps) => {
          const card = new VenueScorecard(o);
          let now = 0;
          for (const [s, dt] of steps) {
            now += dt;
            if (s.kind === "sent") card.onSent(s.venue, "AAPL", s.tactic, s.level, now);
            else if (s.kind === "done") {
              const filled = s.rejected ? 0 : Math.floor(s.fraction * s.orderQty);
              card.onDone(s.venue, "AAPL", s.tactic, s.level, filled, s.orderQty, now - s.life, now, s.rejected);
            } else if (s.kind === "fill") {
              card.onFill(s.venue, "AAPL", s.buy ? "buy" : "sell", s.tactic, s.qty, 100, s.mid, now);
            } else card.onMid("AAPL", s.mid, now);
          }
          const within = (p: number) => p >= 0 && p <= 1;
          for (const v of ["XNAS", "XDRK"]) {
            for (const t of TACTICS) {
              for (const l of PRICE_LEVELS) expect(within(card.fillProbability(v, "AAPL", t, l))).toBe(true);
              expect(within(card.fillRate(v, "AAPL", t))).toBe(true);
              const time = card.timeToFillMicros(v, "AAPL", t);
              expect(Number.isNaN(time) || time >= 0).toBe(true);
            }
            expect(within(card.rejectRate(v, "AAPL"))).toBe(true);
            expect(within(card.hiddenLiquidityRate(v, "AAPL"))).toBe(true);
            for (const seconds of MARKOUT_HORIZONS_SECONDS) {
              const bps = card.markoutBps(v, "AAPL", seconds);
              expect(bps === null || Number.isFinite(bps)).toBe(true);
            }
          }
          const state = card.toJSON();
          expect(VenueScorecard.fromJSON(JSON.parse(JSON.stringify(state))).toJSON()).toEqual(state);
        },
      ),
    );
  });
});
