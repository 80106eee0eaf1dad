import { Region } from '../src/region.js';
import { SlotBackend } from '../src/backend.js';
import { SLOT, SLOT_ATTACHED } from '../src/layout.js';

export const SIZES = [16, 32, 48, 64, 128, 256, 1024, 4096];

export function region(bytes = 2 << 20, o: { maxBytes?: number; headerless?: boolean; slots?: number } = {}) {
  const buffer = o.maxBytes ? new SharedArrayBuffer(bytes, { maxByteLength: o.maxBytes }) : new SharedArrayBuffer(bytes);
  return Region.create({ buffer, classSizes: SIZES, slots: o.slots ?? 4, headerless: o.headerless, maxBytes: o.maxBytes });
}

/** A backend for slot `s` with the slot marked attached (as the umbrella does). */
export function backend(r: Region, s = 0): SlotBackend {
  Atomics.store(r.i32, (r.layout.slots >>> 2) + s * r.layout.slotWords + SLOT.STATE, SLOT_ATTACHED);
  return new SlotBackend(r, s);
}

/** Take n blocks of a class as a plain array (they are then "in the cache" by their tags). */
export function take(b: SlotBackend, cls: number, n: number): number[] {
  const out = new Int32Array(2);
  let p = b.takeBatch(cls, n, out);
  const got: number[] = [];
  for (let k = 0; k < out[1]; k++) {
    got.push(p);
    p = b.r.i32[(p >>> 2) + b.r.linkDelta];
  }
  return got;
}

/** Link blocks into a chain and return them to the backend. */
export function give(b: SlotBackend, cls: number, ps: number[]): void {
  const i32 = b.r.i32;
  for (let k = 0; k + 1 < ps.length; k++) i32[(ps[k] >>> 2) + b.r.linkDelta] = ps[k + 1];
  b.returnBatch(cls, ps[0], ps[ps.length - 1], ps.length);
}
