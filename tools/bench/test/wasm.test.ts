/**
 * The wasm benchmark's fidelity (never its timings): the committed builds of wasm/random_mixed.c
 * (clang + hakmem's imports, emcc + dlmalloc, emcc + emmalloc) do, in 1 and 2 threads, exactly the
 * reference pattern of random-mixed for each thread's seed (counts and slot fingerprints), the
 * clang build asks for exactly the sizes of the benchmark's definition in its order (a textbook
 * replay here, warm-up included), hakmem's heap ends up empty, the imports have C's semantics, and
 * the bench row (wasm-bench.test.ts) and the builds' reproduction (wasm-build.test.ts) are apart.
 */
import { describe, expect, it } from 'vitest';
import { createHeap } from 'hakmem';
import { parseArgs, WASM_DEFAULT_CYCLES } from '../src/args.js';
import { MIXED_DEFAULTS, type MixedParams, FNV_BASIS, mix, prefaultCycles, prefaultSeed } from '../src/random-mixed/params.js';
import { referencePattern } from '../src/random-mixed/pattern.js';
import { workerParams } from '../src/scaling/params.js';
import { artifact, isBuilt } from '../src/wasm/build.js';
import { runEmcc } from '../src/wasm/emcc.js';
import { runWasmHakmem } from '../src/wasm/js.js';
import { FREE_MARK } from '../src/wasm/trace.js';

const P: MixedParams = { ...MIXED_DEFAULTS, cycles: 30_000 };

function expectReference(counts: { prefault: unknown; main: unknown; drain: unknown }, i: number): void {
  const ref = referencePattern(workerParams(P, i));
  expect(counts.prefault).toEqual(ref.prefault);
  expect(counts.main).toEqual(ref.main);
  expect(counts.drain).toEqual(ref.drain);
}

/** The benchmark's definition written out plainly: every malloc size and free, warm-up included. */
function textbookTrace(p: MixedParams): { allocs: number; frees: number; hash: number } {
  const slots = new Array<number>(p.ws).fill(0);
  let h = FNV_BASIS;
  let allocs = 0;
  let frees = 0;
  const run = (seed: number, n: number) => {
    let x = seed >>> 0;
    for (let i = 0; i < n; i++) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      const idx = x % p.ws;
      if (slots[idx]) {
        slots[idx] = 0;
        frees++;
        h = mix(h, FREE_MARK);
      } else {
        const size = Math.min(p.max, Math.max(p.min, 16 + (x & 0x3ff)));
        slots[idx] = 1;
        allocs++;
        h = mix(h, size);
      }
    }
  };
  const drain = () => {
    for (let i = 0; i < p.ws; i++) if (slots[i]) {
      slots[i] = 0;
      frees++;
      h = mix(h, FREE_MARK);
    }
  };
  const wc = Math.floor(p.cycles / 10);
  for (let k = 0; wc > 0 && k < 3; k++) {
    run(prefaultSeed(p.seed), Math.floor(wc / 10));
    run(p.seed, wc);
    drain();
  }
  run(prefaultSeed(p.seed), prefaultCycles(p.cycles));
  run(p.seed, p.cycles);
  drain();
  return { allocs, frees, hash: h };
}


describe('args', () => {
  it('--bench wasm runs its own default cycles unless --cycles is given; --quick takes a tenth', () => {
    expect(parseArgs(['--bench', 'wasm']).benches).toEqual(['wasm']);
    expect(parseArgs([]).wasmParams.cycles).toBe(WASM_DEFAULT_CYCLES);
    expect(parseArgs(['--quick']).wasmParams.cycles).toBe(WASM_DEFAULT_CYCLES / 10);
    expect(parseArgs(['--cycles', '5000']).wasmParams.cycles).toBe(5000);
  });
});

describe.skipIf(!isBuilt('hakmem'))('the clang build with hakmem\'s imports', () => {
  const wasm = artifact('hakmem').path!;
  it.each([1, 2])('each of %i threads does the reference ops for its seed; the heap ends up empty', (n) => {
    const r = runWasmHakmem(wasm, n, P, { verify: true, trace: true });
    expect(r.perWorker).toHaveLength(n);
    r.perWorker.forEach((w, i) => {
      expect(w.seed).toBe(workerParams(P, i).seed);
      expectReference(w.counts, i);
      // sizes and order, warm-up included: what the module asked hakmem for
      expect(w.trace).toEqual(textbookTrace(workerParams(P, i)));
    });
    expect(r.check).toMatchObject({ validate: 'ok', inUse: 0 });
    expect(r.layout.heapAt).toBeGreaterThan(r.layout.heapBase);
    expect(r.memory.peaks.reserved).toBeGreaterThan(0);
  });
});

describe.each(['dlmalloc', 'emmalloc'] as const)('the emscripten build with %s', (m) => {
  it.skipIf(!isBuilt(m)).each([1, 2])('each of %i threads does the reference ops for its seed', (n) => {
    const r = runEmcc(artifact(m).path!, n, P, { verify: true });
    expect(r.perWorker).toHaveLength(n);
    r.perWorker.forEach((w, i) => expectReference(w.counts, i));
    expect(r.brkBytes).toBeGreaterThan(0);
  });
});
