/** The calling thread's own CPU time in ms (Linux: /proc/thread-self/stat), or -1 elsewhere. */
type Fs = { readFileSync(p: string, enc: 'utf8'): string };

let fs: Fs | null | undefined;
const TICK_MS = 10; // Linux reports utime/stime in USER_HZ = 100 ticks per second

export function threadCpuMs(): number {
  if (fs === undefined) {
    const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
    fs = (p?.getBuiltinModule?.('node:fs') as Fs | undefined) ?? null;
  }
  if (fs === null) return -1;
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ": state is field 3, utime 14, stime 15 -> indices 11 and 12 here
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return -1;
  }
}
