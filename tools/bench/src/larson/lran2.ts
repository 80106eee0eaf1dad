/**
 * Gloger's lran2 (larson's RNG): a 97-entry shuffle table over the LCG
 * x = (x * 1366 + 150889) % 714025. Every product fits an int32 (1366 * 714024 + 150889 < 2^31),
 * so the hot loops inline it on int32 locals; this module is the reference form, with the state in
 * an Int32Array: v[0..96], then x, then y (LRAN2_WORDS words from `at`).
 */
export const LRAN2_MAX = 714025;
export const LRAN2_IA = 1366;
export const LRAN2_IC = 150889;
/** words of one generator's state: v[97], x, y */
export const LRAN2_WORDS = 99;
export const LRAN2_X = 97;
export const LRAN2_Y = 98;

/** lran2_init(d, seed), as in larson.cpp (C `long` arithmetic; exact in doubles for |seed| < 2^52). */
export function lran2Init(s: Int32Array, at: number, seed: number): void {
  let x = (LRAN2_IC - seed) % LRAN2_MAX;
  if (x < 0) x = -x;
  for (let j = 0; j < 97; j++) {
    x = (LRAN2_IA * x + LRAN2_IC) % LRAN2_MAX;
    s[at + j] = x;
  }
  x = (LRAN2_IA * x + LRAN2_IC) % LRAN2_MAX;
  s[at + LRAN2_X] = x;
  s[at + LRAN2_Y] = x;
}

/** The next output (0 <= r < 714025). */
export function lran2(s: Int32Array, at: number): number {
  const j = s[at + LRAN2_Y] % 97;
  const y = s[at + j];
  s[at + LRAN2_Y] = y;
  const x = (LRAN2_IA * s[at + LRAN2_X] + LRAN2_IC) % LRAN2_MAX;
  s[at + LRAN2_X] = x;
  s[at + j] = x;
  return y;
}

/** A fresh generator (tests, the reference). */
export function newLran2(seed: number): Int32Array {
  const s = new Int32Array(LRAN2_WORDS);
  lran2Init(s, 0, seed);
  return s;
}
