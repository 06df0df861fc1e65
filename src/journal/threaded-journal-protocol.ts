/**
 * What the kernel thread and the SQLite journal worker share: the setup, the messages, and the layout of the shared
 * memory (Int32 slots, then two text areas) through which the worker reports committed batches, errors and its end,
 * so the kernel thread can wait with `Atomics.wait` and stay synchronous.
 */

export interface WorkerSetup {
  readonly path: string;
  readonly synchronous: "full" | "normal";
  readonly shared: SharedArrayBuffer;
}

export type BatchMessage = { readonly kind: "batch"; readonly text: string } | { readonly kind: "close" };

/** Int32 slot indexes; text areas are byte offsets after the slots. */
export const SLOT = {
  /** Batches committed so far. */
  batches: 0,
  /** 1 once the worker has closed the store. */
  closed: 1,
  /** 1 once a batch failed. */
  error: 2,
  count: 4,
  /** Byte offset of the head hash text (64 bytes + length). */
  headText: 16,
  /** Byte offset of the error text (up to 1,000 bytes). */
  errorText: 100,
} as const;

export const SHARED_BYTES = 1_200;
const TEXT_MAX = 1_000;

/** Writes a text (UTF-8, truncated) with its length in the first 4 bytes of its area. */
export function writeText(shared: SharedArrayBuffer, offset: number, text: string): void {
  const bytes = Buffer.from(text, "utf8").subarray(0, TEXT_MAX);
  new DataView(shared).setUint32(offset, bytes.length);
  new Uint8Array(shared, offset + 4, bytes.length).set(bytes);
}

export function readText(shared: SharedArrayBuffer, offset: number): string {
  const length = new DataView(shared).getUint32(offset);
  return Buffer.from(new Uint8Array(shared, offset + 4, length)).toString("utf8");
}
