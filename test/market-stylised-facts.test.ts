/**
 * Stylised facts of the simulated market, from one full simulated day (09:30-16:00, seed 11) on the shipped
 * config/demo.yaml with the real intraday profile (../shared, read in place). Nobody trades but the market model:
 * - the spread is positive: the NBBO is two-sided and neither locked nor crossed essentially all the time, and every
 *   lit venue's own book quotes at least one tick wide, a little more than the 1-tick target on average;
 * - the volume per 5-minute bin follows the configured U-shape within tolerance, and adds up to ADV;
 * - realised volatility of the NBBO midpoint is near the configured annual volatility;
 * - dark pools get contra liquidity in proportion to lit volume, and it crosses sometimes.
 * Tolerances are for one seeded day: a bin holds about 250 market orders (Poisson noise about 10% per bin), and a
 * volatility estimate from n returns has a relative standard error of about 1/sqrt(2n).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ExecutionReport } from "../src/model/execution-report.js";
import type { Instrument } from "../src/model/instrument.js";
import { SESSION_SECONDS, TRADING_DAYS_PER_YEAR } from "../src/model/market-parameters.js";
import { demoProfile, MINUTE, mean, OPEN, SECOND, type TestDay, testDay } from "./market-fixtures.js";

const SYMBOLS = ["ACME", "NRTH", "PNNY"];
const LIT = ["LITA", "LITB"];
const BINS = 78;

let t: TestDay;
/** Lit volume (lots) per symbol and 5-minute bin, counted once per execution from the maker's side. */
const litBins = new Map<string, Float64Array>();
const darkOrdered = new Map<string, number>();
const darkCrossed = new Map<string, number>();
let smallestDarkOrder = Number.POSITIVE_INFINITY;
const nbboSamples = new Map<string, { bid: number; ask: number }[]>();
const minuteMids = new Map<string, number[]>();
/** Per symbol, seconds in which each lit venue alone had the best bid (or best ask): [LITA, LITB, tied]. */
const touchOwners = new Map<string, [number, number, number]>();

function tally(r: ExecutionReport): void {
  if (r.venueId === "DRKP") {
    if (r.execType === "new") {
      darkOrdered.set(r.symbol, (darkOrdered.get(r.symbol) ?? 0) + r.orderQty);
      smallestDarkOrder = Math.min(smallestDarkOrder, r.orderQty);
    } else if (r.execType === "trade" && r.liquidity === "maker") {
      darkCrossed.set(r.symbol, (darkCrossed.get(r.symbol) ?? 0) + r.lastQty);
    }
    return;
  }
  if (r.execType !== "trade" || r.liquidity !== "maker") return;
  const bin = Math.floor((r.transactTime - OPEN) / (5 * MINUTE));
  const bins = litBins.get(r.symbol) as Float64Array;
  if (bin < BINS) bins[bin] = (bins[bin] as number) + r.lastQty;
}

beforeAll(() => {
  t = testDay({ seed: 11, minutes: 390, onModelReport: tally });
  for (const s of SYMBOLS) {
    nbboSamples.set(s, []);
    minuteMids.set(s, []);
    litBins.set(s, new Float64Array(BINS));
    touchOwners.set(s, [0, 0, 0]);
  }
  t.every(OPEN + SECOND, t.day.endMicros, SECOND, () => {
    const [a, b] = t.day.sim.lit;
    for (const s of SYMBOLS) {
      const owners = touchOwners.get(s) as [number, number, number];
      for (const side of ["buy", "sell"] as const) {
        const pa = a?.book(s)?.bestDisplayedPrice(side) as number;
        const pb = b?.book(s)?.bestDisplayedPrice(side) as number;
        const aBetter = side === "buy" ? pa > pb : pa < pb;
        const bBetter = side === "buy" ? pb > pa : pb < pa;
        owners[aBetter ? 0 : bBetter ? 1 : 2]++;
      }
    }
  });
  t.every(OPEN + SECOND, t.day.endMicros, SECOND / 10, () => {
    for (const s of SYMBOLS) nbboSamples.get(s)?.push({ ...t.day.sim.quotes.nbbo(s) });
  });
  t.every(OPEN + SECOND, t.day.endMicros, MINUTE, () => {
    for (const s of SYMBOLS) {
      const q = t.day.sim.quotes.nbbo(s);
      minuteMids.get(s)?.push((q.bid + q.ask) / 2);
    }
  });
  t.run();
}, 120_000);

function instrument(symbol: string): Instrument {
  const fundamental = t.day.model.fundamental(symbol);
  if (fundamental === undefined) throw new Error(`no instrument ${symbol}`);
  return fundamental.instrument;
}

/** Annualised realised volatility from log returns of `mids` taken every `stepSeconds`. */
function realised(mids: readonly number[], stepSeconds: number): number {
  let sum = 0;
  for (let i = 1; i < mids.length; i++) sum += Math.log((mids[i] as number) / (mids[i - 1] as number)) ** 2;
  return Math.sqrt((sum / (mids.length - 1)) * ((TRADING_DAYS_PER_YEAR * SESSION_SECONDS) / stepSeconds));
}

