/**
 * For the tests: malloc and free wrapped to hash what the module asks for, in order: every
 * malloc's size and every free of a block (free(NULL) is not an op), so a test can compare the
 * sizes and the order of the ops with the benchmark's definition (the fingerprints of the slots do
 * not see sizes). Never used in a timed run.
 */
import { FNV_BASIS, mix } from '../random-mixed/params.js';

export interface Trace {
  allocs: number;
  frees: number;
  /** h = mix(h, size) per malloc, mix(h, 0xFFFFFFFF) per free, from FNV_BASIS */
  hash: number;
}

export const FREE_MARK = 0xffffffff;

export function traced(base: { malloc: (size: number) => number; free: (p: number) => void }) {
  const t: Trace = { allocs: 0, frees: 0, hash: FNV_BASIS };
  return {
    imports: {
      malloc: (size: number) => {
        t.allocs++;
        t.hash = mix(t.hash, size >>> 0);
        return base.malloc(size);
      },
      free: (p: number) => {
        if (p !== 0) {
          t.frees++;
          t.hash = mix(t.hash, FREE_MARK);
        }
        base.free(p);
      },
    },
    result: (): Trace => ({ ...t }),
  };
}
