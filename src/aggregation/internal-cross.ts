/**
 * Netting by internal crossing: opposing parents in one instrument whose orders allow crossing are matched inside the
 * engine at the NBBO midpoint, before their quantity goes to market. This file decides WHERE and HOW MUCH; the engine
 * books the two fills (venue INTERNAL) through the normal allocation path.
 * Rules: a cross needs a two-sided, unlocked, uncrossed NBBO; it prints at the exact midpoint (ticks are an even
 * number of price units, so the mid of two on-tick quotes is an integer), which is inside the NBBO by construction;
 * only orders whose limits allow the midpoint take part (`crossableAt`), so no order trades outside its limit; the
 * quantity is the smaller side, so every cross is balanced.
 * Savings: each side avoided crossing half the spread and paying a taker fee, so a cross of q shares saves
 * 2 * q * (half spread + taker fee per share), reported in the currency as an analytics float.
 * Self-match prevention (the default): no account is on both sides of one cross, which would be a wash trade. An
 * account with crossable orders on both sides takes part on its larger side only (its buy side on a tie) and sits the
 * cross out on the other (`selfMatchSitOut`); its orders there keep working in the market.
 */
import type { Instrument } from "../model/instrument.js";
import type { Side } from "../model/order-types.js";
import type { ParentOrder } from "./parent-order.js";

/** A two-sided quote in price units (NaN for a missing side), as the consolidated quote gives it. */
export interface Quote {
  readonly bid: number;
  readonly ask: number;
}

/** The midpoint a cross may print at, or null when the NBBO is missing, locked, crossed or has no integer midpoint. */
export function crossPrice(quote: Quote): number | null {
  const { bid, ask } = quote;
  if (!(bid < ask)) return null; // NaN on either side compares false too
  const sum = bid + ask;
  if (sum % 2 !== 0) return null;
  return sum / 2;
}

/** The accounts that sit a cross out on each side. */
export interface SitOut {
  readonly buy: ReadonlySet<string>;
  readonly sell: ReadonlySet<string>;
}

export const NO_SIT_OUT: SitOut = { buy: new Set(), sell: new Set() };

/** The side an account with these crossable lots on each side sits out of (null: it is not on both). */
export function sitsOutOf(buyLots: number, sellLots: number): Side | null {
  if (buyLots === 0 || sellLots === 0) return null;
  // The account takes part on its larger side (the buy side on a tie) and sits out on the other.
  return buyLots >= sellLots ? "sell" : "buy";
}

/**
 * Who sits out of a cross between the two parents so that no account is on both sides: each account with crossable
 * lots in both takes part on the side where it has more (the buy side on a tie), counted at any price; its orders on
 * the other side are left out of the cross. Choosing the side by lots at any price rather than at the cross price can
 * keep out an account that could have crossed: a cross may then be smaller than it could be, never a wash. Reads the
 * accounts of the parent with fewer, not the orders.
 */
export function selfMatchSitOut(buy: ParentOrder, sell: ParentOrder): SitOut {
  const bought = buy.crossLotsByAccount;
  const sold = sell.crossLotsByAccount;
  let sitOut: { buy: Set<string>; sell: Set<string> } | null = null;
  for (const account of (bought.size <= sold.size ? bought : sold).keys()) {
    const side = sitsOutOf(bought.get(account) ?? 0, sold.get(account) ?? 0);
    if (side === null) continue;
    sitOut ??= { buy: new Set(), sell: new Set() };
    sitOut[side].add(account);
  }
  return sitOut ?? NO_SIT_OUT;
}

/** Lots the two parents can cross at `price`, the lots of the accounts sitting it out left out on each side. */
export function crossQuantity(
  buy: ParentOrder,
  sell: ParentOrder,
  price: number,
  buyExcluded: number,
  sellExcluded: number,
): number {
  return Math.min(buy.crossableAt(price, buyExcluded), sell.crossableAt(price, sellExcluded));
}

/** What crossing `qty` lots at a quote saved both sides together, in the currency. */
export function crossSaving(instrument: Instrument, qty: number, quote: Quote, takerFeeMicrosPerShare: number): number {
  const shares = instrument.quantityToShares(qty);
  const halfSpread = instrument.priceToNumber(quote.ask - quote.bid) / 2;
  return 2 * shares * (halfSpread + takerFeeMicrosPerShare / 1e6);
}

export interface CrossingTotals {
  crosses: number;
  /** Lots crossed (each cross counted once, not per side). */
  qty: number;
  shares: number;
  /** Currency value of the crossed quantity at the cross prices. */
  notional: number;
  /** Half spread plus taker fee avoided, both sides, in the currency. */
  saving: number;
}

export class CrossingStats {
  private readonly bySymbol = new Map<string, CrossingTotals>();

  record(instrument: Instrument, qty: number, price: number, saving: number): void {
    let totals = this.bySymbol.get(instrument.symbol);
    if (totals === undefined) {
      totals = { crosses: 0, qty: 0, shares: 0, notional: 0, saving: 0 };
      this.bySymbol.set(instrument.symbol, totals);
    }
    const shares = instrument.quantityToShares(qty);
    totals.crosses++;
    totals.qty += qty;
    totals.shares += shares;
    totals.notional += shares * instrument.priceToNumber(price);
    totals.saving += saving;
  }

  /** Sets a symbol's totals (recovery from a snapshot). */
  restore(symbol: string, totals: CrossingTotals): void {
    this.bySymbol.set(symbol, { ...totals });
  }

  /** Totals per symbol (a copy). */
  snapshot(): Map<string, CrossingTotals> {
    return new Map([...this.bySymbol].map(([symbol, totals]) => [symbol, { ...totals }]));
  }
}
