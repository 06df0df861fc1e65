/**
 * Splits a byte stream that arrives in chunks into lines, without making strings: each complete line goes to the sink
 * as (bytes, start, end, lineNumber), with its "\n" (and a "\r" before it) cut off. A line split across two chunks is
 * carried over in a reusable buffer. Pure: the readers feed it chunks from files or gunzip streams.
 *
 * Invariants: line numbers count from 1 and every line is delivered exactly once, in order, empty lines included; a
 * final line without "\n" is delivered by `end()`; nothing is delivered after the last "\n" if the stream ends there
 * (the usual trailing newline is not an empty line). The bytes handed to the sink are valid only during the call.
 */

export interface LineSink {
  line(bytes: Uint8Array, start: number, end: number, lineNumber: number): void;
}

const NEWLINE = 10;
const RETURN = 13;

export class LineSplitter {
  private carry = new Uint8Array(256);
  private carryLength = 0;
  private lineNumber = 0;

  constructor(private readonly sink: LineSink) {}

  /** Lines seen so far. */
  get lines(): number {
    return this.lineNumber;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    const length = chunk.length;
    if (this.carryLength > 0) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) {
        this.append(chunk, 0, length);
        return;
      }
      this.append(chunk, 0, newline);
      this.deliver(this.carry, 0, this.carryLength);
      this.carryLength = 0;
      start = newline + 1;
    }
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline < 0) break;
      this.deliver(chunk, start, newline);
      start = newline + 1;
    }
    if (start < length) this.append(chunk, start, length);
  }

  /** The stream is over: delivers a last line that had no newline. */
  end(): void {
    if (this.carryLength > 0) {
      this.deliver(this.carry, 0, this.carryLength);
      this.carryLength = 0;
    }
  }

  private deliver(bytes: Uint8Array, start: number, end: number): void {
    const stop = end > start && bytes[end - 1] === RETURN ? end - 1 : end;
    this.sink.line(bytes, start, stop, ++this.lineNumber);
  }

  private append(chunk: Uint8Array, start: number, end: number): void {
    const needed = this.carryLength + (end - start);
    if (needed > this.carry.length) {
      let size = this.carry.length * 2;
      while (size < needed) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(start, end), this.carryLength);
    this.carryLength = needed;
  }
}

/** The text of bytes[start, end) (ASCII/UTF-8), for error messages and the rare slow path. */
export function bytesText(bytes: Uint8Array, start: number, end: number): string {
  return new TextDecoder().decode(bytes.subarray(start, end));
}

/**
 * Finds the comma-separated fields of one line: writes the start of field k to `starts[k]` and its end to `ends[k]`,
 * and returns the number of fields (which may exceed the arrays' length: only the first ones are recorded).
 */
export function splitFields(
  bytes: Uint8Array,
  start: number,
  end: number,
  starts: Int32Array,
  ends: Int32Array,
  separator = 44,
): number {
  const capacity = starts.length;
  let count = 0;
  let fieldStart = start;
  for (let i = start; ; i++) {
    if (i === end || bytes[i] === separator) {
      if (count < capacity) {
        starts[count] = fieldStart;
        ends[count] = i;
      }
      count++;
      if (i === end) return count;
      fieldStart = i + 1;
    }
  }
}
