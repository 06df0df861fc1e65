/**
 * Every ClOrdID a source has used -> its order: the duplicate check of intake, and the lookup of cancels and replaces.
 *
 * Why not a `Map`: at a million ids, a `Map` costs two operations per new order (`has`, then `set` once accepted) and
 * each walks a bucket chain that dereferences the stored key strings (cache misses in a large table). This is an
 * open-addressing table (linear probing, power-of-two capacity, load <= 1/2) that keeps each key's 32-bit hash in an
 * Int32Array beside it, so a probe compares strings only on a full hash match, and `find` returns the free slot where
 * an absent key goes: intake probes once, and inserts there if the order is accepted. Each key and its value sit side
 * by side in one array (one cache line to touch per insert, one array to allocate per growth).
 *
 * Invariants: a slot from `find` is valid until the next insertion or deletion; hash 0 marks an empty slot (a key
 * hashing to 0 is stored as 1); `delete` shifts the keys after it back (no tombstones), so every key stays reachable
 * from its home slot. The table does not shrink: it keeps the capacity of its largest size.
 */
import { stringHash } from "../core/string-hash.js";

export class ClOrdIdIndex<V> {
  private hashes: Int32Array;
  /** Slot i's key at 2i and its value at 2i + 1 (undefined when the slot is empty). */
  private slots: unknown[];
  private mask: number;
  private count = 0;
  /** The last key `find` hashed and its hash, so that `insertAt` after `find` does not hash twice. */
  private lastKey: string | undefined;
  private lastHash = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.hashes = new Int32Array(capacity);
    this.slots = new Array(capacity * 2).fill(undefined);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The slot holding `key` (>= 0), or -1 - the free slot where it would go. */
  find(key: string): number {
    const h = hashOf(key);
    this.lastKey = key;
    this.lastHash = h;
    const hashes = this.hashes;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const stored = hashes[i] as number;
      if (stored === 0) return -1 - i;
      if (stored === h && this.slots[2 * i] === key) return i;
      i = (i + 1) & mask;
    }
  }

  /** The value in a slot returned by `find` (>= 0). */
  valueAt(slot: number): V {
    return this.slots[2 * slot + 1] as V;
  }

  /** Stores `key` in the free slot `find` returned for it (-1 - slot), with no insertion since. */
  insertAt(free: number, key: string, value: V): void {
    const slot = -1 - free;
    this.hashes[slot] = key === this.lastKey ? this.lastHash : hashOf(key);
    this.slots[2 * slot] = key;
    this.slots[2 * slot + 1] = value;
    if (++this.count * 2 > this.hashes.length) this.grow();
  }

  get(key: string): V | undefined {
    const slot = this.find(key);
    return slot >= 0 ? (this.slots[2 * slot + 1] as V) : undefined;
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  /** Adds or overwrites. */
  set(key: string, value: V): void {
    const slot = this.find(key);
    if (slot >= 0) this.slots[2 * slot + 1] = value;
    else this.insertAt(slot, key, value);
  }

  /** Removes `key`; false when absent. */
  delete(key: string): boolean {
    let hole = this.find(key);
    if (hole < 0) return false;
    const hashes = this.hashes;
    const mask = this.mask;
    // Backward-shift deletion: move each later key of the run into the hole unless its home slot lies in (hole, j].
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      const h = hashes[j] as number;
      if (h === 0) break;
      const home = h & mask;
      const between = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (between) continue;
      hashes[hole] = h;
      this.slots[2 * hole] = this.slots[2 * j];
      this.slots[2 * hole + 1] = this.slots[2 * j + 1];
      hole = j;
    }
    hashes[hole] = 0;
    this.slots[2 * hole] = undefined;
    this.slots[2 * hole + 1] = undefined;
    this.count--;
    this.lastKey = undefined;
    return true;
  }

  /** Every key and its value, in table order. */
  *entries(): Generator<[string, V]> {
    for (let i = 0; i < this.hashes.length; i++) {
      if (this.hashes[i] !== 0) yield [this.slots[2 * i] as string, this.slots[2 * i + 1] as V];
    }
  }

  private grow(): void {
    const oldHashes = this.hashes;
    const oldSlots = this.slots;
    const capacity = oldHashes.length * 2;
    const hashes = new Int32Array(capacity);
    const slots: unknown[] = new Array(capacity * 2).fill(undefined);
    const mask = capacity - 1;
    for (let j = 0; j < oldHashes.length; j++) {
      const h = oldHashes[j] as number;
      if (h === 0) continue;
      let i = h & mask;
      while (hashes[i] !== 0) i = (i + 1) & mask;
      hashes[i] = h;
      slots[2 * i] = oldSlots[2 * j];
      slots[2 * i + 1] = oldSlots[2 * j + 1];
    }
    this.hashes = hashes;
    this.slots = slots;
    this.mask = mask;
  }
}

/** Never 0 (0 marks an empty slot). */
function hashOf(key: string): number {
  const h = stringHash(key);
  return h === 0 ? 1 : h;
}
