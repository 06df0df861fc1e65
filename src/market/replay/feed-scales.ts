/**
 * The integer scales of a crypto feed, taken from the data. The tick is the finest price step the first snapshot shows
 * (10^-d for the most significant decimals d among its prices: 0.01 on Binance spot BTCUSDT, 0.1 on USD-M). The lot is
 * the precision the feed writes quantities with (all the decimals of the snapshot's quantity strings, trailing zeros
 * included: 10^-8 on spot, 10^-3 on USD-M), not the exchange's order step: an aggregated level can hold quantity finer
 * than today's step (orders placed under an older, finer step). Prices become price units of an `Instrument` with that
 * tick (10^-(d+2), the engine's convention), quantities whole lots.
 * Every later value is parsed exactly at those scales; one with finer digits is refused with a message that says which
 * step the snapshot implied, never rounded.
 */

import { decimalUnits } from "../../core/fixed-point.js";
import { Instrument } from "../../model/instrument.js";
import { significantDecimals } from "./ascii-number.js";

/** Decimals beyond which a feed's quantities would not fit: 10^-9 is the engine's finest lot. */
const MAX_DECIMALS = 9;

export class FeedScales {
  readonly instrument: Instrument;

  constructor(
    symbol: string,
    readonly priceDecimals: number,
    readonly qtyDecimals: number,
    referencePrice: string,
  ) {
    const tick = stepText(priceDecimals);
    const reference = decimalUnits(referencePrice, priceDecimals);
    this.instrument = new Instrument({
      symbol: symbol === "" ? "UNKNOWN" : symbol,
      currency: "USD",
      priceIncrement: tick,
      lotSize: stepText(qtyDecimals),
      referencePrice: reference > 0 ? trimDecimal(referencePrice) : tick,
      averageDailyVolume: 1,
      annualVolatility: 0.5,
    });
  }

  /** Scales implied by a snapshot's levels (pairs of decimal strings). Null when a value has too many decimals. */
  static fromLevels(symbol: string, sides: readonly (readonly (readonly [string, string])[])[]): FeedScales | null {
    let priceDecimals = 0;
    let qtyDecimals = 0;
    let reference = "";
    for (const levels of sides) {
      for (const [price, qty] of levels) {
        priceDecimals = Math.max(priceDecimals, significantDecimals(price));
        qtyDecimals = Math.max(qtyDecimals, writtenDecimals(qty));
        if (reference === "") reference = price;
      }
    }
    if (priceDecimals > MAX_DECIMALS - 2 || qtyDecimals > MAX_DECIMALS) return null;
    return new FeedScales(symbol, priceDecimals, qtyDecimals, reference === "" ? "1" : reference);
  }

  /** A price string in price units, or NaN when it is not a decimal on this tick's digits. */
  price(text: string): number {
    const units = decimalUnits(text, this.instrument.pricePrecision);
    return units % this.instrument.tickUnits === 0 ? units : Number.NaN;
  }

  /** A quantity string in lots, or NaN. */
  qty(text: string): number {
    return decimalUnits(text, this.qtyDecimals);
  }

  /** Why `text` was refused as a price (or quantity): the tail of an error message. */
  problem(text: string, what: "price" | "quantity"): string {
    const decimals = what === "price" ? this.priceDecimals : this.qtyDecimals;
    const step = stepText(decimals);
    if (/^\d+(\.\d+)?$/.test(text)) {
      return `${JSON.stringify(text)} has more decimals than the ${what} step ${step} seen in the snapshot`;
    }
    return `expected a decimal string, got ${JSON.stringify(text)}`;
  }
}

/** Decimal places as written, trailing zeros included: "0.00100000" -> 8. */
function writtenDecimals(text: string): number {
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

function stepText(decimals: number): string {
  return decimals === 0 ? "1" : `0.${"0".repeat(decimals - 1)}1`;
}

function trimDecimal(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}
