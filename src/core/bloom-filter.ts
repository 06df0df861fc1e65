/**
 * A Bloom filter of strings: a fixed number of bits, so its memory does not grow with what it holds. `mightHold` is
 * false only for a key never added; true may be a false positive, whose rate rises with the keys added (about 0.03% at
 * 3.6 million keys in 2^26 bits with 7 hashes, 1% at 10 million): callers confirm a "maybe" elsewhere.
 * The k bit positions come from two base hashes (Kirsch-Mitzenmacher double hashing).
 */
import { stringHash } from "./string-hash.js";

export class BloomFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  /** `log2Bits` between 10 and 30; `hashes` between 1 and 16. */
  constructor(
    log2Bits: number,
    private readonly hashes = 7,
  ) {
    if (!Number.isInteger(log2Bits) || log2Bits < 10 || log2Bits > 30) throw new RangeError(`log2Bits ${log2Bits}`);
    if (!Number.isInteger(hashes) || hashes < 1 || hashes > 16) throw new RangeError(`hashes ${hashes}`);
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  add(key: string): void {
    const h1 = stringHash(key);
    const h2 = stringHash(key, 0x2545f491) | 1;
    for (let i = 0; i < this.hashes; i++) {
      const bit = ((h1 + Math.imul(i, h2)) >>> 0) & this.mask;
      this.bits[bit >>> 5] = (this.bits[bit >>> 5] as number) | (1 << (bit & 31));
    }
  }

  mightHold(key: string): boolean {
    const h1 = stringHash(key);
    const h2 = stringHash(key, 0x2545f491) | 1;
    for (let i = 0; i < this.hashes; i++) {
      const bit = ((h1 + Math.imul(i, h2)) >>> 0) & this.mask;
      if (((this.bits[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}
