/**
 * The README's error table and HeapErrorCode agree: one row per code, no row for a code that does
 * not exist, and every row says when the code is thrown and what state the heap is left in.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HeapErrorCode } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The rows of the table under "### Errors": [code, when, state]. */
function tableRows(): string[][] {
  const section = readme.split(/^### Errors$/m)[1]?.split(/^#{2,3} /m)[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()));
}

describe('the README error table', () => {
  it('has one row per HeapErrorCode and none other', () => {
    const rows = tableRows();
    const codes = rows.map((r) => /^`(HAKMEM_[A-Z_]+)`$/.exec(r[0])?.[1] ?? `not a code: ${r[0]}`);
    expect(codes.length).toBe(new Set(codes).size);
    expect([...codes].sort()).toEqual(Object.values(HeapErrorCode).sort());
  });

  it('says for each code when it is thrown and what state the heap is left in', () => {
    for (const r of tableRows()) {
      expect(r, r[0]).toHaveLength(3);
      expect(r[1].length, `${r[0]}: when`).toBeGreaterThan(10);
      expect(r[2].length, `${r[0]}: the heap afterwards`).toBeGreaterThan(5);
    }
  });
});
