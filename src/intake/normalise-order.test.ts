import { describe, expect, it } from "vitest";
import type { NewOrderInput } from "../model/client-commands.js";
import { Instrument } from "../model/instrument.js";
import { newTermsDraft, normaliseOrder, normaliseOrderInto } from "./normalise-order.js";

const ACME = new Instrument({
  symbol: "ACME",
  priceIncrement: "0.01",
  lotSize: "1",
  referencePrice: "150.00",
  currency: "USD",
  averageDailyVolume: 1_000_000,
  annualVolatility: 0.3,
});
const INSTRUMENTS = new Map([["ACME", ACME]]);

const ORDER: NewOrderInput = {
  clOrdId: "C1",
  source: "OMS",
  account: "ACC1",
  symbol: "ACME",
  side: "sell",
  quantity: "250",
  orderType: "limit",
  limitPrice: "150.25",
  endTime: 2_000,
};

describe("normaliseOrderInto", () => {
  it("writes the same terms as normaliseOrder into the draft, and leaves it untouched on a refusal", () => {
    const draft = newTermsDraft();
    expect(normaliseOrderInto(ORDER, INSTRUMENTS, 1_000, draft)).toBe(ACME);
    expect(draft).toEqual(normaliseOrder(ORDER, INSTRUMENTS, 1_000));
    expect(draft).toMatchObject({ orderQty: 250, side: "sell", endTime: 2_000 });
    expect(ACME.formatPrice(draft.limitPrice as number)).toBe("150.25");
    const before = { ...draft };
    const refusal = normaliseOrderInto({ ...ORDER, clOrdId: "C2", quantity: "-5" }, INSTRUMENTS, 1_000, draft);
    expect(refusal).toMatchObject({ reason: "quantity-not-positive", field: "quantity" });
    expect(draft).toEqual(before);
  });
});
