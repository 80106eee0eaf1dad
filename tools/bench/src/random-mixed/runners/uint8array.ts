/**
 * The garbage collector as the allocator: alloc = new Uint8Array(size), free = drop the
 * reference (the slot holds the array itself). The GC's work lands wherever V8 runs it, inside
 * the timed region as for any allocator.
 */
import { FNV_BASIS, type MixedParams, mix } from '../params.js';
import type { MixedRunner } from '../runner.js';

interface GcInst {
  slots: (Uint8Array | null)[];
  ws: number;
  min: number;
  max: number;
}

function create(p: MixedParams): GcInst {
  return { slots: Array.from({ length: p.ws }, (): Uint8Array | null => null), ws: p.ws, min: p.min, max: p.max };
}

function loop(s: GcInst, seed: number, n: number): number {
  const slots = s.slots;
  const ws = s.ws;
  const min = s.min;
  const max = s.max;
  // idx = r % ws: `%` on a uint32 is a float modulo in V8; when ws is a power of two,
  // r & (ws - 1) is the same value.
  const mask = ws - 1;
  const pow2 = (ws & mask) === 0;
  let x = seed | 0; // xorshift32 on int32: the same bits as on a uint32 state
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const idx = pow2 ? x & mask : (x >>> 0) % ws;
    if (slots[idx] !== null) {
      slots[idx] = null;
    } else {
      let size = 16 + (x & 0x3ff);
      if (size < min) size = min;
      if (size > max) size = max;
      const a = new Uint8Array(size);
      a[0] = x & 0xff;
      slots[idx] = a;
    }
  }
  return 0; // new Uint8Array never returns null: it throws when memory runs out
}

function drain(s: GcInst): number {
  const slots = s.slots;
  let freed = 0;
  for (let i = 0; i < slots.length; i++) {
    if (slots[i] !== null) {
      slots[i] = null;
      freed++;
    }
  }
  return freed;
}

export const runner: MixedRunner<GcInst> = {
  create,
  loop,
  drain,
  live: (s) => s.slots.reduce((n, a) => n + (a !== null ? 1 : 0), 0),
  fingerprint(s) {
    let h = FNV_BASIS;
    s.slots.forEach((a, i) => {
      if (a !== null) h = mix(mix(h, i), a[0]);
    });
    return h;
  },
};
