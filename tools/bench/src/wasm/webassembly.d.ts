/**
 * The little of the WebAssembly JS API these files use: Node has it all, but this package's
 * TypeScript setup has no DOM library (where its types live).
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
  }
  class Memory {
    constructor(d: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(pages: number): number;
  }
  class Global {
    value: unknown;
  }
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  type BufferSource = ArrayBufferView | ArrayBuffer;
  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(m: Module, imports?: Record<string, Record<string, unknown>>): Promise<Instance>;
}
