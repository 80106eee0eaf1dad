/**
 * Pinning the timed thread to a CPU, so that the runs compared with each other run on the same one.
 *
 * The vCPUs of a shared machine are not always equally fast: here one ran much slower than the
 * other for minutes at a time (BENCHMARKS.md, "2026-12-03, seventh"), and a child the scheduler
 * put there lost its pair by as much. So the runs a figure compares (a round's rows, a pair's two
 * runs) pin their timed thread to the same CPU, chosen per round or per pair.
 *
 * Only the thread that runs the loop is pinned, just before the clock starts (`taskset -p` on the
 * process id names the main thread alone): the sampler, the learner and V8's threads, all started
 * before, keep every CPU. A thread inherits its creator's CPUs, so one the pinned thread starts in
 * the timed region would share its CPU (random-mixed's learner never starts: "learner ... ms CPU"
 * is "?" in its notes). A native child, one thread, runs under `taskset -c` whole. Larson's and
 * scaling's workers, each a thread that runs the loop, pin themselves (`pinThisThread`) before they
 * report ready, worker i of pair k on CPU (k + i) mod n: the same CPUs for a pair's two runs.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';

let cpus: number | undefined;

/** CPUs to pin to (0..n-1), or 0: not Linux, one CPU, or no `taskset` (util-linux). */
export function pinnableCpus(): number {
  if (cpus === undefined) {
    const n = availableParallelism();
    cpus = process.platform === 'linux' && n > 1 && spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0 ? n : 0;
  }
  return cpus;
}

/** The CPU for run `k` of a series (a round, a pair), or undefined when nothing can be pinned. */
export function cpuFor(k: number): number | undefined {
  const n = pinnableCpus();
  return n > 0 ? k % n : undefined;
}

/** Pin the calling process's main thread to `cpu`; false if it failed. */
export function pinMainThread(cpu: number): boolean {
  return spawnSync('taskset', ['-pc', String(cpu), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/** The calling thread's kernel id (/proc/thread-self), or null off Linux. */
export function threadId(): number | null {
  try {
    return Number(/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1] ?? NaN) || null;
  } catch {
    return null;
  }
}

/** Pin the calling thread (a Worker's, say) to `cpu`: the CPUs it may run on after, or null if it failed. */
export function pinThisThread(cpu: number): string | null {
  const tid = threadId();
  if (tid === null || spawnSync('taskset', ['-pc', String(cpu), String(tid)], { stdio: 'ignore' }).status !== 0) return null;
  return threadCpus(tid);
}

/** The CPUs a thread of this process may run on now (Cpus_allowed_list in its /proc status), or null off Linux. */
export function threadCpus(tid = process.pid): string | null {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/self/task/${tid}/status`, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Where the threads may run: the main thread's CPUs, and the others' (each distinct list once). */
export function pinning(): { main: string | null; others: string[] } {
  let tids: string[] = [];
  try {
    tids = readdirSync('/proc/self/task').filter((t) => t !== String(process.pid));
  } catch {
    // not Linux: nothing to report
  }
  const others = new Set(tids.map((t) => threadCpus(Number(t))).filter((c): c is string => c !== null));
  return { main: threadCpus(), others: [...others].sort() };
}

/** `cmd args` as spawnSync's arguments, under `taskset -c cpu` when a CPU is given. */
export function pinnedCommand(cmd: string, args: string[], cpu: number | undefined): [string, string[]] {
  return cpu === undefined ? [cmd, args] : ['taskset', ['-c', String(cpu), cmd, ...args]];
}
