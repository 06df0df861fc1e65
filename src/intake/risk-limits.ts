/**
 * Pre-trade risk: per-order quantity and notional limits, the price collar against the reference price (fat finger),
 * restricted symbols, and gross notional per account and per source. A refusal is a `Refusal` with a risk reason code
 * naming the limit, never an exception; the engine turns it into an OrderRejected event (the audit trail).
 *
 * Gross notional of an order = executed notional + open quantity at its risk price (its limit, or the reference price
 * at arrival for a market order); an account's or a source's gross is the sum over its orders, cancelled quantity
 * released. An order's own count (`riskNotional`) is in lots x price units, an integer while its fills are at whole
 * price units (it is usually a small integer: no heap number per order); only the sums per account and source are in
 * the currency. Known limit: those sums are floats (exact to ~1e-15 relative), so a limit can be misjudged only within
 * a rounding error of its value; quantities and prices themselves stay integers.
 */
import { parseDecimal } from "../core/fixed-point.js";
import type { ClientOrder } from "../model/client-order.js";
import type { Refusal, RiskRejectReason } from "../model/client-order-reasons.js";
import type { Instrument } from "../model/instrument.js";
import type { RiskConfig, SymbolLimits } from "./risk-config.js";

interface InstrumentLimits {
  readonly instrument: Instrument;
  readonly restricted: boolean;
  readonly maxLots: number | null;
  readonly maxQuantityText: string | null;
  readonly maxNotional: number | null;
  readonly collarPpm: number | null;
  /** Currency per (lot x price unit). */
  readonly factor: number;
}

/**
 * The gross notional of one account or source and its limit (null: none), in one map entry. A class, not an object
 * literal: every literal whose first property is `value` shares one V8 map transition with other code's literals (zod's
 * among them), which stores `value` as a tagged field, so each `+=` of a fractional currency sum allocated a heap number
 * (two per accepted order). A class has its own map, where `value` is a double updated in place.
 */
class Gross {
  value = 0;
  constructor(readonly limit: number | null) {}
}

export class RiskLimits {
  private readonly byInstrument = new Map<string, InstrumentLimits>();
  private readonly accountGross = new Map<string, Gross>();
  private readonly sourceGross = new Map<string, Gross>();
  /**
   * The last symbol, account and source looked up and their entries: intake checks an order and then counts it, so
   * each is wanted twice in a row (entries are never removed, so a remembered one stays valid).
   */
  private lastSymbol: string | undefined;
  private lastLimits: InstrumentLimits | undefined;
  private lastAccount: string | undefined;
  private lastAccountEntry = new Gross(null);
  private lastSource: string | undefined;
  private lastSourceEntry = new Gross(null);

  constructor(
    private readonly config: RiskConfig,
    instruments: ReadonlyMap<string, Instrument>,
  ) {
    for (const instrument of instruments.values()) {
      const limits: SymbolLimits = config.symbols.get(instrument.symbol) ?? config.defaults;
      this.byInstrument.set(instrument.symbol, {
        instrument,
        restricted: config.restrictedSymbols.has(instrument.symbol),
        maxLots: limits.maxOrderQuantity === null ? null : sharesToLots(instrument, limits.maxOrderQuantity),
        maxQuantityText: limits.maxOrderQuantity,
        maxNotional: limits.maxOrderNotional,
        collarPpm: limits.priceCollarPpm,
        factor: instrument.lotUnits / 10 ** (instrument.lotDecimals + instrument.pricePrecision),
      });
    }
  }

