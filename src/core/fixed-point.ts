/**
 * Exact decimal <-> integer conversion. Prices and quantities in order state are integers in a unit of 10^-decimals;
 * decimal strings are parsed digit by digit straight to that integer, never through `parseFloat(x) * scale`.
 * Invariant: every integer returned is a safe integer; anything else is refused with a reason.
 */

export type DecimalParse = { ok: true; value: number } | { ok: false; reason: DecimalError };

export type DecimalError = "not-a-decimal" | "too-many-decimals" | "out-of-range";

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Parses `text` (e.g. "-12.3400") into an integer count of 10^-decimals units. */
export function parseDecimal(text: string, decimals: number): DecimalParse {
  const m = DECIMAL.exec(text.trim());
  if (!m) return { ok: false, reason: "not-a-decimal" };
  const sign = m[1] === "-" ? -1 : 1;
  const whole = m[2] ?? "0";
  let frac = m[3] ?? "";
  // Trailing zeros beyond the scale are harmless ("1.500" at 2 decimals); significant digits are not.
  if (frac.length > decimals) {
    const extra = frac.slice(decimals);
    if (/[^0]/.test(extra)) return { ok: false, reason: "too-many-decimals" };
    frac = frac.slice(0, decimals);
  }
  const digits = whole + frac.padEnd(decimals, "0");
  const value = Number(digits);
  if (!Number.isSafeInteger(value) || digits.replace(/^0+/, "").length > 16) {
    return { ok: false, reason: "out-of-range" };
  }
  return { ok: true, value: value === 0 ? 0 : sign * value };
}

/** Number of decimal places a decimal string carries ("0.0100" -> 4, "5" -> 0). */
export function decimalPlaces(text: string): number {
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Formats an integer count of 10^-decimals units as a decimal string with exactly `decimals` places. */
export function formatDecimal(value: number, decimals: number): string {
  const negative = value < 0;
  const digits = String(Math.abs(value)).padStart(decimals + 1, "0");
  const cut = digits.length - decimals;
  const text = decimals === 0 ? digits : `${digits.slice(0, cut)}.${digits.slice(cut)}`;
  return negative ? `-${text}` : text;
}
