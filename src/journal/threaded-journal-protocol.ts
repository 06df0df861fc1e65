/**
 * What the kernel thread and the journal worker (SQLite or PostgreSQL) share: the setup, the messages, the batch
 * encoding, and the layout of the shared memory (Int32 slots, the head seq, then two text areas) through which the
 * worker reports its store opened (with its head), committed batches, errors and its end, so the kernel thread can
 * wait with `Atomics.wait` and stay synchronous.
 *
 * A batch crosses the thread boundary as three flat values, never as objects (structured-cloning an object per event
 * costs more than the JSON): the canonical payloads joined by "\n" (canonical JSON has no raw newline), a Float64Array
 * of the numeric columns (seq, time, parent, order, causation; NaN for null; transferred, not copied) and one array of
 * the short strings (type, source, child id per event, then the rare side-table rows). The kernel thread derives
 * correlation and causation from the event object it already holds (what `Journal` does in-thread), so the worker
 * need not parse the JSON back; the worker chains the hashes (or, when the kernel thread has the spare time, the
 * encoder hashes and the batch carries the hashes, 64 hex digits each) and inserts.
 * Invariant: `decodeBatch(encoder.take())` gives, record for record, what `makeRecord` gives for the same events
 * (threaded-journal-protocol.test.ts).
 */
import type { MessagePort } from "node:worker_threads";
import { CausationTracker, type ClientRef, correlationOf } from "./correlation.js";
import { chainHash, type JournalRecord } from "./journal-record.js";
import type { JournalTarget } from "./journal-target.js";

export interface WorkerSetup {
  readonly target: JournalTarget;
  /** Open with "create": make the file or schema when absent. */
  readonly create: boolean;
  readonly shared: SharedArrayBuffer;
  /** With a companion (journal-companion.ts): its module's URL, the port its reads are answered on. */
  readonly companion: { readonly module: string; readonly replies: MessagePort } | null;
}

/** Numbers per event in `EncodedBatch.numbers`. */
const NUMBERS = 5;
/** Strings per event in `EncodedBatch.strings`, before the side rows. */
const STRINGS = 3;
/** Side-row kinds in `EncodedBatch.side`. */
const MORE_PARENT = 0;
const MORE_ORDER = 1;
const CLIENT_REF = 2;

export interface EncodedBatch {
  readonly count: number;
  /** When the kernel thread hashes: the first record's prevHash and every record's hash, 64 hex digits each. */
  readonly prevHash: string | null;
  readonly hashes: string;
  /** The payloads, joined by "\n". */
  readonly text: string;
  /** Per event: seq, time, parentId, orderId, causation (NaN for null). */
  readonly numbers: Float64Array;
  /** Per event: type, source, childId; then each client ref's clOrdId and source, in `side` order. */
  readonly strings: (string | null)[];
  /** Side rows, 3 numbers each: event index, kind (more parent / more order / client ref), id (NaN for null). */
  readonly side: number[];
}

/**
 * A batch (its events, and the companion's writes carried after them: `carried`), the close, or a companion's read
 * (answered on the companion's port once every batch before it is committed, then `SLOT.answered` set).
 */
export type BatchMessage =
  | ({ readonly kind: "batch"; readonly carried: readonly unknown[] } & EncodedBatch)
  | { readonly kind: "close" }
  | { readonly kind: "read"; readonly request: unknown };

/**
 * From the worker: a commit (the last seq now durable, and how many batches are committed since opening), or a failed
 * write it keeps and retries.
 */
export type WorkerReport =
  | { readonly kind: "durable"; readonly seq: number; readonly batches: number }
  | { readonly kind: "failed"; readonly message: string };

const NONE: readonly never[] = [];

/** Builds batches on the kernel thread: correlation and causation of each event as it is heard. */
export class BatchEncoder {
  private readonly causation = new CausationTracker();
  private payloads: string[] = [];
  private hashes: string[] = [];
  private firstPrevHash: string | null;
  private readonly numbers: Float64Array;
  private strings: (string | null)[] = [];
  private refStrings: (string | null)[] = [];
  private side: number[] = [];

