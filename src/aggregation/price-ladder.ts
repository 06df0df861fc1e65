/**
 * A parent order's price ladder on one side: open quantity per aggressiveness key (see `aggressiveness`: a buy limit p
 * is p, a sell limit p is -p, a market order +Infinity), so that the quantity eligible at a price is one prefix sum:
 * `atOrAbove(aggressiveness(side, p))` = the lots of the orders whose limits allow p.
 * Levels are kept in an array sorted from most to least aggressive; a parent has few distinct limits, so a linear
 * prefix walk and an insertion by binary search beat a tree here.
 * Invariant: every level's quantity is > 0; `total` is the sum of the levels.
 */
export class PriceLadder {
  private keys: number[] = [];
  private qtys: number[] = [];
  total = 0;

  /** Adds `qty` lots (negative to remove) at `key`; a level that reaches 0 goes. Throws on a negative level. */
  add(key: number, qty: number): void {
    if (qty === 0) return;
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((keys[mid] as number) > key) lo = mid + 1;
      else hi = mid;
    }
    this.total += qty;
    if (lo < keys.length && keys[lo] === key) {
      const next = (this.qtys[lo] as number) + qty;
      if (next < 0) throw new RangeError(`ladder level ${key} would go negative (${next})`);
      if (next === 0) {
        keys.splice(lo, 1);
        this.qtys.splice(lo, 1);
      } else this.qtys[lo] = next;
      return;
    }
    if (qty < 0) throw new RangeError(`ladder level ${key} does not exist`);
    keys.splice(lo, 0, key);
    this.qtys.splice(lo, 0, qty);
  }

  /** Moves a contribution of `fromQty` lots at `fromKey` to `toQty` lots at `toKey` (an order's terms changed). */
  move(fromKey: number, fromQty: number, toKey: number, toQty: number): void {
    // Not `add(fromKey, -fromQty)` for a zero: a negated zero is a heap number, one allocation per order that joins.
    if (fromQty !== 0) this.add(fromKey, -fromQty);
    this.add(toKey, toQty);
  }

  /** Whether both hold the same lots at the same keys. */
  sameLevels(other: PriceLadder): boolean {
    const n = this.keys.length;
    if (n !== other.keys.length) return false;
    for (let i = 0; i < n; i++) if (this.keys[i] !== other.keys[i] || this.qtys[i] !== other.qtys[i]) return false;
    return true;
  }

  /** Lots at levels at least as aggressive as `key`. */
  atOrAbove(key: number): number {
    const keys = this.keys;
    if (keys.length === 0) return 0;
    if ((keys[keys.length - 1] as number) >= key) return this.total;
    let sum = 0;
    for (let i = 0; i < keys.length && (keys[i] as number) >= key; i++) sum += this.qtys[i] as number;
    return sum;
  }

  /** The least aggressive key at least as aggressive as `key`, or -Infinity when there is none. */
  levelAtOrAbove(key: number): number {
    const keys = this.keys;
    // Keys run from most to least aggressive: the last one >= key.
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((keys[mid] as number) >= key) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? Number.NEGATIVE_INFINITY : (keys[lo - 1] as number);
  }

  /** The most aggressive key, or -Infinity when empty. */
  get best(): number {
    return this.keys.length === 0 ? Number.NEGATIVE_INFINITY : (this.keys[0] as number);
  }

  /** Levels from most to least aggressive, for reports and tests. */
  levels(): { key: number; qty: number }[] {
    return this.keys.map((key, i) => ({ key, qty: this.qtys[i] as number }));
  }
}
