/**
 * Exact decimal <-> integer conversion. Prices and quantities in order state are integers in a unit of 10^-decimals;
 * decimal strings are parsed digit by digit straight to that integer, never through `parseFloat(x) * scale`.
 * Invariant: every integer returned is a safe integer; anything else is refused with a reason.
 *
 * Accepted shape (after trimming white space): an optional sign, digits, optionally "." and digits ("1." and ".5" are
 * refused). Digits beyond `decimals` must be zeros ("1.500" at 2 decimals is 150).
 * `decimalUnits` is the hot path (intake parses two numbers per order): one walk over the char codes, no regex, no
 * substring, no allocation; it returns NaN for anything it does not accept, and `parseDecimal` then asks
 * `refusalOf` (the regex reading of the same grammar, off the hot path) for the reason.
 */

export type DecimalParse = { ok: true; value: number } | { ok: false; reason: DecimalError };

export type DecimalError = "not-a-decimal" | "too-many-decimals" | "out-of-range";

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
/** Above this, one more digit leaves the safe-integer range. */
const DIGIT_LIMIT = Math.floor(Number.MAX_SAFE_INTEGER / 10);

/** `text` (e.g. "-12.3400") as an integer count of 10^-decimals units, or NaN when `parseDecimal` would refuse it. */
export function decimalUnits(text: string, decimals: number): number {
  const value = walk(text, decimals);
  if (!Number.isNaN(value)) return value;
  // Only white space around the number (rare) needs the trimmed copy.
  const trimmed = text.trim();
  return trimmed.length === text.length ? Number.NaN : walk(trimmed, decimals);
}

function walk(text: string, decimals: number): number {
  const end = text.length;
  let i = 0;
  let negative = false;
  if (end > 0) {
    const c = text.charCodeAt(0);
    if (c === MINUS) {
      negative = true;
      i = 1;
    } else if (c === PLUS) i = 1;
  }
  let value = 0;
  const first = i;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    if (value > DIGIT_LIMIT) return Number.NaN;
    value = value * 10 + (c - ZERO);
  }
  if (i === first) return Number.NaN;
  let places = 0;
  if (i < end) {
    if (text.charCodeAt(i) !== DOT || ++i === end) return Number.NaN;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) return Number.NaN;
      if (places < decimals) {
        if (value > DIGIT_LIMIT) return Number.NaN;
        value = value * 10 + (c - ZERO);
        places++;
      } else if (c !== ZERO) return Number.NaN;
    }
  }
  if (value === 0) return 0;
  // Exact while the result is safe; an unsafe product is refused just below.
  if (places < decimals) value *= 10 ** (decimals - places);
  if (!Number.isSafeInteger(value)) return Number.NaN;
  return negative ? -value : value;
}

/** Parses `text` (e.g. "-12.3400") into an integer count of 10^-decimals units. */
export function parseDecimal(text: string, decimals: number): DecimalParse {
  const value = decimalUnits(text, decimals);
  if (!Number.isNaN(value)) return { ok: true, value };
  return { ok: false, reason: refusalOf(text, decimals) };
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Why `decimalUnits` refused `text`: the first rule broken, in the order shape, scale, range. */
function refusalOf(text: string, decimals: number): DecimalError {
  const m = DECIMAL.exec(text.trim());
  if (!m) return "not-a-decimal";
  const frac = m[3] ?? "";
  if (frac.length > decimals && /[^0]/.test(frac.slice(decimals))) return "too-many-decimals";
  return "out-of-range";
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
