/**
 * Exact number parsing straight from the bytes (or characters) of a recorded file, for the replay readers' hot loops:
 * no string is made for a field that parses, and a decimal becomes an integer count of 10^-decimals units digit by
 * digit, never through `parseFloat(x) * scale` (DESIGN.md §3).
 *
 * Contract: every function returns a safe integer, or NaN when the text is not a number of the expected shape, has
 * significant digits beyond `decimals`, or leaves the safe-integer range. NaN carries no reason on purpose (the hot path
 * stays branch-light); `numberProblem` explains a refused field afterwards, for the one-line error a user sees.
 * Accepted shape: an optional "-" (or "+"), digits, optionally "." and digits. No exponents, no spaces, no "1." or ".5".
 */
import { parseDecimal } from "../../core/fixed-point.js";

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
/** Above this, one more digit may leave the safe-integer range: the slow exact check takes over. */
const FAST_LIMIT = 900719925474099;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** An integer written in bytes[start, end), e.g. "-1" or "11885113"; NaN otherwise. */
export function parseAsciiInt(bytes: Uint8Array, start: number, end: number): number {
  return parseAsciiFixed(bytes, start, end, 0);
}

/**
 * A decimal written in bytes[start, end) as an integer count of 10^-decimals: "34200.0174" at 9 decimals is
 * 34200017400000. Trailing zeros beyond `decimals` are fine ("1.500" at 2); other digits there are not (NaN).
 */
export function parseAsciiFixed(bytes: Uint8Array, start: number, end: number, decimals: number): number {
  let i = start;
  let sign = 1;
  if (i < end) {
    const c = bytes[i] as number;
    if (c === MINUS) {
      sign = -1;
      i++;
    } else if (c === PLUS) i++;
  }
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = bytes[i] as number;
    if (c < ZERO || c > NINE) break;
    if (value > FAST_LIMIT) return Number.NaN;
    value = value * 10 + (c - ZERO);
    digits++;
  }
  if (digits === 0) return Number.NaN;
  let places = 0;
  if (i < end) {
    if (bytes[i] !== DOT) return Number.NaN;
    i++;
    if (i === end) return Number.NaN;
    for (; i < end; i++) {
      const c = bytes[i] as number;
      if (c < ZERO || c > NINE) return Number.NaN;
      if (places < decimals) {
        if (value > FAST_LIMIT) return Number.NaN;
        value = value * 10 + (c - ZERO);
        places++;
      } else if (c !== ZERO) return Number.NaN;
    }
  }
  if (places < decimals) {
    const scale = POW10[decimals - places];
    if (scale === undefined) return Number.NaN;
    value *= scale;
  }
  if (!Number.isSafeInteger(value)) return Number.NaN;
  return value === 0 ? 0 : sign * value;
}

/** Decimal places that carry a non-zero digit: "61837.63000000" -> 2, "0.00100000" -> 3, "5" -> 0. */
export function significantDecimals(text: string): number {
  const dot = text.indexOf(".");
  if (dot < 0) return 0;
  let end = text.length;
  while (end > dot + 1 && text.charCodeAt(end - 1) === ZERO) end--;
  return end - dot - 1;
}

/** Why `text` was refused as a number with `decimals` places: the tail of a one-line error message. */
export function numberProblem(text: string, decimals: number): string {
  const shown = JSON.stringify(text);
  if (text === "") return "empty, expected a number";
  const parsed = parseDecimal(text, decimals);
  if (!parsed.ok) {
    switch (parsed.reason) {
      case "not-a-decimal":
        return decimals === 0 ? `expected a whole number, got ${shown}` : `expected a decimal number, got ${shown}`;
      case "too-many-decimals":
        return decimals === 0
          ? `expected a whole number, got ${shown}`
          : `${shown} has more than ${decimals} decimal place${decimals === 1 ? "" : "s"}`;
      case "out-of-range":
        return `${shown} is out of range`;
    }
  }
  // parseDecimal accepts what the fast parsers refuse only for shapes like "1." or ".5" (trimmed text).
  return `expected a number like "12" or "12.5", got ${shown}`;
}
