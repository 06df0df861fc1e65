/**
 * A venue's fee schedule per share, held as integer millionths of the currency (a negative maker fee is a rebate).
 * The fee of one execution is rate x shares, computed exactly in integers (shares = lots x lotUnits / 10^lotDecimals)
 * and rounded half away from zero to the micro-unit, as venues bill per execution. BigInt only when the product would
 * pass 2^53.
 */
import type { Liquidity } from "../../model/execution-report.js";
import type { Instrument } from "../../model/instrument.js";

export class FeeSchedule {
  constructor(
    readonly makerMicrosPerShare: number,
    readonly takerMicrosPerShare: number,
  ) {}

  fee(liquidity: Liquidity, instrument: Instrument, lots: number): number {
    const rate = liquidity === "maker" ? this.makerMicrosPerShare : this.takerMicrosPerShare;
    return roundedQuotient(rate, lots * instrument.lotUnits, instrument.lotDecimals);
  }
}

/** rate x units / 10^decimals, rounded half away from zero, never -0. */
export function roundedQuotient(rate: number, units: number, decimals: number): number {
  const product = rate * units;
  const negative = product < 0;
  let quotient: number;
  if (Number.isSafeInteger(product) && Number.isSafeInteger(units)) {
    const abs = Math.abs(product);
    const divisor = 10 ** decimals;
    const remainder = abs % divisor;
    quotient = (abs - remainder) / divisor + (remainder * 2 >= divisor ? 1 : 0);
  } else {
    const abs = BigInt(Math.abs(rate)) * BigInt(units);
    const divisor = 10n ** BigInt(decimals);
    quotient = Number(abs / divisor + ((abs % divisor) * 2n >= divisor ? 1n : 0n));
  }
  return negative && quotient !== 0 ? -quotient : quotient;
}
