/**
 * The shifting workload (issue 4): phases that favour different refill counts per class, over and
 * over. A "burst" allocates many blocks of one class and then frees them all (refills dominate:
 * a larger count helps); "light" touches many classes a little (random-mixed over a small working
 * set: refills are rare, the memory held idle in the caches dominates: a smaller count helps).
 * The same run with the learner on and off (fixed default counts) tells refills per million ops,
 * the cached bytes (sampled from the heap's own stats), ops/s, and the learner's cost.
 */
import { createHeap, type Heap } from 'hakmem';
import { hakmemProbe } from '../random-mixed/runners/common.js';
import { mergePeaks, readWords, startSampler } from '../memory/sampler.js';

export interface ShiftParams {
  /** times the phase cycle repeats */
  cycles: number;
  /** blocks a burst allocates before freeing them */
  burst: number;
  /** operations of a light phase */
  light: number;
  seed: number;
}

export const SHIFT_DEFAULTS: ShiftParams = { cycles: 12, burst: 60_000, light: 600_000, seed: 4242 };

export interface ShiftResult {
  learning: boolean;
  ops: number;
  seconds: number;
  opsPerSec: number;
  refills: number;
  refillsPerMop: number;
  drains: number;
  /** bytes held in worker caches, sampled after every phase: mean and max */
  cachedBytesMean: number;
  cachedBytesMax: number;
  /** learner: events, drops, decisions, its thread's CPU time, the process CPU time */
  /** events the refill engine tried to push, pushed, dropped */
  attempted: number;
  events: number;
  dropped: number;
  dropRate: number;
  decisions: number;
  learnerCpuMs: number | null;
  /** of which starting its Worker */
  learnerStartupCpuMs: number | null;
  /** what ran the learner at the end: 'inline' (started by the trigger on this thread), 'worker', or 'waiting' (never started) */
  learnerMode: string | null;
  /** times the learner's loop woke (its heartbeat) */
  learnerWakes: number;
  processCpuMs: number;
  /** the counts the learner chose for the burst classes at the end */
  finalCounts: Record<string, number>;
  /** peak reserved and committed bytes of the heap (sampled every millisecond) and peak live bytes */
  peakReserved: number;
  peakCommitted: number;
  peakLiveBytes: number;
}

/** Peak live bytes of the workload (the sizes it asks for), replayed without an allocator. */
export function shiftingPeakLive(p: ShiftParams): number {
  const sizes = new Int32Array(1024);
  let light = 0;
  let peak = 0;
  for (let c = 0; c < p.cycles; c++) {
    peak = Math.max(peak, light + p.burst * 64);
    let x = (p.seed + c) | 0;
    for (let i = 0; i < p.light; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const idx = x & 1023;
      if (sizes[idx] !== 0) {
        light -= sizes[idx];
        sizes[idx] = 0;
      } else {
        sizes[idx] = 16 + ((x >>> 12) & 4095);
        light += sizes[idx];
        if (light > peak) peak = light;
      }
    }
    peak = Math.max(peak, light + (p.burst / 4) * 2048);
  }
  return peak;
}

function cachedBytes(h: Heap): number {
  const s = h.stats();
  return s.classes.reduce((a, c) => a + c.cached * c.size, 0);
}

/** One burst: allocate `n` blocks of `size`, touch each, free them all. */
function burst(h: Heap, hold: Int32Array, n: number, size: number): number {
  const u8 = h.u8;
  for (let i = 0; i < n; i++) {
    const p = h.alloc(size);
    u8[p] = i & 0xff;
    hold[i] = p;
  }
  for (let i = 0; i < n; i++) h.free(hold[i]);
  return 2 * n;
}

/** A light phase: random-mixed over sizes 16..4111 with 1024 slots (many classes, a little each). */
function light(h: Heap, slots: Int32Array, n: number, seed: number): number {
  const u8 = h.u8;
  let x = seed | 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const idx = x & 1023;
    const q = slots[idx];
    if (q !== 0) {
      h.free(q);
      slots[idx] = 0;
    } else {
      const p = h.alloc(16 + ((x >>> 12) & 4095));
      u8[p] = x & 0xff;
      slots[idx] = p;
    }
  }
  return n;
}

export async function runShifting(learning: boolean, p: ShiftParams = SHIFT_DEFAULTS): Promise<ShiftResult> {
  const h = createHeap({ size: 256 << 20, learning });
  const hold = new Int32Array(p.burst);
  const slots = new Int32Array(1024);
  const samples: number[] = [];
  const probe = hakmemProbe(h);
  const peaks = readWords(probe.source!);
  const sampler = startSampler(probe.source!);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ops = 0;
  for (let c = 0; c < p.cycles; c++) {
    ops += burst(h, hold, p.burst, 64);
    samples.push(cachedBytes(h));
    ops += light(h, slots, p.light, p.seed + c);
    samples.push(cachedBytes(h));
    ops += burst(h, hold, p.burst / 4, 2048);
    samples.push(cachedBytes(h));
    // yield to the event loop between phases, as an application would (the inline learner runs here)
    await new Promise((r) => setImmediate(r));
  }
  for (let i = 0; i < slots.length; i++) if (slots[i] !== 0) h.free(slots[i]);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  mergePeaks(peaks, sampler.stop().peaks);
  mergePeaks(peaks, readWords(probe.source!));
  const st = h.stats();
  const refills = st.worker.refills.reduce((a, b) => a + b, 0);
  const drains = st.worker.drains.reduce((a, b) => a + b, 0);
  const attempted = st.worker.events;
  let events = 0;
  let dropped = 0;
  let dropRate = 0;
  let decisions = 0;
  let learnerCpuMs: number | null = null;
  let learnerStartupCpuMs: number | null = null;
  let learnerMode: string | null = null;
  let learnerWakes = 0;
  const finalCounts: Record<string, number> = {};
  if (learning) {
    await new Promise((r) => setTimeout(r, 50)); // let the learner take the last events
    const { ring, learner: ls } = h.stats().learning!;
    events = ring.pushed;
    dropped = ring.dropped;
    dropRate = ring.dropRate;
    decisions = ls.decisions;
    learnerCpuMs = ls.cpuMs;
    learnerStartupCpuMs = ls.startupCpuMs;
    learnerMode = ls.mode;
    learnerWakes = ls.heartbeat;
    finalCounts['64 B'] = ls.classes[h.classOf(64)].count;
    finalCounts['2 KiB'] = ls.classes[h.classOf(2048)].count;
  }
  h.validate();
  await h.close();
  return {
    learning, ops, seconds, opsPerSec: ops / seconds, refills, refillsPerMop: (refills / ops) * 1e6, drains,
    cachedBytesMean: samples.reduce((a, b) => a + b, 0) / samples.length, cachedBytesMax: Math.max(...samples),
    attempted, events, dropped, dropRate, decisions, learnerCpuMs, learnerStartupCpuMs, learnerMode, learnerWakes, processCpuMs: (cpu.user + cpu.system) / 1000, finalCounts,
    peakReserved: peaks.reserved, peakCommitted: peaks.committed, peakLiveBytes: shiftingPeakLive(p),
  };
}
