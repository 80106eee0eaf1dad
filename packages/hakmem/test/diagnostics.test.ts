/**
 * Diagnostics (issue 5): counters exact on scripted workloads, snapshots consistent while workers
 * run (and exact once they leave), the debug flags on and off, diagnostics never writing the heap,
 * health warnings, and the command line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CTRL } from '@hakmem/arena';
import { HeapView, snapshot, type Snapshot } from '@hakmem/pool-diagnostics';
import { describe, expect, it, vi } from 'vitest';
import { createHeap, type Heap } from '../src/index.js';

const cls = (s: Snapshot, h: Heap, size: number) => s.classes[h.classOf(size)];
const w0 = (s: Snapshot, h: Heap, size: number) => s.workers[0].classes.find((k) => k.cls === h.classOf(size))!;

describe('counters', () => {
  // class 48 B: 64 blocks a refill, bound 256 (drain to 128)
  function scripted(h: Heap): void {
    const ps = Array.from({ length: 640 }, () => h.alloc(48)); // exactly 10 refills
    for (const p of ps) h.free(p); // drains at 257, then every 129 more frees: 3 drains, 253 left
    for (let i = 0; i < 100; i++) h.alloc(48); // 100 hits: 153 left
  }
  const EXACT = { allocs: 740, hits: 730, misses: 10, drains: 3, blocksRefilled: 640, blocksDrained: 387, frees: 640, cached: 153, bound: 256 };

  it('are exact on a scripted workload: allocs, hits, misses, drains, frees, cached, low-water', async () => {
    const h = createHeap({ size: 16 << 20, counters: 'low-water', learning: false });
    scripted(h);
    const s = snapshot(h.handle);
    expect(w0(s, h, 48)).toMatchObject({ ...EXACT, lowWater: 0 });
    const { bound: _, ...heapWide } = EXACT;
    expect(cls(s, h, 48)).toMatchObject({ ...heapWide, lowWater: 0, inUse: 100 });
    expect(s.settings).toMatchObject({ counters: true, lowWater: true });
    await h.close();
  });

  it('counters: true counts the same, without low-water marks', async () => {
    const h = createHeap({ size: 16 << 20, counters: true, learning: false });
    scripted(h);
    const s = snapshot(h.handle);
    expect(w0(s, h, 48)).toMatchObject({ ...EXACT, lowWater: null });
    expect(s.settings).toMatchObject({ counters: true, lowWater: false });
    await h.close();
  });

  it('large blocks are not counted as class allocations, and a failed alloc counts nothing', async () => {
    const h = createHeap({ size: 1 << 20, maxSize: 1 << 20, counters: true, learning: false });
    const big = h.alloc(100_000);
    expect(big).not.toBe(0);
    const ps: number[] = [];
    for (let p = h.alloc(2000); p !== 0; p = h.alloc(2000)) ps.push(p); // until the heap is exhausted
    const s = snapshot(h.handle);
    expect(cls(s, h, 2000).allocs).toBe(ps.length);
    expect(s.heap.large.blocks).toBe(1);
    expect(s.workers[0].exhausted).toBe(1);
    for (const p of ps) h.free(p);
    h.free(big);
    h.flush();
    const e = snapshot(h.handle);
    expect(cls(e, h, 2000)).toMatchObject({ allocs: ps.length, frees: ps.length, inUse: 0 });
    await h.close();
  });

  it('the low-water mark counts from the start of an interval (reset at the worker\'s next refill or drain)', async () => {
    const h = createHeap({ size: 16 << 20, counters: 'low-water', learning: false });
    const ps = Array.from({ length: 64 }, () => h.alloc(16));
    for (const p of ps) h.free(p); // 64 cached; low-water 0 (it was empty)
    const view = new HeapView(h.buffer, h.byteOffset);
    view.startInterval();
    h.alloc(16); // 63 cached: no cold path yet, the interval has not reached this worker
    expect(w0(snapshot(view), h, 16).lowWater).toBe(0);
    h.alloc(5000); // a refill (another class): the worker starts the new interval at 63
    for (let i = 0; i < 10; i++) h.alloc(16);
    expect(w0(snapshot(view), h, 16)).toMatchObject({ cached: 53, lowWater: 53 });
    await h.close();
  });

  it('without the counting flavour, what needs counters is null and the rest is there', async () => {
    const h = createHeap({ size: 16 << 20, learning: false });
    const ps = Array.from({ length: 640 }, () => h.alloc(48));
    for (const p of ps) h.free(p);
    expect(w0(snapshot(h.handle), h, 48)).toMatchObject({ allocs: null, frees: null, hits: null, lowWater: null, misses: 10, drains: 3 });
    await h.close();
  });
});

describe('snapshots while workers run', () => {
  it('refills, drains and flushes count their blocks before leaving the cold gate (a stopped reader never sees them moved but uncounted)', async () => {
    const h = createHeap({ size: 16 << 20, counters: true, learning: false });
    const view = new HeapView(h.buffer, h.byteOffset);
    const b = h.core.backend;
    const take = b.takeBatch.bind(b);
    const give = b.returnBatch.bind(b);
    // right after the backend moved the blocks, before the engine counts them: the slot must still
    // be inside its cold path (a snapshot's stop waits for it), and a reading now is off by them
    const seen: Array<{ step: string; cold: boolean; off: number }> = [];
    const look = (step: string) => {
      const s = snapshot(view, { stop: false });
      const c = cls(s, h, 48);
      seen.push({ step, cold: s.workers[h.core.slot].inColdPath, off: c.inUse + c.cached - (c.blocksRefilled - c.blocksDrained) });
    };
    b.takeBatch = (c, n, out) => {
      const p = take(c, n, out);
      look('refill');
      return p;
    };
    b.returnBatch = (c, head, tail, n) => {
      give(c, head, tail, n);
      look('drain');
    };
    const ps = Array.from({ length: 300 }, () => h.alloc(48)); // refills
    for (const p of ps) h.free(p); // a drain at 257
    look('after');
    h.flush();
    look('flushed');
    const steps = new Set(seen.map((x) => x.step));
    expect([...steps]).toEqual(['refill', 'drain', 'after', 'flushed']);
    for (const x of seen.filter((x) => x.step === 'refill' || x.step === 'drain')) {
      expect(x.cold, x.step).toBe(true);
      expect(x.off, x.step).not.toBe(0); // the window the gate covers is real
    }
    for (const x of seen.filter((x) => x.step === 'after' || x.step === 'flushed')) expect(x).toMatchObject({ cold: false, off: 0 });
    await h.close();
  });

  it('are consistent, counters only grow, and once the workers leave every allocation is matched by a free', async () => {
    const heap = createHeap({ size: 64 << 20, counters: true, maxWorkers: 4 });
    const table = new SharedArrayBuffer(4 * 4096);
    const stop = new SharedArrayBuffer(4);
    const url = new URL('../dist/demo-worker.js', import.meta.url);
    const ws = [0, 1, 2].map((id) => heap.watch(new Worker(url, { workerData: { handle: heap.handle, table, stop, id } })));
    const exits = ws.map((w) => new Promise((ok) => w.once('exit', ok)));
    // Workers start slowly on a loaded machine: take the snapshots once all three are attached.
    const attached = () => snapshot(heap.handle).workers.filter((w) => w.state === 'attached').length;
    for (const until = Date.now() + 30_000; attached() < 4 && Date.now() < until; ) await new Promise((ok) => setTimeout(ok, 10));
    const shots: Snapshot[] = [];
    for (let k = 0; k < 15; k++) {
      await new Promise((ok) => setTimeout(ok, 20));
      shots.push(snapshot(heap.handle));
    }
    // Consistent: what the cold paths count agrees with what the spans hold. Hot paths go on during
    // a snapshot and move blocks between cache and use, never in or out of the two together; cold
    // paths move and count blocks inside the gate a snapshot waits for (test above): blocks cached
    // or in use are exactly those refilled and not drained (counters of live and retired slots),
    // and the pages in runs (span table) are the pages set in the bitmap.
    for (const s of shots) {
      for (const c of s.classes) {
        expect(c.inUse, `class ${c.cls}`).toBeGreaterThanOrEqual(0);
        expect(c.inUse + c.cached, `class ${c.cls}`).toBe(c.blocksRefilled - c.blocksDrained);
      }
      expect(s.heap.bytes.reserved).toBe(s.heap.pages.used * 4096);
    }
    for (let k = 1; k < shots.length; k++) {
      shots[k].classes.forEach((c, i) => {
        const p = shots[k - 1].classes[i];
        expect(c.allocs!).toBeGreaterThanOrEqual(p.allocs!);
        expect(c.misses).toBeGreaterThanOrEqual(p.misses);
        expect(c.drains).toBeGreaterThanOrEqual(p.drains);
      });
      expect(shots[k].queue!.pushed).toBeGreaterThanOrEqual(shots[k - 1].queue!.pushed);
    }
    expect(shots.at(-1)!.workers.filter((w) => w.state === 'attached').length).toBe(4);
    Atomics.store(new Int32Array(stop), 0, 1);
    await Promise.all(exits);
    const t = new Int32Array(table);
    for (let k = 0; k < t.length; k++) if (t[k] !== 0) heap.free(t[k]);
    heap.flush();
    const end = snapshot(heap.handle);
    // the workers' counters were folded into the retired totals when they detached
    for (const c of end.classes) {
      expect(c.allocs, `class ${c.cls}`).toBe(c.frees);
      expect(c.inUse).toBe(0);
    }
    expect(end.classes.reduce((a, c) => a + (c.allocs ?? 0), 0)).toBeGreaterThan(100_000);
    await heap.close();
  });
});

describe('debug flags', () => {
  async function fullRing(debug: { contracts?: boolean; logDrops?: boolean }) {
    const h = createHeap({ size: 16 << 20, counters: true, learning: { ringCapacity: 8 }, refillCounts: Array(47).fill(1), debug });
    await (h as unknown as { core: { learner: { stop(): Promise<void> } } }).core.learner.stop();
    for (let i = 0; i < 1000; i++) h.alloc(48); // ~31 events (a hot class reports one refill in 32)
    return h;
  }

  it('contract validation off: a full ring drops events, but no violation is reported', async () => {
    const h = await fullRing({});
    const s = snapshot(h.handle);
    expect(s.queue!.dropped).toBeGreaterThan(0);
    expect(s.contracts).toEqual({ enabled: false, ringFull: 0, policyOutsideRefill: 0, refillWaited: 0 });
  });

  it('contract validation on: pushes that found the ring full, and a policy read outside a refill, are counted', async () => {
    const h = await fullRing({ contracts: true });
    h.core.engine.policyCount(3); // outside any refill
    const s = snapshot(h.handle);
    expect(s.contracts.enabled).toBe(true);
    expect(s.contracts.ringFull).toBe(s.queue!.dropped);
    expect(s.contracts.policyOutsideRefill).toBe(1);
  });

  it('contract validation on: a refill that had to wait is counted', async () => {
    const h = createHeap({ size: 16 << 20, learning: false, debug: { contracts: true } });
    // another thread holds the heap stopped for a while: this thread's next refill has to wait
    const w = new Worker(new URL('./workers/stopper.mjs', import.meta.url), { workerData: { buffer: h.buffer, byteOffset: h.byteOffset, ms: 50 } });
    await new Promise((ok) => w.once('message', ok));
    expect(h.alloc(48)).not.toBe(0); // a refill: waits until the stopper lets go
    await new Promise((ok) => w.once('exit', ok));
    expect(snapshot(h.handle).contracts.refillWaited).toBe(1);
    h.alloc(48); // served from the cache: no refill, nothing more counted
    expect(snapshot(h.handle).contracts.refillWaited).toBe(1);
    await h.close();
  });

  it('logging of dropped events: warns when on, silent when off', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await fullRing({});
    expect(warn).not.toHaveBeenCalled();
    await fullRing({ logDrops: true });
    expect(warn).toHaveBeenCalled();
    expect(String(warn.mock.calls[0][0])).toMatch(/refill event dropped/);
    warn.mockRestore();
  });

  it('HAKMEM_DEBUG and HAKMEM_COUNTERS turn them on from the environment', async () => {
    vi.stubEnv('HAKMEM_DEBUG', 'contracts,drops');
    vi.stubEnv('HAKMEM_COUNTERS', '1');
    const h = createHeap({ size: 4 << 20, learning: false });
    expect(snapshot(h.handle).settings).toMatchObject({ counters: true, lowWater: false, debug: { contracts: true, logDrops: true } });
    vi.stubEnv('HAKMEM_COUNTERS', 'low-water');
    const l = createHeap({ size: 4 << 20, learning: false });
    expect(snapshot(l.handle).settings).toMatchObject({ counters: true, lowWater: true });
    await l.close();
    vi.stubEnv('HAKMEM_COUNTERS', '0');
    const o = createHeap({ size: 4 << 20, learning: false });
    expect(snapshot(o.handle).settings).toMatchObject({ counters: false, lowWater: false });
    await o.close();
    vi.unstubAllEnvs();
    await h.close();
  });
});

describe('diagnostics are read-only', () => {
  it('a snapshot, its table and its health check leave every byte of the heap as it was', async () => {
    const h = createHeap({ size: 16 << 20, counters: true, learning: false, debug: { contracts: true } });
    const ps = Array.from({ length: 3000 }, (_, i) => h.alloc(16 + (i % 2000)));
    for (const p of ps.slice(0, 1500)) h.free(p);
    // the one word a reader writes for good: the numbering of observers' stops (CTRL.OBSERVER_SEQ)
    const bytes = () => {
      const b = Buffer.from(new Uint8Array(h.buffer).slice());
      b.writeInt32LE(0, h.byteOffset + 4 * CTRL.OBSERVER_SEQ);
      return b;
    };
    const before = bytes();
    const s = snapshot(h.handle);
    const { formatDiagnostics, checkHealth } = await import('@hakmem/pool-diagnostics');
    formatDiagnostics(s, { workers: true, allClasses: true });
    checkHealth(s, s);
    h.diagnostics();
    expect(bytes().equals(before)).toBe(true);
    await h.close();
  });
});

describe('health', () => {
  it('warns when the drop rate passes 1% and when a cache stays above its bound', async () => {
    const h = createHeap({ size: 16 << 20, learning: { ringCapacity: 8 }, refillCounts: Array(47).fill(1) });
    await (h as unknown as { core: { learner: { stop(): Promise<void> } } }).core.learner.stop();
    for (let i = 0; i < 1000; i++) h.alloc(48); // ~31 events into a ring of 8
    const c16 = h.classOf(16);
    const ps = Array.from({ length: 40 }, () => h.alloc(16));
    for (const p of ps) h.free(p);
    h.setBound(c16, 4); // the bound went down, and this worker does not free any more
    const { checkHealth } = await import('@hakmem/pool-diagnostics');
    const a = snapshot(h.handle);
    const b = snapshot(h.handle);
    const kinds = checkHealth(b, a).map((w) => w.kind);
    expect(checkHealth(a).map((w) => w.kind)).toContain('drop-rate');
    expect(kinds).toContain('cache-above-bound');
    expect(kinds).not.toContain('drop-rate'); // no new drops since the last check
  });
});

describe('hakmem diag', () => {
  it('prints the table of a saved snapshot, or the snapshot as JSON', async () => {
    const h = createHeap({ size: 16 << 20, counters: true, learning: false });
    for (let i = 0; i < 500; i++) h.alloc(100);
    const dir = mkdtempSync(join(tmpdir(), 'hakmem-diag-'));
    const file = join(dir, 'snap.json');
    writeFileSync(file, JSON.stringify(h.diagnostics()));
    const cli = new URL('../dist/cli.js', import.meta.url).pathname;
    const table = execFileSync(process.execPath, [cli, 'diag', file], { encoding: 'utf8' });
    expect(table).toMatch(/^heap: /);
    expect(table).toMatch(/class\s+size\s+count\s+spans\s+in use/);
    expect(table).toMatch(/\n\d+\s+112\s/); // the 112-byte class served the 100-byte blocks
    const json = JSON.parse(execFileSync(process.execPath, [cli, 'diag', file, '--json'], { encoding: 'utf8' }));
    expect(json.classes[h.classOf(100)].allocs).toBe(500);
    await h.close();
  });

  it('runs the demo, attached to its heap, and prints a table every second', () => {
    const cli = new URL('../dist/cli.js', import.meta.url).pathname;
    const out = execFileSync(process.execPath, [cli, 'diag', 'demo', '--seconds', '1', '--workers', '2'], { encoding: 'utf8', timeout: 30_000 });
    expect(out).toMatch(/--- demo, 1 s: 2 workers/);
    expect(out).toMatch(/settings: .* \(3 attached\), counters on, with low-water marks, learning on/);
  });
});
