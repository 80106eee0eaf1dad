/**
 * @daneren2005/shared-memory-objects: its allocator is MemoryBuffer, a fork of @thi.ng/malloc's
 * MemPool with a spin lock around malloc/free and Atomics on the list words. Its MemoryHeap (the
 * documented entry point) chains 8 KiB..1 MiB MemoryBuffers and hands out AllocatedMemory objects;
 * it cannot even be constructed in plain Node (it reads Vite's `import.meta.env.MODE`), so this
 * runner uses one MemoryBuffer over a fixed SharedArrayBuffer with the options MemoryHeap gives its
 * buffers (compact: false, split: false). malloc(bytes) returns a byte offset, free(offset).
 *
 * The package ships TypeScript sources only (main: ./src/main.ts, extensionless imports), so it is
 * loaded through tsx's tsImport; the loaded code then runs as ordinary JIT-compiled JavaScript.
 */
import { tsImport } from 'tsx/esm/api';
import type { MixedParams } from '../params.js';
import type { CallCounts, MixedRunner } from '../runner.js';
import { fingerprintOffsets, HEAP_BYTES, liveOffsets, poolTopProbe } from './common.js';

/** The part of MemoryBuffer this benchmark uses (its own types do not compile under NodeNext). */
interface MemoryBufferOps {
  malloc(bytes: number): number;
  free(ptr: number): boolean;
}
type MemoryBufferClass = new (opts: { buf: SharedArrayBuffer; compact?: boolean; split?: boolean }) => MemoryBufferOps;

const smo = (await tsImport('@daneren2005/shared-memory-objects', import.meta.url)) as { MemoryBuffer: MemoryBufferClass };
const MemoryBuffer = smo.MemoryBuffer;

interface SmoInst {
  mem: MemoryBufferOps;
  u8: Uint8Array;
  slots: Int32Array;
  ws: number;
  min: number;
  max: number;
}

function create(p: MixedParams): SmoInst {
  const buf = new SharedArrayBuffer(HEAP_BYTES);
  const mem = new MemoryBuffer({ buf, compact: false, split: false });
  return { mem, u8: new Uint8Array(buf), slots: new Int32Array(p.ws), ws: p.ws, min: p.min, max: p.max };
}

function loop(s: SmoInst, seed: number, n: number): number {
  const mem = s.mem;
  const u8 = s.u8;
  const slots = s.slots;
  const ws = s.ws;
  const min = s.min;
  const max = s.max;
  // idx = r % ws: `%` on a uint32 is a float modulo in V8; when ws is a power of two,
  // r & (ws - 1) is the same value.
  const mask = ws - 1;
  const pow2 = (ws & mask) === 0;
  let failed = 0;
  let x = seed | 0; // xorshift32 on int32: the same bits as on a uint32 state
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const idx = pow2 ? x & mask : (x >>> 0) % ws;
    const p = slots[idx];
    if (p !== 0) {
      mem.free(p);
      slots[idx] = 0;
    } else {
      let size = 16 + (x & 0x3ff);
      if (size < min) size = min;
      if (size > max) size = max;
      const q = mem.malloc(size);
      if (q === 0) {
        failed++;
        continue;
      }
      u8[q] = x & 0xff;
      slots[idx] = q;
    }
  }
  return failed;
}

function drain(s: SmoInst): number {
  const mem = s.mem;
  const slots = s.slots;
  let freed = 0;
  for (let i = 0; i < slots.length; i++) {
    const p = slots[i];
    if (p !== 0) {
      mem.free(p);
      slots[i] = 0;
      freed++;
    }
  }
  return freed;
}

export const runner: MixedRunner<SmoInst> = {
  create,
  loop,
  drain,
  live: (s) => liveOffsets(s.slots),
  fingerprint: (s) => fingerprintOffsets(s.slots, s.u8),
  memory: (s) => poolTopProbe(s.u8.buffer as SharedArrayBuffer),
  instrument(s) {
    const calls: CallCounts = { allocs: 0, frees: 0 };
    const mem = s.mem;
    s.mem = {
      malloc: (bytes: number) => (calls.allocs++, mem.malloc(bytes)),
      free: (p: number) => (calls.frees++, mem.free(p)),
    };
    return calls;
  },
};
