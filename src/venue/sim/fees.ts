/**
 * A venue's fee schedule per share, held as integer millionths of the currency (a negative maker fee is a rebate).
 * The fee of one execution is rounded half away from zero to the micro-unit, as venues bill per execution.
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
    const micros = rate * instrument.quantityToShares(lots);
    return Math.sign(micros) * Math.round(Math.abs(micros));
  }
}
