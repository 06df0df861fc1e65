/**
 * Cuts a TCP byte stream into candidate FIX messages, the way established engines do: skip to `8=FIX`, read
 * BodyLength from the second field, then take everything up to the SOH that ends the first `10=` field at or after
 * the declared end of the body. The candidate is then decoded (codec.ts), which rejects a wrong BodyLength or CheckSum
 * as garbled; a too-short BodyLength therefore yields one garbled message and a too-long one swallows the next
 * message too, both ignored, as FIX prescribes for garbled input.
 *
 * Invariants: the buffer never holds more than `maxMessageBytes` plus one chunk; bytes before a BeginString are
 * dropped. Known limit: a BeginString must start with "FIX" (FIX.4.x, FIXT.1.1).
 */
import { SOH } from "./codec.js";

export const DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

export class FixFramer {
  private buffer = "";
  /** Bytes dropped because they did not start or continue a message (for statistics and tests). */
  droppedBytes = 0;

  constructor(private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** Appends bytes (latin1: one char per byte) and returns every complete candidate message, in order. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    for (;;) {
      const frame = this.next();
      if (frame === null) break;
      out.push(frame);
    }
    return out;
  }

  private drop(n: number): void {
    this.droppedBytes += n;
    this.buffer = this.buffer.slice(n);
  }

  private next(): string | null {
    for (;;) {
      const start = this.buffer.indexOf("8=FIX");
      if (start < 0) {
        // Keep a tail that could be the start of "8=FIX".
        const keep = Math.min(this.buffer.length, 4);
        this.drop(this.buffer.length - keep);
        return null;
      }
      if (start > 0) this.drop(start);
      const firstSoh = this.buffer.indexOf(SOH);
      if (firstSoh < 0) {
        if (this.buffer.length < 64) return null; // the BeginString is still arriving
        this.drop(2);
        continue;
      }
      if (this.buffer.length < firstSoh + 3) return null;
      if (!this.buffer.startsWith("9=", firstSoh + 1)) {
        this.drop(2); // not "8=...|9=...|": skip this BeginString and look for the next
        continue;
      }
      const secondSoh = this.buffer.indexOf(SOH, firstSoh + 3);
      if (secondSoh < 0) {
        if (this.buffer.length - firstSoh < 16) return null;
        this.drop(2);
        continue;
      }
      const lengthText = this.buffer.slice(firstSoh + 3, secondSoh);
      const length = /^\d{1,9}$/.test(lengthText) ? Number(lengthText) : -1;
      if (length < 0 || length > this.maxMessageBytes) {
        this.drop(2);
        continue;
      }
      const bodyEnd = secondSoh + 1 + length;
      if (this.buffer.length < bodyEnd) return null;
      const trailer = this.buffer.indexOf(`${SOH}10=`, bodyEnd - 1);
      if (trailer < 0) {
        if (this.buffer.length - bodyEnd > this.maxMessageBytes) this.drop(2);
        else return null;
        continue;
      }
      const end = this.buffer.indexOf(SOH, trailer + 4);
      if (end < 0) {
        if (this.buffer.length - trailer > 64) {
          this.drop(2);
          continue;
        }
        return null;
      }
      const frame = this.buffer.slice(0, end + 1);
      this.buffer = this.buffer.slice(end + 1);
      return frame;
    }
  }

  /** Bytes waiting for the rest of a message. */
  get pending(): number {
    return this.buffer.length;
  }
}
