/**
 * The process's resident set, read from /proc/self/status (Linux), with the peak (VmHWM) reset by
 * writing 5 to /proc/self/clear_refs, so a child can measure the peak of its measured phase alone
 * after an untimed warm-up. Elsewhere (or when the reset is refused) the figures are undefined.
 */
import { readFileSync, writeFileSync } from 'node:fs';

function statusKiB(field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Reset the peak to the current RSS; false when the system does not allow it. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** RSS now, bytes. */
export const rssBytes = (): number | undefined => {
  const k = statusKiB('VmRSS');
  return k === undefined ? undefined : k * 1024;
};

/** Peak RSS since the process started or the last reset, bytes. */
export const peakRssBytes = (): number | undefined => {
  const k = statusKiB('VmHWM');
  return k === undefined ? undefined : k * 1024;
};
