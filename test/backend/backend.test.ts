import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, describeBackend, gpuProblem, useBackend, type BackendDeps } from '../../src/lib/backend/backend.ts';

const notInstalled = (pkg: string) => Object.assign(new Error(`Cannot find package '${pkg}' imported from /x/backend.ts`), { code: 'ERR_MODULE_NOT_FOUND' });

/** A machine as the fakes describe it: which packages import, what the GPU check says; records what was set. */
function machine(o: { gpuPackage?: 'ok' | 'missing' | Error; cpuPackage?: 'ok' | 'missing'; ortPackage?: 'ok' | 'missing' | Error; gpu?: string | null }) {
  const set: string[] = [];
  let registered = false;
  const deps: BackendDeps = {
    async importPackage(pkg) {
      const ort = pkg === 'onnxruntime-node';
      const state = ort ? (o.ortPackage ?? 'missing') : pkg.endsWith('-gpu') ? (o.gpuPackage ?? 'missing') : (o.cpuPackage ?? 'missing');
      if (state === 'missing') throw notInstalled(pkg);
      if (state instanceof Error) throw state;
      if (!ort) registered = true;
      return {};
    },
    async setTf(name) {
      set.push(name);
    },
    registered: (name) => name === 'tensorflow' && registered,
    gpuProblem: async () => (o.gpu === undefined ? 'TensorFlow found no GPU device and runs on the CPU' : o.gpu),
  };
  return { deps, set };
}

describe('auto confirms a GPU before it chooses CUDA', () => {
  it('takes tensorflow-gpu when the package loads and the check on the device passes', async () => {
    const { deps, set } = machine({ gpuPackage: 'ok', gpu: null });
    const info = await chooseBackend('auto', deps);
    expect([info.name, info.tfName, info.skipped, set]).toEqual(['tensorflow-gpu', 'tensorflow', [], ['tensorflow']]);
    expect(describeBackend(info)).toBe('backend: tensorflow-gpu (a GPU device confirmed by a test matrix product on it)');
  });

  it('does not take a package that loads for a GPU: without a device it says why and goes on (to the GPU package on the CPU)', async () => {
    const { deps } = machine({ gpuPackage: 'ok' });
    const info = await chooseBackend('auto', deps);
    expect(info.name).toBe('tensorflow');
    expect(info.skipped).toHaveLength(1);
    expect(info.skipped[0].reason).toMatch(/^@tensorflow\/tfjs-node-gpu loads, but TensorFlow found no GPU device and runs on the CPU \(see docs\/backends\.md: CUDA 11\.2 and cuDNN 8\.1/);
    expect(describeBackend(info)).toMatch(/^backend: tensorflow \(skipped tensorflow-gpu: @tensorflow\/tfjs-node-gpu loads, but TensorFlow found no GPU device/);
  });

  it('says which package is missing or fails to load, and falls back to wasm', async () => {
    const cudart = new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory\n    at Module._extensions');
    const { deps, set } = machine({ gpuPackage: cudart });
    const info = await chooseBackend('auto', deps);
    expect(info.name).toBe('wasm');
    expect(set).toEqual(['wasm']);
    expect(info.skipped).toEqual([
      { name: 'tensorflow-gpu', reason: '@tensorflow/tfjs-node-gpu does not load: libcudart.so.11.0: cannot open shared object file: No such file or directory' },
      { name: 'tensorflow', reason: '@tensorflow/tfjs-node is not installed' },
      { name: 'onnx', reason: 'onnxruntime-node is not installed' },
    ]);
  });

  it('takes onnxruntime (scoring) with wasm when no tensorflow package loads; says why when it does not load', async () => {
    const { deps, set } = machine({ ortPackage: 'ok' });
    const info = await chooseBackend('auto', deps);
    expect([info.name, info.tfName, set]).toEqual(['onnx', 'wasm', ['wasm']]);
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
    const glibc = new Error("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.28' not found (required by libonnxruntime.so.1)\n    at Module");
    const broken = await chooseBackend('auto', machine({ ortPackage: glibc }).deps);
    expect(broken.name).toBe('wasm');
    expect(broken.skipped[2]).toEqual({ name: 'onnx', reason: "onnxruntime-node does not load: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.28' not found (required by libonnxruntime.so.1)" });
    await expect(chooseBackend('onnx', machine({}).deps)).rejects.toThrow('onnxruntime-node is not installed');
  });

  it('an explicit tensorflow-gpu without a device is refused with the reason', async () => {
    await expect(chooseBackend('tensorflow-gpu', machine({ gpuPackage: 'ok' }).deps)).rejects.toThrow(/tfjs-node-gpu loads, but TensorFlow found no GPU device/);
    await expect(chooseBackend('tensorflow-gpu', machine({}).deps)).rejects.toThrow('@tensorflow/tfjs-node-gpu is not installed');
    expect((await chooseBackend('tensorflow', machine({ cpuPackage: 'ok' }).deps)).name).toBe('tensorflow');
  });

  it('the device check reads what the native backend says, then runs a matrix product there', async () => {
    const right = () => [19, 22, 43, 50];
    expect(await gpuProblem({ isGPUPackage: true, isUsingGpuDevice: true }, right)).toBeNull();
    expect(await gpuProblem({ isGPUPackage: true, isUsingGpuDevice: false }, right)).toBe('TensorFlow found no GPU device and runs on the CPU');
    expect(await gpuProblem({ isGPUPackage: false, isUsingGpuDevice: false }, right)).toMatch(/CPU package/);
    expect(await gpuProblem({ isGPUPackage: true, isUsingGpuDevice: true }, () => [0, 0, 0, 0])).toBe('a test matrix product on the GPU gave 0, 0, 0, 0, not 19, 22, 43, 50');
    expect(await gpuProblem({ isGPUPackage: true, isUsingGpuDevice: true }, () => { throw new Error('CUDNN_STATUS_NOT_INITIALIZED\nmore'); })).toBe('a test matrix product on the GPU failed: CUDNN_STATUS_NOT_INITIALIZED');
    // tfjs's own backends have no device flags: not a GPU
    expect(await gpuProblem({})).toMatch(/no GPU device/);
  });
});

describe("tfjs's console banner", () => {
  afterEach(() => vi.restoreAllMocks());

  it('is not printed on the cpu backend', async () => {
    const warn = vi.spyOn(console, 'warn');
    await useBackend('cpu');
    tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync());
    expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('looks like you are running TensorFlow.js'))).toEqual([]);
  });
});
