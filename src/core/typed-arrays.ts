/** Growing typed arrays: a copy with more room, the old contents at the front. */
export function grownFloat64(array: Float64Array<ArrayBuffer>, capacity: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(capacity);
  out.set(array);
  return out;
}

export function grownUint16(array: Uint16Array<ArrayBuffer>, capacity: number): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(capacity);
  out.set(array);
  return out;
}
