/** The parts of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** What every kernel module exports besides its functions. */
export interface KernelMemory {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  __heap_base: { value: number };
}

const modules = new Map<string, object>();

/** A new instance (with its own memory) of the module whose bytes are `base64` (compiled once per thread). */
export function instantiate<T extends KernelMemory>(base64: string, imports: object = {}): T {
  let module = modules.get(base64);
  if (!module) modules.set(base64, (module = new wasmApi.Module(Buffer.from(base64, 'base64'))));
  return new wasmApi.Instance(module, imports).exports as T;
}

/** Floats a buffer of `count` floats occupies in an arena (rounded up to 16 bytes, so every buffer is aligned). */
const footprint = (count: number) => (count + 3) & ~3;

/**
 * Float32 buffers in a kernel's memory, handed out one after another from its heap base: `take` returns the
 * byte offset the kernel wants. `floats` views the whole memory (a new view after the memory grows).
 */
export class KernelArena {
  private readonly base: number;
  private used = 0;
  /** Reserves `capacity` floats (growing the memory if need be). */
  constructor(readonly kernel: KernelMemory, private readonly capacity: number) {
    this.base = (kernel.__heap_base.value + 15) & ~15;
    const bytes = this.base + capacity * 4;
    const have = kernel.memory.buffer.byteLength;
    if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  /**
   * An arena just large enough for what `layout` takes, and what `layout` returns when it takes from it (the
   * layout runs twice: once to count, once to place).
   */
  static fit<T>(kernel: KernelMemory, layout: (take: (count: number) => number) => T): { arena: KernelArena; at: T } {
    let floats = 0;
    layout((count) => ((floats += footprint(count)), 0));
    const arena = new KernelArena(kernel, floats);
    return { arena, at: layout((count) => arena.take(count)) };
  }

  get floats(): Float32Array {
    return new Float32Array(this.kernel.memory.buffer);
  }

  /** Byte offset of a new buffer of `count` floats (16-byte aligned). */
  take(count: number): number {
    const at = this.base + this.used * 4;
    this.used += footprint(count);
    if (this.used > this.capacity) throw new Error(`kernel arena: ${this.used} floats taken, ${this.capacity} reserved`);
    return at;
  }
}
