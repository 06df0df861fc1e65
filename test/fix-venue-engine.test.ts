/**
 * The engine trading on FIX venues: `Engine` + `AlgoExecutor`, wired as in a live day (src/runtime/live-day.ts), but
 * every venue of config/demo.yaml is a `FixVenue` connected over loopback TCP to `venue-sim` (the simulated venues and
 * market model, seed 11, on the wall clock). The consolidated view is fed only by the FIX market data. Client orders
 * of two accounts must fill completely through child orders that really crossed the FIX connections, and the
 * engine's bookkeeping must match what the venues reported.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadReferenceData } from "../src/config/load-config.js";
import { MICROS_PER_SECOND } from "../src/core/clock.js";
import { Random } from "../src/core/random.js";
import { AlgoExecutor } from "../src/engine/algo-executor.js";
import { Engine } from "../src/engine/engine.js";
import { MarketView } from "../src/market/market-view.js";
import { VolumeProfile } from "../src/market/volume-profile.js";
import type { ExecutionReport } from "../src/model/execution-report.js";
import { SESSION_SECONDS } from "../src/model/market-parameters.js";
import { startVenueSim, type VenueSim } from "../src/runtime/venue-sim.js";
import { WallScheduler } from "../src/runtime/wall-scheduler.js";
import { FixVenue } from "../src/venue/fix/fix-venue.js";
import { auditReports } from "./venue-contract.js";

async function until(predicate: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("Engine + AlgoExecutor on FixVenues connected to venue-sim", () => {
  let sim: VenueSim | null = null;
  const venues: FixVenue[] = [];
  const scheduler = new WallScheduler();
  afterAll(async () => {
    for (const v of venues) await v.stop();
    scheduler.stop();
    await sim?.stop();
  });

  it("client orders fill through child orders sent over FIX, and the child fills add up to what went to market", async () => {
    const data = loadReferenceData(join(import.meta.dirname, "..", "config", "demo.yaml"));
    sim = await startVenueSim({ data, seed: 11, minutes: 10, port: 0 });
    for (const spec of data.venues) {
      venues.push(new FixVenue({ spec, instruments: data.instruments, scheduler, port: sim.port }).start());
    }
    await Promise.all(venues.map((v) => v.loggedOn()));
    const quotes = new MarketView(scheduler);
    for (const v of venues) v.subscribe(quotes);
    await until(() => !Number.isNaN(quotes.nbbo("ACME").bid) && !Number.isNaN(quotes.nbbo("ACME").ask), "NBBO", 10_000);

    const engine = new Engine({
      instruments: data.instruments,
      scheduler,
      quotes,
      sources: [{ id: "DESK", kind: "api" }],
    });
    const open = scheduler.now();
    const children: ExecutionReport[] = [];
    new AlgoExecutor(engine, venues, scheduler, quotes, {
      sessionOpen: open,
      sessionEnd: open + 10 * 60 * MICROS_PER_SECOND,
      profile: VolumeProfile.generatedU(SESSION_SECONDS),
      random: new Random(11),
      onReport: (report) => children.push(report),
    });
    const end = open + 20 * MICROS_PER_SECOND;
    const orders = [
      { clOrdId: "C1", account: "ACC1", side: "buy", quantity: "3000" },
      { clOrdId: "C2", account: "ACC2", side: "sell", quantity: "1200" },
    ];
    for (const o of orders) {
      const result = engine.submit({
        ...o,
        source: "DESK",
        symbol: "ACME",
        orderType: "market",
        urgency: "high",
        endTime: end,
      });
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
    await until(() => engine.orders.every((o) => o.done !== null), "every client order done", 60_000);
    expect(engine.orders.map((o) => [o.clOrdId, o.done, o.cumQty])).toEqual([
      ["C1", "filled", 3000],
      ["C2", "filled", 1200],
    ]);
    // Every lot the clients got was reported by a FIX venue, on the venues' own bookkeeping.
    const fills = children.filter((r) => r.execType === "trade");
    expect(new Set(fills.map((r) => r.venueId)).size).toBeGreaterThanOrEqual(1);
    for (const r of fills) expect(data.venues.map((v) => v.id)).toContain(r.venueId);
    const bySide = (side: string) => fills.filter((r) => r.side === side).reduce((sum, r) => sum + r.lastQty, 0);
    expect(bySide("buy")).toBeGreaterThanOrEqual(3000 - 1200);
    expect(bySide("buy") - bySide("sell")).toBe(3000 - 1200);
    for (const venue of data.venues) auditReports(children.filter((r) => r.venueId === venue.id));
  }, 90_000);
});
