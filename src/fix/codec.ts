/**
 * The FIX tag=value codec: one message is `8=BeginString SOH 9=BodyLength SOH 35=MsgType SOH ... 10=CheckSum SOH`.
 *
 * Invariants: a decoded message had BeginString, BodyLength and MsgType as its first three fields, CheckSum last, a
 * BodyLength equal to the bytes between the end of the BodyLength field and the start of the CheckSum field, and a
 * CheckSum equal to the byte sum of everything before it modulo 256, written as three digits. Anything else is
 * garbled: `decodeFix` says why and the session layer ignores it (FIX session rules). `encodeFix` always writes
 * BodyLength and CheckSum itself.
 *
 * Strings are byte strings: one JavaScript char per byte (latin1). The transport converts with `"latin1"`, so
 * checksums and lengths count bytes. Known limits: length-prefixed data fields (RawData, SecureData, XmlData) that
 * contain SOH are not supported; values are not unescaped or transcoded.
 */

export const SOH = "\x01";

/** A decoded message: its fields in wire order (repeats kept), and the bytes it came from. */
export class FixMessage {
  private index: Map<number, number> | null = null;

  constructor(
    readonly tags: readonly number[],
    readonly values: readonly string[],
    readonly raw: string,
  ) {}

  get msgType(): string {
    return this.values[2] ?? "";
  }

  /** The value of the first occurrence of `tag`, or undefined. */
  get(tag: number): string | undefined {
    const tags = this.tags;
    if (tags.length <= 32) {
      // Small messages (nearly all): a scan is cheaper than building an index.
      for (let i = 0; i < tags.length; i++) if (tags[i] === tag) return this.values[i];
      return undefined;
    }
    if (this.index === null) {
      const index = new Map<number, number>();
      for (let i = this.tags.length - 1; i >= 0; i--) index.set(this.tags[i] as number, i);
      this.index = index;
    }
    const i = this.index.get(tag);
    return i === undefined ? undefined : this.values[i];
  }

  has(tag: number): boolean {
    return this.get(tag) !== undefined;
  }

  /** An integer field, or undefined when absent or not a whole number. */
  getInt(tag: number): number | undefined {
    const v = this.get(tag);
    if (v === undefined || !/^-?\d{1,15}$/.test(v)) return undefined;
    return Number(v);
  }

  /** A Boolean field (Y/N); absent is false. */
  getFlag(tag: number): boolean {
    return this.get(tag) === "Y";
  }
}

export type DecodeResult = { ok: true; message: FixMessage } | { ok: false; reason: string };

/** Sum of the byte values of `s[from, to)` modulo 256. */
export function checksum(s: string, from = 0, to = s.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += s.charCodeAt(i);
  return sum & 0xff;
}

