import { RNVP_WASM_BASE64 } from './kernel/rnvp-wasm.ts';

/** The parts of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The exports of kernel/rnvp.c (pointers are byte offsets into `memory`). */
export interface RnvpKernel {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  __heap_base: { value: number };
  transpose(src: number, rows: number, cols: number, dst: number): void;
  block_forward(n: number, d: number, d1: number, H: number, alpha: number, ...pointers: number[]): void;
  block_backward(n: number, d: number, d1: number, H: number, alpha: number, ...pointers: number[]): void;
}

let kernel: RnvpKernel | null = null;

/** The compiled RealNVP block kernel (one instance per thread, made on first use). */
export function rnvpKernel(): RnvpKernel {
  if (!kernel) {
    const module = new wasmApi.Module(Buffer.from(RNVP_WASM_BASE64, 'base64'));
    kernel = new wasmApi.Instance(module, { env: { exp: Math.exp, log1p: Math.log1p } }).exports as unknown as RnvpKernel;
  }
  return kernel;
}

/**
 * Float32 buffers in the kernel's memory, handed out one after another from its heap base: `take` returns the
 * byte offset the kernel wants. `floats` views the whole memory (a new view after the memory grows).
 */
export class KernelArena {
  private readonly base: number;
  private used = 0;
  /** Reserves `capacity` floats (growing the memory if need be). */
  constructor(readonly kernel: RnvpKernel, private readonly capacity: number) {
    this.base = (kernel.__heap_base.value + 15) & ~15;
    const bytes = this.base + capacity * 4;
    const have = kernel.memory.buffer.byteLength;
    if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
  }
  get floats(): Float32Array {
    return new Float32Array(this.kernel.memory.buffer);
  }
  /** Byte offset of a new buffer of `count` floats (16-byte aligned). */
  take(count: number): number {
    const at = this.base + this.used * 4;
    this.used += (count + 3) & ~3;
    if (this.used > this.capacity) throw new Error(`kernel arena: ${this.used} floats taken, ${this.capacity} reserved`);
    return at;
  }
  /** Floats handed out so far. */
  get size(): number {
    return this.used;
  }
}
