import { describe, expect, it } from "vitest";
import { implementationShortfall, slippageBps, summarise } from "./execution-cost.js";

describe("implementation shortfall", () => {
  it("charges the price paid against arrival, the fees and the unexecuted rest at the end price", () => {
    // Buy 1,000 at arrival 100: 600 at 100.10, fees $3; the other 400 valued at the end price 100.30.
    const s = implementationShortfall({
      side: "buy",
      orderShares: 1000,
      arrivalPrice: 100,
      fills: [
        { shares: 400, price: 100.1, fee: 2 },
        { shares: 200, price: 100.1, fee: 1 },
      ],
      endPrice: 100.3,
    });
    expect(s.executionBps).toBeCloseTo(6, 9); // 600 x 0.10 = 60 on 100,000
    expect(s.feeBps).toBeCloseTo(0.3, 9);
    expect(s.opportunityBps).toBeCloseTo(12, 9); // 400 x 0.30 = 120
    expect(s.bps).toBeCloseTo(18.3, 9);
    expect(s.averagePrice).toBeCloseTo(100.1, 12);
  });

  it("is signed by side: a sell below arrival is a cost", () => {
    const s = implementationShortfall({
      side: "sell",
      orderShares: 100,
      arrivalPrice: 50,
      fills: [{ shares: 100, price: 49.95, fee: 0 }],
      endPrice: 49,
    });
    expect(s.bps).toBeCloseTo(10, 9);
    expect(slippageBps("sell", 49.95, 50)).toBeCloseTo(10, 9);
    expect(slippageBps("buy", 49.95, 50)).toBeCloseTo(-10, 9);
  });

  it("a complete order owes no opportunity cost, even when the book ends one-sided (no end price)", () => {
    const s = implementationShortfall({
      side: "buy",
      orderShares: 100,
      arrivalPrice: 50,
      fills: [{ shares: 100, price: 50.05, fee: 0 }],
      endPrice: Number.NaN,
    });
    expect(s.opportunityBps).toBe(0);
    expect(s.bps).toBeCloseTo(10, 9);
  });

  it("summarises with the sample standard deviation", () => {
    expect(summarise([1, 2, 3, 4])).toEqual({ n: 4, mean: 2.5, std: Math.sqrt(5 / 3) });
    expect(summarise([7])).toEqual({ n: 1, mean: 7, std: 0 });
  });
});
