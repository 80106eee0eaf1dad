// What the fault tests' workers and orchestrators share: the control words, the ledger (what each
// worker holds, in shared memory, so a killed worker's holdings stay known) and the bitmap (one bit
// per 8-byte unit of the buffer: a block handed out twice finds its bits already set).
// A block is recorded in exactly one place (one ledger entry, or the transfer queue), except for
// at most one block per worker "in limbo": the one `alloc` just returned, or the one being freed.

/** Control words (an Int32Array of CTL_WORDS over its own SharedArrayBuffer). */
export const CTL = {
  GO: 0, // the victim has started (or died): survivors begin
  DIED: 1, // the victim reached its fault step and is ending its thread
  WAITERS: 2, // times any worker reached `lock.waiting`
  STOP: 3, // the orchestrator asks every worker to finish
  BAD: 4, // double hand-outs seen (bitmap bits already set on alloc)
  SAW_WAITER: 5, // the victim, holding the lock, saw another worker waiting for it
  HELD: 6, // a lock holder is waiting for a waiter (holdLock / waitForWaiter)
  BAD_AT: 7, // the first double hand-out's pointer
  LIMBO: 32, // + ledger region: 1 while that worker has a block in limbo
  DONE: 160, // + ledger region: the worker finished its work
};
export const CTL_WORDS = 512;
/** Ledger regions: words per region (pairs ptr, size). */
export const ENTRIES = 512; // random holdings
export const BURST = 200; // a burst of same-size blocks (drains)
export const REGION_WORDS = 2 * (ENTRIES + BURST);

/** `heapBuffer`: the heap's buffer, or the most bytes it can reach (a heap in a WebAssembly.Memory). */
export function makeShared(heapBuffer, regions, queueLen = 1024) {
  const reach = typeof heapBuffer === 'number' ? heapBuffer : heapBuffer.growable ? heapBuffer.maxByteLength : heapBuffer.byteLength;
  const units = Math.ceil(reach / 8);
  return {
    ctl: new SharedArrayBuffer(4 * CTL_WORDS),
    ledger: new SharedArrayBuffer(4 * REGION_WORDS * regions),
    bitmap: new SharedArrayBuffer(4 * Math.ceil(units / 32)),
    queue: new SharedArrayBuffer(8 * queueLen), // (size << 32) | ptr, taken with Atomics.exchange
  };
}

function range(bm, p, size, f) {
  const a = p >>> 3;
  const b = Math.ceil((p + size) / 8);
  let clean = true;
  for (let u = a; u < b; ) {
    const bit = u & 31;
    const n = Math.min(32 - bit, b - u);
    const m = n === 32 ? -1 : (((1 << n) - 1) << bit) | 0;
    if (!f(bm, u >>> 5, m)) clean = false;
    u += n;
  }
  return clean;
}
/** Set the block's bits; false if any was set already (the block is someone else's too). */
export const mark = (bm, p, size) => range(bm, p, size, (b, w, m) => (Atomics.or(b, w, m) & m) === 0);
export const unmark = (bm, p, size) => range(bm, p, size, (b, w, m) => (Atomics.and(b, w, ~m), true));

/** Every block the ledgers and the queue hold: [ptr, size, where]. */
export function holdings(shared) {
  const led = new Int32Array(shared.ledger);
  const out = [];
  for (let i = 0; i < led.length; i += 2) {
    const p = Atomics.load(led, i);
    if (p !== 0) out.push([p >>> 0, Atomics.load(led, i + 1), `ledger ${Math.floor(i / REGION_WORDS)}`]);
  }
  const q = new BigInt64Array(shared.queue);
  for (let k = 0; k < q.length; k++) {
    const v = Atomics.load(q, k);
    if (v !== 0n) out.push([Number(v & 0xffffffffn), Number(v >> 32n), 'queue']);
  }
  return out;
}

/**
 * The end of a run, with every worker gone: free what the records hold (each once), then count
 * what the heap still says is in use. `plant` (tests of the test) skips that many frees.
 */
export function account(heap, shared, plant = 0) {
  const held = holdings(shared);
  const seen = new Map();
  const dups = [];
  for (const [p, , where] of held) {
    if (seen.has(p)) dups.push(`${p} in ${seen.get(p)} and ${where}`);
    seen.set(p, where);
  }
  const freeErrors = [];
  let skipped = 0;
  for (const [p] of new Map(held.map((h) => [h[0], h])).values()) {
    if (skipped < plant) {
      skipped++;
      continue;
    }
    try {
      heap.free(p);
    } catch (e) {
      freeErrors.push(`${p}: ${e.code ?? ''} ${e.message}`);
    }
  }
  heap.flush();
  const s = heap.stats();
  const leakedBlocks = s.classes.reduce((a, c) => a + c.inUse, 0) + s.large.blocks;
  return { held: held.length, dups: dups.slice(0, 5), freeErrors: freeErrors.slice(0, 5), leakedBlocks, inUse: s.bytes.inUse };
}

export function xorshift(seed) {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Wait until f() holds; false after ms (the orchestrator reports which wait ran out). */
export async function until(f, ms) {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

/** Run f, turning a throw into { error } (a message with its code). */
export function attempt(f) {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: `${e?.code ?? e?.name ?? 'Error'}: ${e?.message ?? e}` };
  }
}
