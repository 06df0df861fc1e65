/**
 * FIX UTCTimestamp ("YYYYMMDD-HH:MM:SS" with optional .sss, .ssssss or .sssssssss) to and from Tributary time
 * (integer microseconds since the epoch, core/clock.ts). Pure: no clock is read here.
 */

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let k = from; k < from + count; k++) {
    const c = text.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** Microseconds since the epoch, or NaN when `text` is not a valid UTCTimestamp. (Hand-parsed: on the hot path.) */
export function parseUtcTimestamp(text: string): number {
  const length = text.length;
  if (length !== 17 && length !== 21 && length !== 24 && length !== 27) return Number.NaN;
  if (text.charCodeAt(8) !== 45 || text.charCodeAt(11) !== 58 || text.charCodeAt(14) !== 58) return Number.NaN;
  if (length > 17 && text.charCodeAt(17) !== 46) return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 4, 2);
  const day = digits(text, 6, 2);
  const hour = digits(text, 9, 2);
  const minute = digits(text, 12, 2);
  const second = digits(text, 15, 2);
  const fraction = length > 17 ? digits(text, 18, length - 18) : 0;
  if (year < 0 || minute < 0 || second < 0 || fraction < 0) return Number.NaN;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute > 59 || second > 60) {
    return Number.NaN;
  }
  const micros = length === 21 ? fraction * 1000 : length === 24 ? fraction : Math.floor(fraction / 1000);
  return Date.UTC(year, month - 1, day, hour, minute, second) * 1000 + micros;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

let cachedSecond = Number.NaN;
let cachedPrefix = "";

/** "YYYYMMDD-HH:MM:SS.sss" (milliseconds, as FIX 4.2 and 4.4 allow). The date and time of the last second is cached. */
export function formatUtcTimestamp(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const second = Math.floor(millis / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedPrefix =
      `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}-` +
      `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.`;
    cachedSecond = second;
  }
  const ms = millis - second * 1000;
  return `${cachedPrefix}${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}`;
}

export function isUtcDateOnly(text: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31;
}

export function isUtcTimeOnly(text: string): boolean {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d{3}|\.\d{6}|\.\d{9})?$/.exec(text);
  return m !== null && Number(m[1]) <= 23 && Number(m[2]) <= 59 && Number(m[3]) <= 60;
}