function formatChecksum(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

/** The tag in `raw[from, to)`: an optional minus sign and 1 to 9 digits (the minus only so it can be rejected as an
 * invalid tag number rather than as garbage); null otherwise. */
function parseTag(raw: string, from: number, to: number): number | null {
  let k = from;
  const negative = raw.charCodeAt(k) === 45;
  if (negative) k++;
  if (to - k < 1 || to - k > 9) return null;
  let tag = 0;
  for (; k < to; k++) {
    const c = raw.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return null;
    tag = tag * 10 + c;
  }
  return negative ? -tag : tag;
}

/** Decodes one framed message; never throws. */
export function decodeFix(raw: string): DecodeResult {
  if (!raw.endsWith(SOH)) return { ok: false, reason: "does not end with SOH" };
  const tags: number[] = [];
  const values: string[] = [];
  let bodyStart = -1;
  let checksumStart = -1;
  let pos = 0;
  while (pos < raw.length) {
    const end = raw.indexOf(SOH, pos);
    const eq = raw.indexOf("=", pos);
    if (eq < 0 || eq > end) return { ok: false, reason: `field without '=' at byte ${pos}` };
    const tag = parseTag(raw, pos, eq);
    if (tag === null) return { ok: false, reason: `bad tag "${raw.slice(pos, eq)}" at byte ${pos}` };
    if (tag === 10) checksumStart = pos;
    else if (checksumStart >= 0) return { ok: false, reason: "field after CheckSum" };
    tags.push(tag);
    values.push(raw.slice(eq + 1, end));
    pos = end + 1;
    if (tags.length === 2) bodyStart = pos;
  }
  if (tags[0] !== 8 || tags[1] !== 9 || tags[2] !== 35) {
    return { ok: false, reason: "BeginString, BodyLength, MsgType are not the first three fields" };
  }
  if (checksumStart < 0) return { ok: false, reason: "no CheckSum" };
  const bodyLength = values[1] as string;
  if (!/^\d{1,9}$/.test(bodyLength) || Number(bodyLength) !== checksumStart - bodyStart) {
    return { ok: false, reason: `BodyLength ${bodyLength} but the body has ${checksumStart - bodyStart} bytes` };
  }
  const declared = values[values.length - 1] as string;
  const actual = checksum(raw, 0, checksumStart);
  if (!/^\d{3}$/.test(declared) || Number(declared) !== actual) {
    return { ok: false, reason: `CheckSum ${declared} but the bytes sum to ${formatChecksum(actual)}` };
  }
  return { ok: true, message: new FixMessage(tags, values, raw) };
}

/** Bytes kept free before the body for `8=BeginString SOH 9=BodyLength SOH` (written once the body's length is known). */
const HEAD_ROOM = 40;
/** Values up to this many chars are copied by a loop (cheaper than a call into the runtime for a few bytes). */
const SHORT_VALUE = 48;

/** The encoder's scratch buffer, grown as needed and reused: encoding allocates only the message string itself. */
let scratch = Buffer.allocUnsafe(4096);

/**
 * Encodes a message. `body` is every field after BodyLength and before CheckSum, in order, starting with MsgType
 * (35): the header's other fields first, then the body. The fields are written once, as bytes, into a reused buffer
 * (BodyLength and CheckSum then come from the bytes), and the message is read out of it as one latin1 string: no
 * intermediate strings per field.
 */
export function encodeFix(beginString: string, body: readonly (readonly [number, string | number])[]): string {
  let at = HEAD_ROOM;
  for (const [tag, value] of body) {
    const text = typeof value === "string" ? value : String(value);
    if (scratch.length - at < text.length + 24) grow(at, text.length + 24);
    const buf = scratch;
    at = writeDigits(buf, tag, at);
    buf[at++] = 61; // '='
    const n = text.length;
    if (n <= SHORT_VALUE) {
      for (let i = 0; i < n; i++) buf[at + i] = text.charCodeAt(i);
      at += n;
    } else at += buf.write(text, at, "latin1");
    buf[at++] = 1; // SOH
  }
  const buf = scratch;
  const head = `8=${beginString}${SOH}9=${at - HEAD_ROOM}${SOH}`;
  const start = HEAD_ROOM - head.length;
  if (start < 0) throw new RangeError(`BeginString too long: ${beginString}`);
  for (let i = 0; i < head.length; i++) buf[start + i] = head.charCodeAt(i);
  let sum = 0;
  for (let i = start; i < at; i++) sum += buf[i] as number;
  sum &= 0xff;
  buf[at++] = 49; // '1'
  buf[at++] = 48; // '0'
  buf[at++] = 61; // '='
  buf[at++] = 48 + Math.floor(sum / 100);
  buf[at++] = 48 + (Math.floor(sum / 10) % 10);
  buf[at++] = 48 + (sum % 10);
  buf[at++] = 1;
  return buf.toString("latin1", start, at);
}

/** Room for `more` bytes after `used` (the trailer's 7 bytes included in every caller's margin). */
function grow(used: number, more: number): void {
  const next = Buffer.allocUnsafe(Math.max(scratch.length * 2, used + more + 64));
  scratch.copy(next, 0, 0, used);
  scratch = next;
}

/** Writes a tag number (a non-negative integer) in decimal at `at`; returns the end. */
function writeDigits(buf: Buffer, n: number, at: number): number {
  if (!Number.isSafeInteger(n) || n < 0) return at + buf.write(String(n), at, "latin1"); // not a tag: written as given
  if (n < 10) {
    buf[at] = 48 + n;
    return at + 1;
  }
  let digits = 0;
  for (let m = n; m > 0; m = Math.floor(m / 10)) digits++;
  let p = at + digits;
  for (let m = n; m > 0; ) {
    const q = Math.floor(m / 10);
    buf[--p] = 48 + (m - q * 10);
    m = q;
  }
  return at + digits;
}

/** For logs and error messages: SOH shown as `|`. */
export function showFix(raw: string): string {
  return raw.replaceAll(SOH, "|");
}
