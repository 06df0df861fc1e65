/**
 * Dark liquidity for our orders: natural midpoint orders arrive in DRKP in proportion to ACME's lit volume (a quarter
 * of it by default), so our midpoint orders find a contra sometimes, not always, and a large minimum quantity finds one
 * less often. One simulated morning (config/demo.yaml, seed 3): every 3 minutes from 09:40 we rest a midpoint order
 * for 60 seconds, then cancel what is left: buys and sells in turn, two plain 3,000-share orders, then two
 * all-or-none 20,000-share orders (minimum quantity 20,000), and so on.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ExecutionReport } from "../src/model/execution-report.js";
import { MINUTE, OPEN, ourOrder, SECOND, type TestDay, testDay } from "./market-fixtures.js";

const ORDERS = 40;

interface Ours {
  clOrdId: string;
  minQty: number | null;
  filled: number;
  fills: ExecutionReport[];
}

let t: TestDay;
const ours: Ours[] = [];

beforeAll(() => {
  t = testDay({ seed: 3, minutes: 10 + 3 * ORDERS + 5 });
  const dark = t.us.get("DRKP");
  if (dark === undefined) throw new Error("no DRKP");
  for (let i = 0; i < ORDERS; i++) {
    const big = i % 4 >= 2;
    const side = i % 2 === 0 ? "buy" : "sell";
    const order: Ours = { clOrdId: `DARK${i}`, minQty: big ? 20_000 : null, filled: 0, fills: [] };
    ours.push(order);
    const at = OPEN + 10 * MINUTE + i * 3 * MINUTE;
    t.day.scheduler.at(at, () =>
      dark.submit(
        ourOrder(order.clOrdId, "ACME", side, big ? 20_000 : 3_000, {
          ordType: "limit",
          timeInForce: "day",
          // A peg capped far away: it trades at whatever the midpoint is.
          price: side === "buy" ? 2_000_000 : 1_000_000,
          minQty: order.minQty,
        }),
      ),
    );
    t.day.scheduler.at(at + 60 * SECOND, () =>
      dark.cancel({ clOrdId: `${order.clOrdId}-X`, origClOrdId: order.clOrdId, symbol: "ACME" }),
    );
  }
  t.run();
  for (const r of t.ourReports) {
    const order = ours.find((o) => o.clOrdId === r.clOrdId || o.clOrdId === r.origClOrdId);
    if (order !== undefined && r.execType === "trade") {
      order.filled += r.lastQty;
      order.fills.push(r);
    }
  }
}, 120_000);

describe("dark fills happen, but not always", () => {
  it("some of our plain midpoint orders fill, some do not", () => {
    const plain = ours.filter((o) => o.minQty === null);
    const filled = plain.filter((o) => o.filled > 0).length;
    expect(filled).toBeGreaterThanOrEqual(plain.length * 0.2);
    expect(filled).toBeLessThanOrEqual(plain.length * 0.9);
  });

  it("a large minimum quantity finds a contra less often, and never trades below it", () => {
    const plain = ours.filter((o) => o.minQty === null);
    const big = ours.filter((o) => o.minQty !== null);
    const rate = (list: Ours[]) => list.filter((o) => o.filled > 0).length / list.length;
    expect(rate(big)).toBeLessThan(rate(plain));
    for (const o of big) for (const f of o.fills) expect(f.lastQty).toBeGreaterThanOrEqual(20_000);
  });

  it("crosses at the NBBO midpoint, a half-tick price", () => {
    const fills = ours.flatMap((o) => o.fills);
    expect(fills.length).toBeGreaterThan(0);
    expect(fills.some((f) => f.lastPx % 100 === 50)).toBe(true);
    for (const f of fills) expect(f.lastPx % 50).toBe(0);
  });
});
