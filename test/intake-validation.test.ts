/**
 * Intake validation and pre-trade risk as one table: an order with one field wrong (or one limit broken), and the
 * reason code and field the client is told. Every refusal is also an OrderRejected event in the audit trail.
 */
import { describe, expect, it } from "vitest";
import { parseRiskConfig } from "../src/intake/risk-config.js";
import type { NewOrderInput } from "../src/model/client-commands.js";
import { START, testEngine } from "./engine-fixtures.js";

const GOOD: NewOrderInput = {
  clOrdId: "X",
  source: "OMS",
  account: "A1",
  symbol: "ACME",
  side: "buy",
  quantity: "100",
  orderType: "limit",
  limitPrice: "150.00",
};

const FIELD_CASES: [string, Partial<NewOrderInput>, string, string | null][] = [
  ["unknown source", { source: "NOPE" }, "unknown-source", "source"],
  ["missing cl_ord_id", { clOrdId: "" }, "missing-field", "cl_ord_id"],
  ["cl_ord_id with a space", { clOrdId: "a b" }, "invalid-cl-ord-id", "cl_ord_id"],
  ["missing account", { account: "" }, "missing-field", "account"],
  ["unknown symbol", { symbol: "ZZZZ" }, "unknown-symbol", "symbol"],
  ["bad side", { side: "short" }, "invalid-side", "side"],
  ["quantity not a number", { quantity: "ten" }, "invalid-quantity", "quantity"],
  ["zero quantity", { quantity: "0" }, "quantity-not-positive", "quantity"],
  ["fractional share of a whole-share stock", { quantity: "10.5" }, "quantity-not-lot-multiple", "quantity"],
  [
    "odd lot of a round-lot stock",
    { symbol: "NRTH", quantity: "250", limitPrice: "40.00" },
    "quantity-not-lot-multiple",
    "quantity",
  ],
  [
    "finer than the fractional lot",
    { symbol: "PNNY", quantity: "0.00005", limitPrice: "5.00" },
    "quantity-not-lot-multiple",
    "quantity",
  ],
  ["quantity too large", { quantity: "99999999999999999999" }, "quantity-out-of-range", "quantity"],
  ["bad order type", { orderType: "stop" }, "invalid-order-type", "order_type"],
  ["missing order type", { orderType: "" }, "missing-field", "order_type"],
  ["limit order without a price", { limitPrice: null }, "missing-limit-price", "limit_price"],
  ["market order with a price", { orderType: "market" }, "price-on-market-order", "limit_price"],
  ["price off the tick", { limitPrice: "150.005" }, "price-off-tick", "limit_price"],
  ["price not a number", { limitPrice: "cheap" }, "invalid-price", "limit_price"],
  ["negative price", { limitPrice: "-1" }, "invalid-price", "limit_price"],
  ["bad urgency", { urgency: "asap" }, "invalid-urgency", "urgency"],
  ["bad strategy", { strategy: "moon" }, "invalid-strategy", "strategy"],
  ["urgency and a strategy", { urgency: "high", strategy: "twap" }, "conflicting-instructions", "strategy"],
  ["bad start time", { startTime: "9:30" }, "invalid-time", "start_time"],
  [
    "end before start",
    { startTime: "2026-01-05T15:00:00Z", endTime: "2026-01-05T14:45:00Z" },
    "end-before-start",
    "end_time",
  ],
  ["end in the past", { endTime: "2026-01-05T14:00:00Z" }, "end-in-past", "end_time"],
  ["participation above 1", { maxParticipation: "1.5" }, "invalid-max-participation", "max_participation"],
  ["participation zero", { maxParticipation: "0" }, "invalid-max-participation", "max_participation"],
  ["bad allow_cross", { allowCross: "maybe" }, "invalid-allow-cross", "allow_cross"],
];

describe("validation: one wrong field, one reason", () => {
  it.each(FIELD_CASES)("%s", (_name, change, reason, field) => {
    const t = testEngine();
    const result = t.engine.submit({ ...GOOD, ...change });
    expect(result).toMatchObject({ ok: false, reason, field });
    expect(t.ofType("order-rejected")).toEqual([expect.objectContaining({ reason, field, category: "validation" })]);
    expect(t.engine.orders).toHaveLength(0);
  });

  it("accepts the same order when it is right, with every optional field", () => {
    const t = testEngine();
    const result = t.engine.submit({
      ...GOOD,
      urgency: "HIGH",
      strategy: "auto",
      startTime: "2026-01-05T14:30:00Z",
      endTime: START + 3_600_000_000,
      maxParticipation: "0.1",
      allowCross: "Y",
      tags: { desk: "x" },
    });
    expect(result).toMatchObject({ ok: true });
    const order = t.engine.order("OMS", "X");
    expect(order).toMatchObject({
      urgency: "high",
      strategy: "auto",
      intent: "urgency-high",
      maxParticipation: 0.1,
      allowCross: true,
    });
    expect(order?.arrivalTime).toBe(START);
    expect(order?.arrivalMid).toBe(1_500_000);
    expect(order?.sourceMetadata).toEqual({ desk: "equities" });
  });

  it("refuses a duplicate ClOrdID per source, not across sources", () => {
    const t = testEngine();
    expect(t.engine.submit(GOOD)).toMatchObject({ ok: true });
    expect(t.engine.submit(GOOD)).toMatchObject({ ok: false, reason: "duplicate-cl-ord-id", field: "cl_ord_id" });
    expect(t.engine.submit({ ...GOOD, source: "FILE" })).toMatchObject({ ok: true });
  });
});

