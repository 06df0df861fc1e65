/**
 * Shared pieces of the intake and allocation benches: three instruments sized like config/demo.yaml's (built in code,
 * so the benches do not depend on a config file), a static NBBO, and a deterministic generator of small client orders
 * (seeded `Random`, generated before any timing).
 */
import { Random } from "../src/core/random.js";
import { VirtualScheduler } from "../src/core/scheduler.js";
import { Engine } from "../src/engine/engine.js";
import type { EngineOptions } from "../src/engine/engine-options.js";
import { parseRiskConfig } from "../src/intake/risk-config.js";
import type { NewOrderInput } from "../src/model/client-commands.js";
import { Instrument } from "../src/model/instrument.js";

export const BENCH_START = Date.UTC(2026, 0, 5, 14, 30) * 1000;

export const INSTRUMENTS: ReadonlyMap<string, Instrument> = new Map(
  [
    { symbol: "ACME", priceIncrement: "0.01", lotSize: "1", referencePrice: "150.00", averageDailyVolume: 50_000_000 },
    { symbol: "NRTH", priceIncrement: "0.01", lotSize: "100", referencePrice: "40.00", averageDailyVolume: 60_000 },
    { symbol: "PNNY", priceIncrement: "0.01", lotSize: "0.0001", referencePrice: "5.00", averageDailyVolume: 2e11 },
  ].map((spec) => [spec.symbol, new Instrument({ ...spec, currency: "USD", annualVolatility: 0.3 })]),
);

/** NBBO one tick wide around each reference price. */
export const STATIC_QUOTES = {
  nbbo(symbol: string): { bid: number; ask: number } {
    const instrument = INSTRUMENTS.get(symbol) as Instrument;
    return {
      bid: instrument.referencePriceUnits - instrument.tickUnits,
      ask: instrument.referencePriceUnits + instrument.tickUnits,
    };
  },
};

/** Limits that every order passes but every check runs against. */
export const BENCH_RISK = parseRiskConfig(
  {
    maxOrderQuantity: "1000000",
    maxOrderNotional: "50000000",
    priceCollar: "0.10",
    accountGrossNotional: "1000000000000",
    sourceGrossNotional: "10000000000000",
    restrictedSymbols: ["XXXX"],
  },
  "bench",
);

export function benchEngine(options: Partial<EngineOptions> = {}): Engine {
  return new Engine({
    instruments: INSTRUMENTS,
    scheduler: new VirtualScheduler(BENCH_START),
    quotes: STATIC_QUOTES,
    sources: [
      { id: "OMS", kind: "api", metadata: { desk: "cash" } },
      { id: "FILE", kind: "file" },
    ],
    risk: BENCH_RISK,
    crossing: { enabled: false },
    ...options,
  });
}

const URGENCIES = ["low", "medium", "medium", "high"] as const;
const STRATEGIES = ["twap", "vwap", "pov", "is"] as const;

/**
 * `count` small orders: 60% ACME (1-500 shares), 20% NRTH (1-10 round lots), 20% PNNY (fractional, 0.0001-5 shares);
 * 70% limit within 10 ticks of the reference price, 30% market; 80% by urgency, 20% by strategy; 10% with an end time
 * (4 windows); 200 accounts, two sources. Quantities and prices as decimal strings, as a source sends them.
 */
export function generateOrders(count: number, seed = 20261121): NewOrderInput[] {
  const random = new Random(seed);
  const orders: NewOrderInput[] = new Array(count);
  const ends = [1, 2, 3, 4].map((h) => BENCH_START + h * 3_600_000_000);
  for (let i = 0; i < count; i++) {
    const r = random.float();
    const symbol = r < 0.6 ? "ACME" : r < 0.8 ? "NRTH" : "PNNY";
    const quantity =
      symbol === "ACME"
        ? String(random.int(1, 500))
        : symbol === "NRTH"
          ? String(random.int(1, 10) * 100)
          : (random.int(1, 50_000) / 10_000).toFixed(4);
    const limit = random.bool(0.7);
    const ref = symbol === "ACME" ? 150 : symbol === "NRTH" ? 40 : 5;
    const byStrategy = random.bool(0.2);
    orders[i] = {
      clOrdId: `C${i}`,
      source: i % 2 === 0 ? "OMS" : "FILE",
      account: `ACC${random.int(1, 200)}`,
      symbol,
      side: random.bool(0.5) ? "buy" : "sell",
      quantity,
      orderType: limit ? "limit" : "market",
      limitPrice: limit ? (ref + random.int(-10, 10) / 100).toFixed(2) : null,
      urgency: byStrategy ? null : random.pick(URGENCIES),
      strategy: byStrategy ? random.pick(STRATEGIES) : null,
      endTime: random.bool(0.1) ? random.pick(ends) : null,
      allowCross: false,
    };
  }
  return orders;
}

/** The same orders as the lines of an order file (header first). */
export function toCsvLines(orders: readonly NewOrderInput[]): string[] {
  const lines = [
    "cl_ord_id,source,account,symbol,side,quantity,order_type,limit_price,urgency,strategy,start_time,end_time,max_participation,allow_cross",
  ];
  for (const o of orders) {
    const end = o.endTime == null ? "" : new Date(Number(o.endTime) / 1000).toISOString();
    lines.push(
      `${o.clOrdId},${o.source},${o.account},${o.symbol},${o.side},${o.quantity},${o.orderType},${o.limitPrice ?? ""},${o.urgency ?? ""},${o.strategy ?? ""},,${end},,false`,
    );
  }
  return lines;
}
