import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

let pathsSet = false;

/**
 * Selects tfjs's WebAssembly backend (XNNPACK kernels with SIMD). In Node it runs single-threaded; the model
 * code gets its parallelism from worker threads instead (src/lib/model/parallel).
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
  shareIdentity();
}

interface RefCounting {
  incRef(dataId: object): void;
}

let identityShared = false;

/**
 * Replaces the wasm backend's Identity kernel (tf.clone) with one that shares the input's data, as the cpu and
 * webgl backends do (tensors are immutable, and the wasm backend counts references per data buffer: its
 * Reshape shares data the same way). tfjs clones every tensor an operation saves for its gradient, some 380 per
 * training step of the flow-VAE; wasm's own Identity allocates and copies each of them.
 */
function shareIdentity(): void {
  if (identityShared) return;
  const stock = tf.getKernel('Identity', 'wasm');
  if (!stock) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return stock.kernelFunc(args);
      (args.backend as unknown as RefCounting).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  identityShared = true;
}

/** The members of tfjs's BackendWasm that readInto uses (public there; kernels written outside tfjs use them too). */
interface WasmBackendView {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
}

/**
 * Copies a float32 tensor's values into `out` at `offset`. On the wasm backend straight from the wasm heap: one
 * copy and no new buffer, where dataSync() copies into a fresh array buffer first (the training workers read
 * some 5 MB of gradients a step, and the short-lived buffers keep the garbage collector busy). Elsewhere through
 * dataSync().
 */
export function readInto(t: tf.Tensor, out: Float32Array, offset = 0): void {
  if (tf.getBackend() === 'wasm' && t.dtype === 'float32') {
    const b = tf.backend() as unknown as WasmBackendView;
    const entry = b.dataIdMap.get(t.dataId);
    if (entry) {
      out.set(new Float32Array(b.wasm.HEAPU8.buffer, entry.memoryOffset, t.size), offset);
      return;
    }
  }
  out.set(t.dataSync() as Float32Array, offset);
}
