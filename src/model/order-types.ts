/** The order vocabulary shared by every layer, in FIX terms (Side 54, OrdType 40, TimeInForce 59). */

export type Side = "buy" | "sell";
export type OrdType = "market" | "limit";
/** day: until the venue's session ends; gtc: until cancelled; ioc: match now, cancel the rest; fok: all now or nothing. */
export type TimeInForce = "day" | "gtc" | "ioc" | "fok";

export const SIDES: readonly Side[] = ["buy", "sell"];
export const ORD_TYPES: readonly OrdType[] = ["market", "limit"];
export const TIMES_IN_FORCE: readonly TimeInForce[] = ["day", "gtc", "ioc", "fok"];

export function oppositeSide(side: Side): Side {
  return side === "buy" ? "sell" : "buy";
}

/** Whether a limit price `price` on `side` can trade against a resting contra price `contra` (integer prices). */
export function crosses(side: Side, price: number, contra: number): boolean {
  return side === "buy" ? contra <= price : contra >= price;
}