  /**
   * `headHash`: hash the chain here, from this hash on (the store's head); null to leave the hashing to the worker.
   */
  constructor(
    private readonly capacity: number,
    private headHash: string | null = null,
  ) {
    this.numbers = new Float64Array(capacity * NUMBERS);
    this.firstPrevHash = headHash;
  }

  /** The last record's hash when this encoder hashes, else null. */
  get lastHash(): string | null {
    return this.headHash;
  }

  get length(): number {
    return this.payloads.length;
  }

  /** Adds one event whose canonical JSON is `payload`; the caller checked its seq follows the last one. */
  add(event: Readonly<Record<string, unknown>>, payload: string): void {
    const i = this.payloads.length;
    if (i === this.capacity) throw new RangeError("journal batch full");
    const seq = event.seq as number;
    const c = correlationOf(event);
    const cause = this.causation.next(event, seq);
    const n = this.numbers;
    const at = i * NUMBERS;
    n[at] = seq;
    n[at + 1] = Math.floor(event.time as number);
    n[at + 2] = c.parentIds[0] ?? Number.NaN;
    n[at + 3] = c.orderIds[0] ?? Number.NaN;
    n[at + 4] = cause ?? Number.NaN;
    this.strings.push(event.type as string, c.source, c.childId);
    for (let k = 1; k < c.parentIds.length; k++) this.side.push(i, MORE_PARENT, c.parentIds[k] as number);
    for (let k = 1; k < c.orderIds.length; k++) this.side.push(i, MORE_ORDER, c.orderIds[k] as number);
    for (let k = 0; k < c.clientRefs.length; k++) {
      const ref = c.clientRefs[k] as ClientRef;
      this.side.push(i, CLIENT_REF, ref.orderId ?? Number.NaN);
      this.refStrings.push(ref.clOrdId, ref.source);
    }
    this.payloads.push(payload);
    if (this.headHash !== null) {
      this.headHash = chainHash(this.headHash, payload);
      this.hashes.push(this.headHash);
    }
  }

  /**
   * The batch so far (its numbers in a buffer of their own, the receiver's to transfer); the encoder starts a new one.
   * The numbers are copied out (`slice`, 40 bytes an event) and the encoder keeps its full-capacity array: a new one per
   * batch was 320 KiB of zeroed memory for a batch of a few events.
   */
  take(): EncodedBatch {
    const count = this.payloads.length;
    const strings = this.refStrings.length === 0 ? this.strings : this.strings.concat(this.refStrings);
    const batch: EncodedBatch = {
      count,
      prevHash: this.firstPrevHash,
      hashes: this.hashes.join(""),
      text: this.payloads.join("\n"),
      numbers: this.numbers.slice(0, count * NUMBERS),
      strings,
      side: this.side,
    };
    this.payloads = [];
    this.hashes = [];
    this.firstPrevHash = this.headHash;
    this.strings = [];
    this.refStrings = [];
    this.side = [];
    return batch;
  }
}

