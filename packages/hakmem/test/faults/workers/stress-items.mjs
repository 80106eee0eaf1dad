// The stamped objects of the test-stress port: word i of an object of n words holds (n - i) ^ COOKIE.
export const COOKIE = 0x1ce4e5b9;

/** Chris Wellons' 32-bit hash as a generator (what test-stress.c uses on 32-bit targets). */
export function makeRandom(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    x >>>= 0;
    return x;
  };
}

/** null if the object at p is intact, else what is wrong */
export function checkItems(u32, p) {
  const a = p >>> 2;
  const items = (u32[a] ^ COOKIE) >>> 0;
  if (items === 0 || items > 1 << 24) return `block ${p}: first word ${u32[a]} is no stamp`;
  for (let i = 0; i < items; i++) {
    if (((u32[a + i] ^ COOKIE) >>> 0) !== items - i) return `block ${p}: word ${i} of ${items} is ${u32[a + i]}`;
  }
  return null;
}