  /**
   * Checks an order's terms. `collarPrice` is the limit price to hold against the collar (null: none to check),
   * `valuePrice` the price open quantity is valued at (limit, else reference), `reference` the reference price in
   * units (NBBO mid, else the instrument's reference price); `executedNotional` what the order has executed and
   * `counted` what it already counts against its account and source (0 for a new order), both in lots x price units.
   */
  check(
    symbol: string,
    source: string,
    account: string,
    orderQty: number,
    collarPrice: number | null,
    valuePrice: number,
    reference: number,
    executedNotional: number,
    openQty: number,
    counted: number,
  ): Refusal<RiskRejectReason> | null {
    const limits = this.limitsOf(symbol);
    const instrument = limits.instrument;
    if (limits.restricted) return { reason: "restricted-symbol", field: "symbol", message: `${symbol} is restricted` };
    if (limits.maxLots !== null && orderQty > limits.maxLots) {
      return {
        reason: "max-order-quantity",
        field: "quantity",
        message: `${instrument.formatQuantity(orderQty)} shares is above the maximum order quantity of ${limits.maxQuantityText} for ${symbol}`,
      };
    }
    const price = valuePrice;
    const orderNotional = orderQty * price * limits.factor;
    if (limits.maxNotional !== null && orderNotional > limits.maxNotional) {
      return {
        reason: "max-order-notional",
        field: "quantity",
        message: `notional ${orderNotional.toFixed(2)} is above the maximum order notional of ${limits.maxNotional} for ${symbol}`,
      };
    }
    if (limits.collarPpm !== null && collarPrice !== null) {
      // Integers: |limit - ref| * 1e6 > ref * ppm (both below 2^53 for any price under ~9e9 units).
      const distance = Math.abs(collarPrice - reference);
      if (distance * 1_000_000 > reference * limits.collarPpm) {
        return {
          reason: "price-collar",
          field: "limit_price",
          message: `${instrument.formatPrice(collarPrice)} is more than ${limits.collarPpm / 10_000}% from the reference price ${instrument.formatPrice(reference)}`,
        };
      }
    }
    const gross = (executedNotional + openQty * price) * limits.factor;
    const accountGross = this.accountEntry(account);
    if (accountGross.limit !== null) {
      const after = accountGross.value - counted * limits.factor + gross;
      if (after > accountGross.limit) {
        return {
          reason: "account-gross-notional",
          field: "account",
          message: `account ${account} would reach a gross notional of ${after.toFixed(2)}, above its limit of ${accountGross.limit}`,
        };
      }
    }
    const sourceGross = this.sourceEntry(source);
    if (sourceGross.limit !== null) {
      const after = sourceGross.value - counted * limits.factor + gross;
      if (after > sourceGross.limit) {
        return {
          reason: "source-gross-notional",
          field: "source",
          message: `source ${source} would reach a gross notional of ${after.toFixed(2)}, above its limit of ${sourceGross.limit}`,
        };
      }
    }
    return null;
  }

  /** Re-counts an order against its account and source after any change (accept, fill, amend, cancel). */
  recount(order: ClientOrder): void {
    const now = order.cumNotional + order.leavesQty * order.riskPrice;
    const delta = now - order.riskNotional;
    if (delta === 0) return;
    order.riskNotional = now;
    const currency = delta * this.limitsOf(order.symbol).factor;
    this.accountEntry(order.account).value += currency;
    this.sourceEntry(order.source).value += currency;
  }

  grossOfAccount(account: string): number {
    return this.accountGross.get(account)?.value ?? 0;
  }

  grossOfSource(source: string): number {
    return this.sourceGross.get(source)?.value ?? 0;
  }

  private limitsOf(symbol: string): InstrumentLimits {
    if (symbol !== this.lastSymbol) {
      this.lastLimits = this.byInstrument.get(symbol);
      this.lastSymbol = symbol;
    }
    return this.lastLimits as InstrumentLimits;
  }

  private accountEntry(account: string): Gross {
    if (account !== this.lastAccount) {
      this.lastAccountEntry = this.grossEntry(
        this.accountGross,
        account,
        this.config.accounts,
        this.config.accountGrossNotional,
      );
      this.lastAccount = account;
    }
    return this.lastAccountEntry;
  }

  private sourceEntry(source: string): Gross {
    if (source !== this.lastSource) {
      this.lastSourceEntry = this.grossEntry(
        this.sourceGross,
        source,
        this.config.sources,
        this.config.sourceGrossNotional,
      );
      this.lastSource = source;
    }
    return this.lastSourceEntry;
  }

  private grossEntry(
    entries: Map<string, Gross>,
    id: string,
    limits: ReadonlyMap<string, number>,
    fallback: number | null,
  ): Gross {
    let entry = entries.get(id);
    if (entry === undefined) {
      entry = new Gross(limits.get(id) ?? fallback);
      entries.set(id, entry);
    }
    return entry;
  }
}

/** A quantity limit in shares as whole lots of `instrument` (rounded down). */
function sharesToLots(instrument: Instrument, shares: string): number {
  const dot = shares.indexOf(".");
  const decimals = Math.max(instrument.lotDecimals, dot < 0 ? 0 : shares.length - dot - 1);
  const parsed = parseDecimal(shares, decimals);
  if (!parsed.ok) return Number.MAX_SAFE_INTEGER;
  const units = Math.floor(parsed.value / 10 ** (decimals - instrument.lotDecimals));
  return Math.floor(units / instrument.lotUnits);
}
