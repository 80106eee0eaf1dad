/** Visiting the heap's runs in address order: the shared basis of validate() and stats(). */
import { LARGE_CLASS, SPAN } from './layout.js';
import type { Region } from './region.js';

/** One run of pages in address order: a span of a class or a large block, with its owner and counts. */
export interface RunInfo {
  pg: number;
  pages: number;
  /** size class, or LARGE_CLASS */
  cls: number;
  owner: number;
  nfree: number;
  bump: number;
}

/** Calls `f` for every run (span or large block) in page order; free pages are skipped. */
export function forEachRun(r: Region, f: (run: RunInfo) => void): void {
  const i32 = r.i32;
  const end = r.committedPages();
  const run: RunInfo = { pg: 0, pages: 0, cls: 0, owner: 0, nfree: 0, bump: 0 };
  for (let pg = 0; pg < end; ) {
    const w = r.rec(pg);
    if (Atomics.load(i32, w + SPAN.HEAD) !== pg + 1) {
      pg++;
      continue;
    }
    const info = Atomics.load(i32, w + SPAN.INFO);
    run.pg = pg;
    run.pages = info >>> 8;
    run.cls = info & 0xff;
    run.owner = Atomics.load(i32, w + SPAN.OWNER);
    run.nfree = run.cls === LARGE_CLASS ? 0 : i32[w + SPAN.NFREE];
    run.bump = run.cls === LARGE_CLASS ? 0 : i32[w + SPAN.BUMP];
    f(run);
    pg += Math.max(1, run.pages);
  }
}
