/**
 * Argument checks of the public functions: a value that cannot work throws a HeapError with a
 * code (HAKMEM_BAD_HANDLE for a target that is no heap, HAKMEM_BAD_OPTION for the rest), never a
 * TypeError from deep inside, nor later from a timer.
 */
import { HeapError, HeapErrorCode, HeapView, shown, type WasmMemory } from '@hakmem/arena/stats';

const bad = (msg: string) => new HeapError(HeapErrorCode.BAD_OPTION, msg);

/** The heap view of `t` (a handle or a HeapView): BAD_HANDLE when it is neither. */
export function viewOf(t: { buffer: SharedArrayBuffer; byteOffset?: number; memory?: WasmMemory } | HeapView): HeapView {
  if (t instanceof HeapView) return t;
  if (t === null || typeof t !== 'object') throw new HeapError(HeapErrorCode.BAD_HANDLE, 'not a heap handle (pass heap.handle)');
  // a heap in a WebAssembly.Memory: the memory's current buffer (the handle's may be older)
  return new HeapView(t.buffer, t.byteOffset ?? 0, t.memory);
}

/** An options object: undefined (the defaults) or an object whose listed fields have their types. */
export function checkOptions(name: string, o: unknown, fields: Record<string, 'boolean' | 'number' | 'function'>, max: Record<string, number> = {}): void {
  if (o === undefined) return;
  if (o === null || typeof o !== 'object') throw bad(`${name} must be an object, got ${shown(o)}`);
  for (const [k, type] of Object.entries(fields)) {
    const v = (o as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if (typeof v !== type || (type === 'number' && !((v as number) >= 0 && (v as number) <= (max[k] ?? Number.MAX_VALUE)))) {
      throw bad(`${name}.${k} must be ${type === 'number' ? `a number in [0, ${max[k] ?? 'Infinity)'}]` : `a ${type}`}, got ${shown(v)}`);
    }
  }
}

/** A snapshot as snapshot() returns it (the fields the readers use). */
export function checkSnapshot(name: string, s: unknown): void {
  const x = s as Record<string, unknown> | null;
  if (x === null || typeof x !== 'object' || typeof x.heap !== 'object' || typeof x.settings !== 'object' || !Array.isArray(x.workers) || !Array.isArray(x.classes)) {
    throw bad(`${name} must be a snapshot (from snapshot() or heap.diagnostics())`);
  }
}
