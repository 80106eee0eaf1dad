/**
 * Every exported symbol of every published package has a doc comment (this is the check `pnpm
 * test` runs), and the check finds an undocumented export: a planted package with some.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { undocumentedExports } from '../src/undocumented.js';
import { packageDirs, publishedEntries, ROOT } from '../src/workspace.js';

const planted = join(new URL('.', import.meta.url).pathname, 'fixtures/planted');

describe('the doc-comment check', () => {
  it('finds the undocumented exports of a planted package, through re-exports, and only those', () => {
    const entries = publishedEntries([planted]);
    expect(entries.map((e) => e.specifier)).toEqual(['planted', 'planted/more']);
    const missing = undocumentedExports(entries, planted);
    expect(missing.map((m) => `${m.specifier} ${m.name} ${m.at}`)).toEqual([
      'planted helper src/more.ts:6',
      'planted plantedUndocumented src/index.ts:6',
      'planted/more helper src/more.ts:6',
    ]);
  });

  it('reads the published packages of the workspace, each entry of their exports maps', () => {
    const entries = publishedEntries(packageDirs(ROOT));
    const specs = entries.map((e) => e.specifier);
    for (const s of ['hakmem', '@hakmem/arena', '@hakmem/arena/stats', '@hakmem/pool-tls', '@hakmem/pool-tls/chain', '@hakmem/ace-learning/producer']) {
      expect(specs).toContain(s);
    }
    expect(specs.some((s) => s.includes('pack-check') || s.includes('api-docs'))).toBe(false); // private tools
  });

  it('every exported symbol of every published package has a doc comment', () => {
    const missing = undocumentedExports(publishedEntries(packageDirs(ROOT)), ROOT);
    expect(missing.map((m) => `${m.specifier}: ${m.name} (${m.at})`)).toEqual([]);
  });
});
