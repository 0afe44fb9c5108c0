import { instantiate, type KernelMemory } from './instance.ts';
import { RNVP_WASM_BASE64 } from './rnvp-wasm.ts';

/** The exports of rnvp.c (pointers are byte offsets into `memory`). */
export interface RnvpKernel extends KernelMemory {
  transpose(src: number, rows: number, cols: number, dst: number): void;
  block_forward(n: number, d: number, d1: number, H: number, alpha: number, ...pointers: number[]): void;
  block_backward(n: number, d: number, d1: number, H: number, alpha: number, ...pointers: number[]): void;
}

let kernel: RnvpKernel | null = null;

/** The RealNVP block kernel (one instance per thread, made on first use). */
export function rnvpKernel(): RnvpKernel {
  kernel ??= instantiate<RnvpKernel>(RNVP_WASM_BASE64, { env: { exp: Math.exp, log1p: Math.log1p } });
  return kernel;
}
