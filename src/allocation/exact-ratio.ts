/**
 * Exact integer ratio arithmetic for allocation: floor(a * b / c) and the comparison x * y < u * v, on safe integers,
 * through `bigint` only when a product passes 2^53 (lots of a fractional-share instrument can be large).
 */
export function floorMulDiv(a: number, b: number, c: number): number {
  const product = a * b;
  if (product <= Number.MAX_SAFE_INTEGER) {
    let q = Math.floor(product / c);
    // Float division of exact integers can round up across an integer: correct by one step either way.
    if (q * c > product) q--;
    else if ((q + 1) * c <= product) q++;
    return q;
  }
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** Whether x * y < u * v. */
export function productLess(x: number, y: number, u: number, v: number): boolean {
  const left = x * y;
  const right = u * v;
  if (left <= Number.MAX_SAFE_INTEGER && right <= Number.MAX_SAFE_INTEGER) return left < right;
  return BigInt(x) * BigInt(y) < BigInt(u) * BigInt(v);
}