function addTo<T>(lists: (T[] | undefined)[], i: number, item: T): void {
  const list = lists[i];
  if (list === undefined) lists[i] = [item];
  else list.push(item);
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/**
 * The records of an encoded batch, chained after `prevHash` (the last record's hash is the next batch's prevHash).
 * Throws when a seq does not follow `lastSeq`.
 */
export function decodeBatch(batch: EncodedBatch, prevHash: string, lastSeq: number): JournalRecord[] {
  const { count, numbers: n, strings: s, side } = batch;
  const payloads = count === 0 ? [] : batch.text.split("\n");
  if (payloads.length !== count) throw new Error(`journal batch: ${payloads.length} payloads for ${count} events`);
  const hashed = batch.prevHash !== null;
  if (hashed && (batch.prevHash !== prevHash || batch.hashes.length !== count * 64))
    throw new Error(`journal batch: hashed after ${batch.prevHash}, not the head ${prevHash}`);
  const moreParents: (number[] | undefined)[] = [];
  const moreOrders: (number[] | undefined)[] = [];
  const refs: (ClientRef[] | undefined)[] = [];
  let r = count * STRINGS;
  for (let k = 0; k < side.length; k += 3) {
    const i = side[k] as number;
    const kind = side[k + 1] as number;
    const id = side[k + 2] as number;
    if (kind === CLIENT_REF) {
      const ref: ClientRef = { clOrdId: s[r] as string, source: s[r + 1] as string, orderId: orNull(id) };
      r += 2;
      addTo(refs, i, ref);
    } else addTo(kind === MORE_PARENT ? moreParents : moreOrders, i, id);
  }
  const records: JournalRecord[] = new Array(count);
  let prev = prevHash;
  let last = lastSeq;
  for (let i = 0; i < count; i++) {
    const at = i * NUMBERS;
    const seq = n[at] as number;
    if (seq !== last + 1) throw new Error(`journal: event seq ${seq} after ${last}`);
    const payload = payloads[i] as string;
    const hash = hashed ? batch.hashes.slice(i * 64, i * 64 + 64) : chainHash(prev, payload);
    records[i] = {
      seq,
      time: n[at + 1] as number,
      type: s[i * STRINGS] as string,
      source: s[i * STRINGS + 1] as string | null,
      parentId: orNull(n[at + 2] as number),
      orderId: orNull(n[at + 3] as number),
      childId: s[i * STRINGS + 2] as string | null,
      causation: orNull(n[at + 4] as number),
      payload,
      prevHash: prev,
      hash,
      moreParentIds: moreParents[i] ?? NONE,
      moreOrderIds: moreOrders[i] ?? NONE,
      clientRefs: refs[i] ?? NONE,
    };
    prev = hash;
    last = seq;
  }
  return records;
}

/** Int32 slot indexes; text areas are byte offsets after the slots. */
export const SLOT = {
  /** Batches committed so far. */
  batches: 0,
  /** 1 once the worker has closed the store. */
  closed: 1,
  /** 1 once the journal stopped: its store would not open, a batch was not the next one, or its last write failed. */
  error: 2,
  /** 1 once the worker has opened its store (or failed to: then `error` is 1 too). */
  ready: 3,
  /** 1 once the answer to a companion's read is on its port. */
  answered: 4,
  count: 5,
  /** Byte offset of the head hash text (64 bytes + length): the store's head once ready, the last one once closed. */
  headText: 20,
  /** Byte offset of the store's head seq when opened (a Float64). */
  headSeq: 88,
  /** Byte offset of the error text (up to 1,000 bytes). */
  errorText: 100,
  /** Byte offset of the error's code when opening failed with a `JournalOpenError` (up to 60 bytes). */
  errorCode: 1_104,
} as const;

export const SHARED_BYTES = 1_200;
const TEXT_MAX = 1_000;

/** Writes a text (UTF-8, truncated) with its length in the first 4 bytes of its area. */
export function writeText(shared: SharedArrayBuffer, offset: number, text: string): void {
  const bytes = Buffer.from(text, "utf8").subarray(0, TEXT_MAX);
  new DataView(shared).setUint32(offset, bytes.length);
  new Uint8Array(shared, offset + 4, bytes.length).set(bytes);
}

export function writeHeadSeq(shared: SharedArrayBuffer, seq: number): void {
  new Float64Array(shared, SLOT.headSeq, 1)[0] = seq;
}

export function readHeadSeq(shared: SharedArrayBuffer): number {
  return new Float64Array(shared, SLOT.headSeq, 1)[0] as number;
}

export function readText(shared: SharedArrayBuffer, offset: number): string {
  const length = new DataView(shared).getUint32(offset);
  return Buffer.from(new Uint8Array(shared, offset + 4, length)).toString("utf8");
}
