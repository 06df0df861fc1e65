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

/**
 * Encodes a message. `body` is every field after BodyLength and before CheckSum, in order, starting with MsgType
 * (35): the header's other fields first, then the body.
 */
export function encodeFix(beginString: string, body: readonly (readonly [number, string | number])[]): string {
  let text = "";
  for (const [tag, value] of body) text += `${tag}=${value}${SOH}`;
  const head = `8=${beginString}${SOH}9=${text.length}${SOH}`;
  const withoutTrailer = head + text;
  return `${withoutTrailer}10=${formatChecksum(checksum(withoutTrailer))}${SOH}`;
}

/** For logs and error messages: SOH shown as `|`. */
export function showFix(raw: string): string {
  return raw.replaceAll(SOH, "|");
}
