/** The human view of a snapshot: a few summary lines, then a table per class (and per worker). */
import type { Snapshot } from './snapshot.js';
import { checkOptions, checkSnapshot } from './checks.js';

const int = (n: number | null) => (n === null ? '-' : Math.round(n).toLocaleString('en-US'));
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

/** `formatDiagnostics`'s options. */
export interface FormatOptions {
  /** one table per attached worker too (default false) */
  workers?: boolean;
  /** every class, not only those holding memory or with activity (default false) */
  allClasses?: boolean;
}

/** A snapshot as text tables (per class, queue, learner, contracts), for `console.log`. */
export function formatDiagnostics(s: Snapshot, o: FormatOptions = {}): string {
  checkSnapshot('formatDiagnostics(snapshot)', s);
  checkOptions('format options', o, { workers: 'boolean', allClasses: 'boolean' });
  const h = s.heap;
  const out: string[] = [];
  out.push(
    `heap: ${bytes(h.bytes.committed)} committed (max ${bytes(h.bytes.max)}), ${bytes(h.bytes.reserved)} reserved, ` +
      `${bytes(h.bytes.inUse)} in use, ${bytes(h.bytes.free)} reserved but free (${pct(h.fragmentation.unusedReserved)}); ` +
      `${int(h.pages.free)} free pages (${pct(h.fragmentation.freePages)} outside the longest free run); ` +
      `${int(h.large.blocks)} large blocks (${bytes(h.large.bytes)}); ${int(h.growth.events)} growth events`,
  );
  const st = s.settings;
  const live = s.workers.filter((w) => w.state === 'attached').length;
  const dead = s.workers.length - live;
  out.push(
    `settings: ${st.classes} classes, ${st.slots} worker slots (${live} attached${dead ? `, ${dead} dead or being reclaimed` : ''}), ` +
      `counters ${st.lowWater ? 'on, with low-water marks' : st.counters ? 'on' : 'off'}, learning ${st.learning ? 'on' : 'off'}, contract validation ${st.debug.contracts ? 'on' : 'off'}` +
      `${st.headerless ? ', headerless' : ''}${st.closed ? ', closed' : ''}`,
  );
  if (s.queue) {
    const q = s.queue;
    // records the ring repaired (a producer died or stalled mid-push) or rejected: only when there are some
    const lost = q.lost || q.garbled ? `, ${int(q.lost)} lost (claimed, never published), ${int(q.garbled)} garbled` : '';
    out.push(`queue: ${int(q.pushed)} events pushed, ${int(q.dropped)} dropped (${pct(q.dropRate)}), ${int(q.consumed)} consumed${lost}, ${int(q.pending)} pending, capacity ${int(q.capacity)}`);
  }
  if (s.learner) {
    const l = s.learner;
    const ms = (x: number) => +x.toFixed(1); // 0.1 ms units: 47.300000000000004 is 47.3
    const cpu = l.cpuMs === null ? 'not measurable' : `${ms(l.cpuMs)} ms${l.startupCpuMs !== null ? ` (${ms(l.startupCpuMs)} ms starting)` : ''}`;
    // classes whose range is one count: the learner leaves them alone, the engines report none of their refills
    const fixed = l.classes.filter((k) => !k.learns).length;
    const left = fixed > 0 ? `; ${int(fixed)} of ${int(l.classes.length)} classes keep their counts (one count in range: not reported)` : '';
    out.push(`learner: ${l.mode}, ${int(l.events)} events learned from, ${int(l.decisions)} policy changes, CPU ${cpu}${left}`);
  }
  const c = s.contracts;
  out.push(
    c.enabled
      ? `contracts: ${int(c.ringFull)} pushes found the ring full, ${int(c.policyOutsideRefill)} policy reads outside a refill, ${int(c.refillWaited)} refills waited`
      : 'contracts: validation off (createHeap({ debug: { contracts: true } }) or HAKMEM_DEBUG=contracts)',
  );
  out.push('');
  const active = s.classes.filter((k) => o.allClasses || k.spans > 0 || k.misses > 0 || (k.allocs ?? 0) > 0);
  out.push(
    table(
      ['class', 'size', 'count', 'spans', 'in use', 'cached', 'low-water', 'allocs', 'hits', 'misses', 'drains', 'frees'],
      active.map((k) => [
        String(k.cls), int(k.size), k.policyCount === null ? 'default' : int(k.policyCount), int(k.spans), int(k.inUse),
        int(k.cached), int(k.lowWater), int(k.allocs), int(k.hits), int(k.misses), int(k.drains), int(k.frees),
      ]),
    ),
  );
  if (!s.settings.counters) out.push("(allocs, hits and frees need counters: createHeap({ counters: true }) or HAKMEM_COUNTERS=1; low-water marks need counters: 'low-water' or HAKMEM_COUNTERS=low-water)");
  else if (!s.settings.lowWater) out.push("(low-water marks need counters: 'low-water' or HAKMEM_COUNTERS=low-water)");
  if (s.learner) {
    const learned = s.learner.classes.filter((k) => k.changes > 0);
    if (learned.length > 0) {
      out.push('');
      out.push(
        table(
          ['class', 'size', 'count', 'changes', 'best arms (count: mean reward, pulls)'],
          learned.map((k) => {
            const arms = [...k.arms].filter((a) => a.pulls > 0).sort((a, b) => b.meanReward - a.meanReward).slice(0, 3);
            return [
              String(k.cls), int(s.classes[k.cls]?.size ?? 0), int(k.count), int(k.changes),
              // the learner publishes a class's arm statistics every 64 of its events
              arms.length === 0 ? '(exploring: statistics after 64 events)' : arms.map((a) => `${a.count}: ${a.meanReward.toFixed(3)}, ${a.pulls.toFixed(1)}`).join('; '),
            ];
          }),
        ),
      );
    }
  }
  if (o.workers) {
    for (const w of s.workers) {
      out.push('');
      out.push(
        `worker slot ${w.slot} (${w.state}${w.thread ? `, thread ${w.thread}` : ''}): ${int(w.events)} events, ${int(w.dropped)} dropped, ` +
          `${int(w.exhausted)} refills found the heap exhausted${w.inColdPath ? ', inside a cold path now' : ''}`,
      );
      out.push(
        table(
          ['class', 'size', 'cached', 'bound', 'low-water', 'allocs', 'hits', 'misses', 'drains', 'frees'],
          w.classes.map((k) => [
            String(k.cls), int(k.size), int(k.cached), int(k.bound), int(k.lowWater), int(k.allocs), int(k.hits),
            int(k.misses), int(k.drains), int(k.frees),
          ]),
        ),
      );
    }
  }
  return out.join('\n');
}
