/**
 * The hot-path instruction counter (src/hotpath/disasm.ts) on a recorded `node --print-opt-code`
 * output (test/fixtures/alloc-print-opt-code.txt: ThreadCache.alloc, Node 20.20 / V8 11.3, x64).
 * The expected counts were made by hand from the listing: the cache-hit path runs 0x0..0x116
 * (64 instructions, the last a jnz taken to 0x161), 0x161..0x1e6 (35, ending in a jmp back to the
 * shared epilogue at 0x147) and 0x147..0x155 (6, up to `ret 0x10`); the prologue is 0x0..0x21 (12).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countPath, fastPath, findFunction, mnemonic, parseOptCode } from '../src/hotpath/disasm.js';

const SAMPLE = readFileSync(new URL('./fixtures/alloc-print-opt-code.txt', import.meta.url), 'utf8');

describe('hot-path instruction counter', () => {
  it('parses the printed function: name, kind, source and every instruction', () => {
    const fns = parseOptCode(SAMPLE);
    expect(fns).toHaveLength(1);
    const fn = fns[0];
    expect(fn).toMatchObject({ name: 'alloc', kind: 'TURBOFAN' });
    expect(fn.source).toContain('this.allocMiss(cls)');
    expect(fn.instructions).toHaveLength(148);
    expect(fn.instructions[0]).toMatchObject({ offset: 0, text: 'REX.W movq rbx,[rcx-0x8]' });
    expect(mnemonic(fn.instructions[0])).toBe('movq');
    const guard = fn.instructions.find((x) => x.offset === 0x1d)!;
    expect(guard.text).toContain('StackGuard');
    expect(findFunction(fns, 'alloc', 'this.allocTag')).toBe(fn);
    expect(findFunction(fns, 'alloc', 'nothing like this')).toBeUndefined();
    // the counting flavour's alloc is told apart by what its source holds, and does not
    expect(findFunction(fns, 'alloc', 'this.allocTag', 'i32[h + 2]++')).toBe(fn);
    expect(findFunction(fns, 'alloc', 'this.allocTag', 'this.allocMiss')).toBeUndefined();
  });

  it('counts the cache-hit path: 105 instructions, 12 prologue, 87 body, 6 epilogue', () => {
    const fn = findFunction(parseOptCode(SAMPLE), 'alloc')!;
    const path = fastPath(fn);
    const offs = path.map((x) => x.offset);
    expect(offs[0]).toBe(0);
    expect(offs.at(-1)).toBe(0x155); // ret 0x10
    expect(offs).toContain(0x116);
    expect(offs[offs.indexOf(0x116) + 1]).toBe(0x161); // p !== 0: the hit, not the miss
    expect(offs).not.toContain(0x11c); // the allocMiss call block
    expect(offs).not.toContain(0x1f0); // the stack-overflow runtime call
    expect(offs[offs.indexOf(0x1e6) + 1]).toBe(0x147); // back to the shared epilogue
    const c = countPath(path);
    expect(c).toMatchObject({ total: 105, prologue: 12, body: 87, epilogue: 6 });
    expect(c.bodyInstructions[0].offset).toBe(0x27);
    expect(c.bodyInstructions.at(-1)!.offset).toBe(0x1e6);
  });

  it('refuses a function with no call-free way to a return', () => {
    const fn = { name: 'f', kind: 'TURBOFAN', source: '', instructions: [
      { offset: 0, text: 'call [r13-0x38]', comment: '' },
      { offset: 4, text: 'ret 0x8', comment: '' },
    ] };
    expect(() => fastPath(fn)).toThrow(/no call-free path/);
  });
});
