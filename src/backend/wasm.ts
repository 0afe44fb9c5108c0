import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

let pathsSet = false;

/**
 * Selects tfjs's WebAssembly backend (XNNPACK kernels with SIMD). In Node it runs single-threaded; the model
 * code gets its parallelism from worker threads instead (src/model/parallel).
 */
export async function useWasm(): Promise<void> {
  if (!pathsSet) {
    const dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(`${dir}/`);
    pathsSet = true;
  }
  if (tf.getBackend() === 'wasm') return;
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  await tf.ready();
}
