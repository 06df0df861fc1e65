/**
 * Fixtures for the market model's scenario tests: the shipped config/demo.yaml and the real intraday profile (read in
 * place from ../shared, never copied), a simulated day built as the demo builds it, and our own order-entry sessions
 * on it, connected after the model (so the model's random streams are the same whether or not we trade).
 */
import { fileURLToPath } from "node:url";
import { buildDay, type Day } from "../src/cli/sim-day.js";
import { loadReferenceData } from "../src/config/load-config.js";
import { loadVolumeProfile } from "../src/config/volume-profile-file.js";
import { isoToMicros } from "../src/core/clock.js";
import type { VolumeProfile } from "../src/market/volume-profile.js";
import type { ExecutionReport } from "../src/model/execution-report.js";
import type { Side } from "../src/model/order-types.js";
import type { ReferenceData } from "../src/model/reference-data.js";
import type { NewOrderRequest, OrderEntrySession } from "../src/venue/venue.js";

export const CONFIG = fileURLToPath(new URL("../config/demo.yaml", import.meta.url));
export const PROFILE = fileURLToPath(
  new URL("../../shared/data/derived/intraday_volume_profile_5min.csv", import.meta.url),
);
/** 09:30 New York. */
export const OPEN = isoToMicros("2026-01-05T14:30:00Z");
export const SECOND = 1_000_000;
export const MINUTE = 60 * SECOND;

export function demoData(): ReferenceData {
  return loadReferenceData(CONFIG);
}

export function demoProfile(): VolumeProfile {
  return loadVolumeProfile(PROFILE);
}

export interface TestDay {
  readonly day: Day;
  /** Our sessions, by venue id, and every report they received. */
  readonly us: ReadonlyMap<string, OrderEntrySession>;
  readonly ourReports: ExecutionReport[];
  /** Schedules `action` at every `step` µs from `from` to `to` inclusive. */
  every(from: number, to: number, step: number, action: (time: number) => void): void;
  /** Starts the market and runs to the end, then delivers what is in flight. */
  run(): void;
}

export function testDay(options: {
  seed: number;
  minutes: number;
  data?: ReferenceData;
  /** Every report the market model's participants receive (a full day is about a million: tally, do not keep). */
  onModelReport?: (report: ExecutionReport) => void;
}): TestDay {
  const ourReports: ExecutionReport[] = [];
  const day = buildDay({
    data: options.data ?? demoData(),
    profile: demoProfile(),
    seed: options.seed,
    startMicros: OPEN,
    minutes: options.minutes,
    onReport: options.onModelReport ?? (() => {}),
  });
  const us = new Map<string, OrderEntrySession>();
  for (const venue of day.sim.venues) {
    us.set(venue.id, venue.connect({ onExecutionReport: (r) => ourReports.push(r), onCancelReject() {} }));
  }
  return {
    day,
    us,
    ourReports,
    every(from, to, step, action) {
      for (let t = from; t <= to; t += step) day.scheduler.at(t, () => action(t));
    },
    run() {
      day.model.start(day.endMicros);
      day.scheduler.runUntilIdle();
    },
  };
}

/** Our order: a market or limit order for `qty` lots, IOC unless said otherwise. */
export function ourOrder(
  clOrdId: string,
  symbol: string,
  side: Side,
  qty: number,
  more: Partial<NewOrderRequest> = {},
): NewOrderRequest {
  return {
    clOrdId,
    account: "US",
    symbol,
    side,
    ordType: "market",
    timeInForce: "ioc",
    orderQty: qty,
    price: null,
    postOnly: false,
    displayQty: null,
    minQty: null,
    ...more,
  };
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
