/**
 * The reference pattern: random-mixed with a null allocator (slot state only). It yields the
 * per-phase counts every runner must reproduce and a checksum over every op (idx, then the size
 * for an alloc or 0xFFFFFFFF for a free; drain frees hash idx, 0xFFFFFFFE) that the C port's
 * `--pattern` mode prints too.
 */
import { FNV_BASIS, type MixedCounts, type MixedParams, mix, prefaultCycles, prefaultSeed } from './params.js';

export interface PatternSummary extends MixedCounts {
  checksum: number;
  /** the most bytes live at once over prefault and main loop (sum of the sizes asked for) */
  peakLiveBytes: number;
}

export function referencePattern(p: MixedParams): PatternSummary {
  const full = new Uint8Array(p.ws);
  const byte = new Uint8Array(p.ws);
  const sizes = new Uint32Array(p.ws);
  const state = { h: FNV_BASIS, sizes, live: 0, peak: 0 };
  const pre = phase(full, byte, p, prefaultSeed(p.seed), prefaultCycles(p.cycles), state);
  const fpPre = fingerprint(full, byte);
  const main = phase(full, byte, p, p.seed, p.cycles, state);
  const fpMain = fingerprint(full, byte);
  let h = state.h;
  let drained = 0;
  for (let i = 0; i < p.ws; i++) {
    if (full[i] !== 0) {
      full[i] = 0;
      h = mix(mix(h, i), 0xfffffffe);
      drained++;
    }
  }
  return {
    prefault: { ...pre, failed: 0, fingerprint: fpPre },
    main: { ...main, failed: 0, fingerprint: fpMain },
    drain: { frees: drained },
    checksum: h,
    peakLiveBytes: state.peak,
  };
}

interface PatternState {
  h: number;
  /** size of each live slot, the bytes live now and at the peak */
  sizes: Uint32Array;
  live: number;
  peak: number;
}

function phase(full: Uint8Array, byte: Uint8Array, p: MixedParams, seed: number, n: number, state: PatternState) {
  const sizes = state.sizes;
  let live = state.live;
  let peak = state.peak;
  const { ws, min, max } = p;
  const mask = ws - 1;
  const pow2 = (ws & mask) === 0;
  let x = seed | 0;
  let h = state.h;
  let allocs = 0;
  let frees = 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const idx = pow2 ? x & mask : (x >>> 0) % ws;
    h = mix(h, idx);
    if (full[idx] !== 0) {
      full[idx] = 0;
      live -= sizes[idx];
      h = mix(h, 0xffffffff);
      frees++;
    } else {
      let size = 16 + (x & 0x3ff);
      if (size < min) size = min;
      if (size > max) size = max;
      full[idx] = 1;
      sizes[idx] = size;
      live += size;
      if (live > peak) peak = live;
      byte[idx] = x & 0xff;
      h = mix(h, size);
      allocs++;
    }
  }
  state.h = h;
  state.live = live;
  state.peak = peak;
  return { allocs, frees };
}

function fingerprint(full: Uint8Array, byte: Uint8Array): number {
  let h = FNV_BASIS;
  for (let i = 0; i < full.length; i++) if (full[i] !== 0) h = mix(mix(h, i), byte[i]);
  return h;
}
