/**
 * A 32-bit hash of a string: FNV-1a over its UTF-16 code units with a final avalanche (ids are often a prefix and a
 * counter, so the last characters must reach every bit). `seed` gives independent hashes of one key (a Bloom filter's
 * two base hashes). Not cryptographic: for tables and filters only.
 */
export function stringHash(key: string, seed = 0x811c9dc5): number {
  let h = seed | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