const RISK = parseRiskConfig(
  {
    maxOrderQuantity: "10000",
    maxOrderNotional: "1000000",
    priceCollar: "0.05",
    accountGrossNotional: "2000000",
    sourceGrossNotional: "3000000",
    restrictedSymbols: ["NRTH"],
    symbols: { PNNY: { maxOrderQuantity: "1000.5" } },
    accounts: { BIG: { grossNotional: "100000000" } },
  },
  "risk.yaml",
);

const RISK_CASES: [string, Partial<NewOrderInput>, string, string | null][] = [
  ["restricted symbol", { symbol: "NRTH", limitPrice: "40.00" }, "restricted-symbol", "symbol"],
  ["quantity above the maximum", { quantity: "10001" }, "max-order-quantity", "quantity"],
  [
    "per-symbol maximum (fractional)",
    { symbol: "PNNY", quantity: "1000.5001", limitPrice: "5.00" },
    "max-order-quantity",
    "quantity",
  ],
  ["notional above the maximum", { quantity: "7000" }, "max-order-notional", "quantity"],
  [
    "market order notional at the reference",
    { orderType: "market", limitPrice: null, quantity: "6700" },
    "max-order-notional",
    "quantity",
  ],
  ["fat finger: limit 10% through the mid", { limitPrice: "165.00" }, "price-collar", "limit_price"],
  ["fat finger: limit far below", { limitPrice: "140.00" }, "price-collar", "limit_price"],
];

describe("pre-trade risk", () => {
  it.each(RISK_CASES)("%s", (_name, change, reason, field) => {
    const t = testEngine({ risk: RISK });
    expect(t.engine.submit({ ...GOOD, ...change })).toMatchObject({ ok: false, reason, field });
    expect(t.ofType("order-rejected")[0]).toMatchObject({ category: "risk", reason });
  });

  it("accepts at the limits: exactly the maximum quantity, within the collar", () => {
    const t = testEngine({ risk: RISK });
    expect(t.engine.submit({ ...GOOD, symbol: "PNNY", quantity: "1000.5", limitPrice: "5.00" })).toMatchObject({
      ok: true,
    });
    expect(t.engine.submit({ ...GOOD, clOrdId: "Y", limitPrice: "157.50", quantity: "10" })).toMatchObject({
      ok: true,
    });
  });

  it("caps gross notional per account and per source; cancels release it", () => {
    const t = testEngine({ risk: RISK });
    const order = (id: string, account: string) => ({ ...GOOD, clOrdId: id, account, quantity: "6000" }); // 900k each
    expect(t.engine.submit(order("1", "A1"))).toMatchObject({ ok: true });
    expect(t.engine.submit(order("2", "A1"))).toMatchObject({ ok: true });
    expect(t.engine.submit(order("3", "A1"))).toMatchObject({
      ok: false,
      reason: "account-gross-notional",
      field: "account",
    });
    expect(t.engine.submit(order("4", "BIG"))).toMatchObject({ ok: true });
    expect(t.engine.submit(order("5", "BIG"))).toMatchObject({
      ok: false,
      reason: "source-gross-notional",
      field: "source",
    });
    t.engine.cancel({ source: "OMS", origClOrdId: "2" });
    expect(t.engine.submit(order("6", "A1"))).toMatchObject({ ok: true });
  });

  it("checks a replace that adds risk, and lets one that reduces it through", () => {
    const t = testEngine({ risk: RISK });
    t.engine.submit({ ...GOOD, quantity: "1000" });
    expect(t.engine.replace({ source: "OMS", origClOrdId: "X", clOrdId: "X2", quantity: "20000" })).toMatchObject({
      ok: false,
      reason: "max-order-quantity",
    });
    expect(t.engine.replace({ source: "OMS", origClOrdId: "X", clOrdId: "X2", limitPrice: "170.00" })).toMatchObject({
      ok: false,
      reason: "price-collar",
    });
    t.engine.kill({ scope: "source", id: "OMS" });
    expect(t.engine.replace({ source: "OMS", origClOrdId: "X", clOrdId: "X3", quantity: "2000" })).toMatchObject({
      ok: false,
      reason: "kill-switch",
    });
    expect(t.engine.replace({ source: "OMS", origClOrdId: "X", clOrdId: "X4", quantity: "500" })).toMatchObject({
      ok: true,
    });
    expect(t.ofType("cancel-rejected").map((e) => e.reason)).toEqual([
      "max-order-quantity",
      "price-collar",
      "kill-switch",
    ]);
  });
});

describe("risk config", () => {
  it.each([
    [{ maxOrderQuantity: 100 }, 'risk.yaml: maxOrderQuantity: expected a decimal string like "100000", got 100'],
    [
      { priceCollar: "2" },
      'risk.yaml: priceCollar: expected a fraction greater than 0 and at most 1 ("0.10" = 10%), got "2"',
    ],
    [
      { symbols: { ACME: { maxOrderQty: "1" } } },
      "risk.yaml: symbols.ACME.maxOrderQty: unknown field (the fields here are: maxOrderQuantity, maxOrderNotional, priceCollar)",
    ],
    [
      { accounts: { A1: {} } },
      'risk.yaml: accounts.A1.grossNotional: missing: expected a decimal string like "50000000"',
    ],
    [{ restrictedSymbols: "ACME" }, 'risk.yaml: restrictedSymbols: expected a list of symbols, got "ACME"'],
    [{ symbols: [] }, "risk.yaml: symbols: expected a mapping from symbol to limits, got a list"],
  ])("refuses %j in one line naming the field", (raw, message) => {
    expect(() => parseRiskConfig(raw, "risk.yaml")).toThrow(message);
  });
});
