/**
 * The calling thread's own CPU time in ms, or -1 where it cannot be read. Linux:
 * /proc/thread-self/schedstat (its first field: ns on the CPU), else /proc/thread-self/stat
 * (utime + stime in 10 ms ticks, too coarse for a thread that runs a few ms a second: a learner
 * reading 0 or 10 ms is noise, not a measurement). The same clock is read for the start-up and
 * the total, so their difference is the loop's own.
 */
import { CPU_UNIT_MS } from '@hakmem/ace-learning';

type Fs = { readFileSync(p: string, enc: 'utf8'): string };

/** A CPU time as the state region's CPU and START_CPU words hold it (0.1 ms units; -1: not measurable). */
export const cpuWord = (ms: number): number => (ms < 0 ? -1 : Math.round(ms / CPU_UNIT_MS) | 0);

let fs: Fs | null | undefined;
/** 1: schedstat, 2: stat, 0: not yet known */
let source = 0;
const TICK_MS = 10; // Linux reports utime/stime in USER_HZ = 100 ticks per second

function fromSchedstat(f: Fs): number {
  const ns = Number(f.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  return Number.isFinite(ns) ? ns / 1e6 : -1;
}

function fromStat(f: Fs): number {
  const stat = f.readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after "pid (comm) ": state is field 3, utime 14, stime 15 -> indices 11 and 12 here
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** This thread's CPU time in ms (from /proc where the kernel provides it; -1 where it cannot be read). */
export function threadCpuMs(): number {
  if (fs === undefined) {
    const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
    fs = (p?.getBuiltinModule?.('node:fs') as Fs | undefined) ?? null;
  }
  if (fs === null) return -1;
  try {
    if (source === 0) {
      // schedstat reads 0 where the kernel does not account it; by now this thread has run
      source = fromSchedstat(fs) > 0 ? 1 : 2;
    }
    return source === 1 ? fromSchedstat(fs) : fromStat(fs);
  } catch {
    source = 2;
    try {
      return fromStat(fs);
    } catch {
      return -1;
    }
  }
}
