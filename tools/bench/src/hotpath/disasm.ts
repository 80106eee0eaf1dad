/**
 * Reads what `node --print-opt-code` prints (V8's TurboFan code, x64 or arm64 text) and finds a
 * function's fast path: the shortest path, in instructions, from the entry to a return that makes
 * no call. Every call in optimized code leaves for something slow (a deoptimization exit, the stack
 * guard's runtime call, a slow-path function such as a refill), and every jump out of the function
 * goes to a builtin; what remains between entry and return is what a served request executes.
 * The path is split into the frame's prologue (the code-object check, frame set-up and the stack
 * check: gone when the function is inlined into its caller), the body, and the epilogue (frame
 * teardown and the return).
 */

export interface Instruction {
  /** offset from the code's start */
  offset: number;
  /** the instruction text without V8's ';;' comments */
  text: string;
  /** the comment V8 printed, if any ('StackGuard', builtin names, deopt reasons) */
  comment: string;
}

export interface OptimizedFunction {
  name: string;
  kind: string;
  /** the source V8 printed before the code ('' when not printed) */
  source: string;
  instructions: Instruction[];
}

/** Every optimized function in the output, in the order printed. */
export function parseOptCode(out: string): OptimizedFunction[] {
  const fns: OptimizedFunction[] = [];
  const lines = out.split('\n');
  let source: string[] | null = null;
  let lastSource = '';
  let cur: OptimizedFunction | null = null;
  for (const line of lines) {
    if (line.startsWith('--- Raw source ---')) {
      source = [];
      continue;
    }
    if (line.startsWith('--- Optimized code ---')) {
      lastSource = source ? source.join('\n').trim() : '';
      source = null;
      cur = { name: '', kind: '', source: lastSource, instructions: [] };
      continue;
    }
    if (line.startsWith('--- End code ---')) {
      if (cur) fns.push(cur);
      cur = null;
      continue;
    }
    if (source) {
      source.push(line);
      continue;
    }
    if (!cur) continue;
    const kv = /^(name|kind) = (.*)$/.exec(line);
    if (kv) {
      cur[kv[1] as 'name' | 'kind'] = kv[2].trim();
      continue;
    }
    // 0x7f426c046c00     0  488b59f8             REX.W movq rbx,[rcx-0x8]
    const m = /^0x[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(.*)$/.exec(line);
    if (m) {
      const full = m[2];
      const cut = full.indexOf(';;');
      cur.instructions.push({
        offset: Number.parseInt(m[1], 16),
        text: (cut >= 0 ? full.slice(0, cut) : full).trim(),
        comment: cut >= 0 ? full.slice(cut + 2).trim() : '',
      });
    }
  }
  return fns;
}

/** The mnemonic (x64: without the REX.W prefix V8 prints). */
export const mnemonic = (i: Instruction): string => i.text.replace(/^REX\.W\s+/, '').split(/\s+/)[0];

/** A jump's target inside the function (V8 prints `<+0x161>`), or undefined for one that leaves it. */
function internalTarget(i: Instruction): number | undefined {
  const m = /<\+0x([0-9a-f]+)>/.exec(i.text);
  return m ? Number.parseInt(m[1], 16) : undefined;
}

const isRet = (mn: string) => mn === 'ret' || mn === 'retl';
const isCall = (mn: string) => mn.startsWith('call') || mn === 'bl' || mn === 'blr';
const isJmp = (mn: string) => mn === 'jmp' || mn === 'b' || mn === 'br';
const isCondJump = (mn: string) => (mn.startsWith('j') && mn !== 'jmp') || mn.startsWith('b.') || mn === 'cbz' || mn === 'cbnz' || mn === 'tbz' || mn === 'tbnz';

/** The shortest call-free path from the entry to a return (breadth first over the code's jumps). */
export function fastPath(fn: OptimizedFunction): Instruction[] {
  const ins = fn.instructions;
  const at = new Map<number, number>();
  ins.forEach((x, k) => at.set(x.offset, k));
  const prev = new Int32Array(ins.length).fill(-2);
  const queue: number[] = [0];
  prev[0] = -1;
  for (let q = 0; q < queue.length; q++) {
    const k = queue[q];
    const x = ins[k];
    const mn = mnemonic(x);
    if (isRet(mn)) {
      const path: Instruction[] = [];
      for (let j = k; j >= 0; j = prev[j]) path.push(ins[j]);
      return path.reverse();
    }
    if (isCall(mn)) continue;
    const next: number[] = [];
    const target = internalTarget(x);
    if (isJmp(mn)) {
      if (target !== undefined && at.has(target)) next.push(at.get(target)!);
    } else {
      if (k + 1 < ins.length) next.push(k + 1);
      if (isCondJump(mn) && target !== undefined && at.has(target)) next.push(at.get(target)!);
    }
    for (const n of next) {
      if (prev[n] !== -2) continue;
      prev[n] = k;
      queue.push(n);
    }
  }
  throw new Error(`${fn.name}: no call-free path from the entry to a return`);
}

export interface PathCount {
  total: number;
  /** code-object check, frame set-up, stack check: what inlining into the caller removes */
  prologue: number;
  body: number;
  /** frame teardown, argument-count adjustment and the return */
  epilogue: number;
  /** the body's instructions, for printing */
  bodyInstructions: Instruction[];
}

/** Splits a fast path into prologue, body and epilogue. */
export function countPath(path: Instruction[]): PathCount {
  // the prologue ends with the jump after the stack check (the compare against the JS stack limit)
  const guard = path.findIndex((x) => x.comment.includes('StackGuard') || /jslimit|StackGuard/.test(x.text));
  let pro = 0;
  if (guard >= 0) {
    pro = guard + 1;
    if (pro < path.length && isCondJump(mnemonic(path[pro]))) pro++;
  }
  // the epilogue: from the frame teardown (movq rsp,rbp), with the argument count's load just before it
  let epi = path.length;
  const tear = path.findIndex((x, k) => k >= pro && /^(REX\.W\s+)?movq rsp,rbp$/.test(x.text));
  if (tear >= 0) {
    epi = tear;
    if (epi - 1 >= pro && /^(REX\.W\s+)?movq \w+,\[rbp-0x[0-9a-f]+\]$/.test(path[epi - 1].text)) epi--;
  } else {
    epi = path.length - 1; // at least the return
  }
  return { total: path.length, prologue: pro, body: epi - pro, epilogue: path.length - epi, bodyInstructions: path.slice(pro, epi) };
}

/** The last optimized version of a function named `name` (whose source contains `mark` and not `without`, if given). */
export function findFunction(fns: OptimizedFunction[], name: string, mark?: string, without?: string): OptimizedFunction | undefined {
  const hits = fns.filter((f) => f.name === name && f.kind === 'TURBOFAN' && (mark === undefined || f.source.includes(mark)) && (without === undefined || !f.source.includes(without)));
  return hits[hits.length - 1];
}
