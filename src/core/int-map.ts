/**
 * A hash map from safe integers to values, for hot paths where V8's `Map` costs too much: open addressing with linear
 * probing over a power-of-two table, keys in a Float64Array (so any safe integer fits), values in a parallel array.
 * Deletion shifts the following entries of the probe run back (no tombstones), so lookups never slow down as keys
 * come and go. The table doubles at half full and never shrinks.
 * Invariant: every key is a safe integer (callers guarantee it; NaN marks an empty slot).
 */
const MIN_CAPACITY = 16;

export class IntMap<V> {
  private keys: Float64Array;
  private values: (V | undefined)[];
  private mask: number;
  private shift: number;
  private count = 0;

  constructor(initialCapacity = MIN_CAPACITY) {
    let capacity = MIN_CAPACITY;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.keys = new Float64Array(capacity).fill(Number.NaN);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  get size(): number {
    return this.count;
  }

  get(key: number): V | undefined {
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i] as number;
      if (k === key) return this.values[i];
      if (Number.isNaN(k)) return undefined;
    }
  }

  has(key: number): boolean {
    return this.get(key) !== undefined;
  }

  set(key: number, value: V): void {
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i] as number;
      if (k === key) {
        this.values[i] = value;
        return;
      }
      if (Number.isNaN(k)) {
        keys[i] = key;
        this.values[i] = value;
        if (++this.count * 2 > keys.length) this.grow();
        return;
      }
    }
  }

  delete(key: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.slot(key);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i] as number;
      if (k === key) break;
      if (Number.isNaN(k)) return false;
    }
    // Backward-shift: move later entries of the run into the hole when their home slot allows it.
    let hole = i;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const k = keys[j] as number;
      if (Number.isNaN(k)) break;
      const home = this.slot(k);
      const fits = hole <= j ? home <= hole || home > j : home <= hole && home > j;
      if (fits) {
        keys[hole] = k;
        this.values[hole] = this.values[j];
        hole = j;
      }
    }
    keys[hole] = Number.NaN;
    this.values[hole] = undefined;
    this.count--;
    return true;
  }

  clear(): void {
    this.keys.fill(Number.NaN);
    this.values.fill(undefined);
    this.count = 0;
  }

  *entries(): IterableIterator<[number, V]> {
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i] as number;
      if (!Number.isNaN(k)) yield [k, this.values[i] as V];
    }
  }

  /** Fibonacci hashing of the key's low and high 32 bits (a key that fits in 32 bits skips the division). */
  private slot(key: number): number {
    const low = key | 0;
    const high = low === key ? 0 : (key / 4294967296) | 0;
    return (Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> this.shift) & this.mask;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldKeys.length * 2;
    this.keys = new Float64Array(capacity).fill(Number.NaN);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i] as number;
      if (!Number.isNaN(k)) this.set(k, oldValues[i] as V);
    }
  }
}
