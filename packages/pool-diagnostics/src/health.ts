/**
 * Health checks over snapshots: the warnings users of allocators ask for. Compared with the
 * previous snapshot where there is one (rates over the interval), else over the heap's life.
 */
import { HeapErrorCode, shown } from '@hakmem/arena/stats';
import { snapshot, type Snapshot, type Target } from './snapshot.js';
import { checkOptions, checkSnapshot, viewOf } from './checks.js';

/** One health warning: its kind and a sentence. */
export interface Warning {
  /** `snapshot-failed`: watchHealth could not take its snapshot this time (HAKMEM_BUSY: the heap stayed stopped) */
  kind: 'drop-rate' | 'cache-above-bound' | 'learner-stalled' | 'exhausted' | 'contract' | 'snapshot-failed';
  message: string;
  slot?: number;
  cls?: number;
}

/** `checkHealth`'s and `watchHealth`'s thresholds. */
export interface HealthOptions {
  /** warn above this share of refill events dropped (default 0.01) */
  dropRate?: number;
}

/** The warnings a snapshot gives, against an earlier one for rates: drop rate, caches above bound, exhaustion, a stalled learner, contract violations. */
export function checkHealth(now: Snapshot, before?: Snapshot, o: HealthOptions = {}): Warning[] {
  checkSnapshot('checkHealth(now)', now);
  if (before !== undefined) checkSnapshot('checkHealth(now, before)', before);
  checkOptions('health options', o, { dropRate: 'number' }, { dropRate: 1 });
  const out: Warning[] = [];
  const limit = o.dropRate ?? 0.01;
  const q = now.queue;
  if (q) {
    const pushed = q.pushed - (before?.queue?.pushed ?? 0);
    const dropped = q.dropped - (before?.queue?.dropped ?? 0);
    const rate = pushed + dropped === 0 ? 0 : dropped / (pushed + dropped);
    // a learner still waiting for refills worth learning from drops events by design: nobody reads them yet
    if (rate > limit && now.learner?.mode !== 'waiting') {
      out.push({
        kind: 'drop-rate',
        message: `${(100 * rate).toFixed(2)} % of refill events dropped ${before ? 'since the last check' : 'so far'} (above ${(100 * limit).toFixed(1)} %): the learner is behind (stopped, stalled, or its ring too small)`,
      });
    }
  }
  for (const w of now.workers) {
    if (w.state !== 'attached') continue;
    const prev = before?.workers.find((p) => p.slot === w.slot);
    for (const k of w.classes) {
      if (k.cached <= k.bound) continue;
      const was = prev?.classes.find((p) => p.cls === k.cls);
      // a free above the bound drains at once; a cache that *stays* above it holds memory idle
      if (!before || (was && was.cached > was.bound)) {
        out.push({
          kind: 'cache-above-bound', slot: w.slot, cls: k.cls,
          message: `worker slot ${w.slot} caches ${k.cached} blocks of class ${k.cls} (${k.size} B), above its bound ${k.bound}${before ? ', for two checks' : ''}: it has not freed since its bound went down`,
        });
      }
    }
    if (prev && w.exhausted > prev.exhausted) {
      out.push({ kind: 'exhausted', slot: w.slot, message: `worker slot ${w.slot}: ${w.exhausted - prev.exhausted} refills found the heap exhausted` });
    }
  }
  const l = now.learner;
  if (l && l.mode === 'worker' && before?.learner && q && before.queue && q.pending > 0 && before.queue.pending > 0 && l.heartbeat === before.learner.heartbeat) {
    out.push({ kind: 'learner-stalled', message: `the learner has not woken since the last check, with ${q.pending} events waiting: allocation goes on with the last policy` });
  }
  const c = now.contracts;
  const pc = before?.contracts;
  if (c.enabled) {
    const d = (k: 'ringFull' | 'policyOutsideRefill' | 'refillWaited') => c[k] - (pc?.[k] ?? 0);
    const parts = [
      d('ringFull') > 0 ? `${d('ringFull')} pushes found the ring full` : '',
      d('policyOutsideRefill') > 0 ? `${d('policyOutsideRefill')} policy reads outside a refill` : '',
      d('refillWaited') > 0 ? `${d('refillWaited')} refills waited` : '',
    ].filter(Boolean);
    if (parts.length > 0) out.push({ kind: 'contract', message: `contract violations ${before ? 'since the last check' : 'so far'}: ${parts.join(', ')}` });
  }
  return out;
}

/** A running `watchHealth`: `stop()` ends it. */
export interface HealthWatch {
  stop(): void;
  /** the latest snapshot taken */
  last(): Snapshot | null;
}

/**
 * Check every `intervalMs` (default 1000); `onWarning` gets each warning (default console.warn).
 * `t` is a heap's handle (snapshots taken as an observer) or a function that returns a snapshot
 * (`heap.watchHealth` passes `() => heap.diagnostics()`). The timer never throws: a snapshot that
 * fails is a `snapshot-failed` warning, and a closed heap (HAKMEM_CLOSED) ends the watch.
 */
export function watchHealth(t: Target | (() => Snapshot), o: HealthOptions & { intervalMs?: number; onWarning?: (w: Warning) => void } = {}): HealthWatch {
  checkOptions('watchHealth options', o, { dropRate: 'number', intervalMs: 'number', onWarning: 'function' }, { dropRate: 1, intervalMs: 2 ** 31 - 1 });
  const take = typeof t === 'function' ? t : (viewOf(t), () => snapshot(t)); // a target that is no heap throws now, not later from the timer
  let prev: Snapshot | null = null;
  const warn = o.onWarning ?? ((w: Warning) => console.warn(`hakmem health: ${w.message}`));
  const timer = setInterval(() => {
    let now: Snapshot;
    let found: Warning[];
    try {
      now = take();
      found = checkHealth(now, prev ?? undefined, o); // throws for what is no snapshot
    } catch (e) {
      if ((e as { code?: unknown })?.code === HeapErrorCode.CLOSED) clearInterval(timer);
      else warn({ kind: 'snapshot-failed', message: `no snapshot this time: ${e instanceof Error ? e.message : shown(e)}` });
      return;
    }
    for (const w of found) warn(w);
    prev = now;
  }, o.intervalMs ?? 1000);
  (timer as { unref?: () => void }).unref?.();
  return { stop: () => clearInterval(timer), last: () => prev };
}