describe("the spread is positive", () => {
  it.each(SYMBOLS)("%s: the NBBO is two-sided, not locked or crossed, and about one tick wide", (symbol) => {
    const samples = nbboSamples.get(symbol) ?? [];
    const good = samples.filter((q) => q.bid < q.ask).length;
    expect(samples.length).toBe(233_991); // every 100 ms from 09:30:01 to 16:00
    expect(good / samples.length).toBeGreaterThan(0.999);
    const tick = instrument(symbol).tickUnits;
    const spreadTicks = t.day.stats.nbboSpread(symbol) / tick;
    expect(spreadTicks).toBeGreaterThanOrEqual(1);
    expect(spreadTicks).toBeLessThan(1.3);
  });

  it.each(SYMBOLS)("%s: each lit venue's own book is at least a tick wide, wider than the NBBO", (symbol) => {
    const tick = instrument(symbol).tickUnits;
    for (const venue of LIT) {
      const spreadTicks = t.day.stats.venueSpread(venue, symbol) / tick;
      expect(spreadTicks, venue).toBeGreaterThanOrEqual(1);
      expect(spreadTicks, venue).toBeLessThan(2.5);
      expect(spreadTicks, venue).toBeGreaterThan(t.day.stats.nbboSpread(symbol) / tick);
    }
  });
});

describe("several lit venues quote around the same fundamental", () => {
  it.each(SYMBOLS)("%s: the NBBO moves between venues: each is alone at the touch part of the time", (symbol) => {
    const [alphaAlone, betaAlone, tied] = touchOwners.get(symbol) as [number, number, number];
    const total = alphaAlone + betaAlone + tied;
    // Seed 11: each venue alone at the best bid or offer 10-18% of the seconds, tied the rest.
    expect(alphaAlone / total).toBeGreaterThan(0.05);
    expect(betaAlone / total).toBeGreaterThan(0.05);
    expect(tied / total).toBeGreaterThan(0.5);
  });
});

describe("volume follows the configured U-shape", () => {
  const profile = demoProfile();

  it.each(SYMBOLS)("%s: lit volume per 5-minute bin matches the profile's shares", (symbol) => {
    const bins = litBins.get(symbol) as Float64Array;
    const total = bins.reduce((a, b) => a + b, 0);
    const observed = Array.from(bins, (v) => v / total);
    const expected = profile.shares;
    // Shape: correlation of the 78 shares, and the total absolute deviation (0 = identical, 2 = disjoint).
    const mo = mean(observed);
    const me = mean(expected);
    let cov = 0;
    let vo = 0;
    let ve = 0;
    let l1 = 0;
    observed.forEach((o, i) => {
      const e = expected[i] as number;
      cov += (o - mo) * (e - me);
      vo += (o - mo) ** 2;
      ve += (e - me) ** 2;
      l1 += Math.abs(o - e);
    });
    expect(cov / Math.sqrt(vo * ve)).toBeGreaterThan(0.98);
    expect(l1).toBeLessThan(0.12);
    // Every bin within 45% of its share (about 4 standard errors of its Poisson noise).
    observed.forEach((o, i) => {
      expect(Math.abs(o / (expected[i] as number) - 1), `bin ${i}`).toBeLessThan(0.45);
    });
    // The U: the first and last bins are busier than lunch (bins 30-49, 12:00-13:40).
    const lunch = mean(observed.slice(30, 50));
    expect(observed[0]).toBeGreaterThan(1.8 * lunch);
    expect(observed[BINS - 1]).toBeGreaterThan(4 * lunch);
    // The background market orders add up to the average daily volume.
    expect(total / instrument(symbol).averageDailyVolume).toBeGreaterThan(0.92);
    expect(total / instrument(symbol).averageDailyVolume).toBeLessThan(1.08);
  });
});

describe("realised volatility is near the configured value", () => {
  it.each([
    ["ACME", 60],
    ["NRTH", 60],
    // A $5 stock with a 1-cent tick: at one minute the midpoint moves less than a tick, so bid-ask bounce inflates
    // the estimate (a real microstructure effect); at 5 minutes it moves about 2 ticks.
    ["PNNY", 300],
  ])("%s: from %i-second NBBO midpoint returns over the day", (symbol, seconds) => {
    const perMinute = minuteMids.get(symbol) ?? [];
    const step = seconds / 60;
    const mids = perMinute.filter((_, i) => i % step === 0);
    const configured = instrument(symbol).annualVolatility;
    const tolerance = 2.5 / Math.sqrt(2 * (mids.length - 1)); // 2.5 standard errors
    expect(realised(mids, seconds) / configured).toBeGreaterThan(1 - tolerance);
    expect(realised(mids, seconds) / configured).toBeLessThan(1 + tolerance);
  });

  it("the summary's 5-minute estimate agrees on ACME", () => {
    expect(t.day.stats.realisedVolatility("ACME") / 0.25).toBeGreaterThan(0.7);
    expect(t.day.stats.realisedVolatility("ACME") / 0.25).toBeLessThan(1.3);
  });
});

describe("dark liquidity arrives in proportion to lit volume", () => {
  it("sends about volumeRatio x lit volume of midpoint orders to the pool, and some of it crosses", () => {
    const lit = (litBins.get("ACME") as Float64Array).reduce((a, b) => a + b, 0);
    const ordered = darkOrdered.get("ACME") ?? 0;
    expect(ordered / lit).toBeGreaterThan(0.25 * 0.8);
    expect(ordered / lit).toBeLessThan(0.25 * 1.2);
    const crossed = darkCrossed.get("ACME") ?? 0;
    expect(crossed).toBeGreaterThan(0);
    expect(crossed).toBeLessThan(ordered / 2);
    // The pool trades ACME only, and every order respects its minimum size.
    expect([...darkOrdered.keys()]).toEqual(["ACME"]);
    expect(smallestDarkOrder).toBeGreaterThanOrEqual(100);
  });
});
