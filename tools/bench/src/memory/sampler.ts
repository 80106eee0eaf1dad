/**
 * A Worker that samples words of a SharedArrayBuffer every millisecond and keeps each one's
 * maximum: the peak of what an allocator holds (hakmem's USED_PAGES, a pool's top) while the timed
 * loop runs on the main thread, which it never touches (it only reads, with Atomics.load). It
 * sleeps in Atomics.wait between samples; a stop word ends it. The code is evaluated inline, so it
 * runs the same from dist and from the TypeScript sources.
 */
import { Worker } from 'node:worker_threads';
import type { MemoryKind } from './peak.js';

export interface SampledWord {
  name: string;
  /** Int32 index in the buffer */
  index: number;
  /** bytes per unit (hakmem: page size; a pool's top: 1) */
  scale: number;
}

export interface WordSource {
  buffer: SharedArrayBuffer;
  words: SampledWord[];
}

/** What an allocator holds, as it can be read without touching its hot path (../memory/peak.ts). */
export interface MemoryProbe {
  kind: MemoryKind;
  /** the word (of `source` or `read`) that is the row's figure */
  main: string;
  /** words a sampler Worker reads every millisecond while the timed loop runs */
  source?: WordSource;
  /** read on the main thread outside the timed region (after the prefault, after the drain) */
  read?(): Record<string, number>;
}

/** Read every word once (also what the main thread does at phase boundaries). */
export function readWords(src: WordSource): Record<string, number> {
  const i32 = new Int32Array(src.buffer, 0, src.buffer.byteLength >> 2);
  const out: Record<string, number> = {};
  for (const w of src.words) out[w.name] = (Atomics.load(i32, w.index) >>> 0) * w.scale;
  return out;
}

/** Keep the maximum of each word: peaks[name] = max(peaks[name], now[name]). */
export function mergePeaks(peaks: Record<string, number>, now: Record<string, number>): Record<string, number> {
  for (const [k, v] of Object.entries(now)) peaks[k] = Math.max(peaks[k] ?? 0, v);
  return peaks;
}

// ctl: Int32 [stop, ready, done, samples], then one Float64 peak per word from byte 16
const CODE = `
const { workerData } = require('node:worker_threads');
const { buffer, words, ctl, intervalMs } = workerData;
const i32 = new Int32Array(buffer, 0, buffer.byteLength >> 2);
const c = new Int32Array(ctl, 0, 4);
const peak = new Float64Array(ctl, 16, words.length);
let samples = 0;
Atomics.store(c, 1, 1); Atomics.notify(c, 1);
while (Atomics.load(c, 0) === 0) {
  for (let k = 0; k < words.length; k++) {
    const v = (Atomics.load(i32, words[k].index) >>> 0) * words[k].scale;
    if (v > peak[k]) peak[k] = v;
  }
  samples++;
  Atomics.wait(c, 0, 0, intervalMs);
}
Atomics.store(c, 3, samples);
Atomics.store(c, 2, 1); Atomics.notify(c, 2);
`;

export interface Sampler {
  /** stop sampling (synchronous: waits for the Worker's last sample); the peaks and the number of samples */
  stop(): { peaks: Record<string, number>; samples: number };
}

/** Start sampling; returns once the Worker runs (its start-up is never inside a timed region). */
export function startSampler(src: WordSource, intervalMs = 1): Sampler {
  const ctl = new SharedArrayBuffer(16 + 8 * src.words.length);
  const c = new Int32Array(ctl, 0, 4);
  const w = new Worker(CODE, { eval: true, workerData: { buffer: src.buffer, words: src.words, ctl, intervalMs } });
  w.unref();
  // wait (bounded: 10 s) until the Worker runs its loop
  for (let k = 0; k < 200 && Atomics.load(c, 1) === 0; k++) Atomics.wait(c, 1, 0, 50);
  if (Atomics.load(c, 1) === 0) throw new Error('memory sampler: the Worker did not start');
  return {
    stop() {
      Atomics.store(c, 0, 1);
      Atomics.notify(c, 0);
      for (let k = 0; k < 200 && Atomics.load(c, 2) === 0; k++) Atomics.wait(c, 2, 0, 50);
      const peak = new Float64Array(ctl, 16, src.words.length);
      const peaks: Record<string, number> = {};
      src.words.forEach((wd, k) => (peaks[wd.name] = peak[k]));
      void w.terminate();
      return { peaks, samples: Atomics.load(c, 3) };
    },
  };
}
