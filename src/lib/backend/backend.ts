import * as tf from '@tensorflow/tfjs';
import { ORT_PACKAGE } from './onnxruntime.ts';
import { useWasm } from './wasm.ts';

/** What `--backend` accepts. `auto` tries them in this order and takes the first that loads. */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'onnx', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type ConcreteBackend = Exclude<BackendChoice, 'auto'>;

/**
 * The backend in use and why: `name` is what reports record; `skipped` lists the ones `auto` could not load.
 * `onnx` is tfjs's wasm backend for everything but the flow-VAE's training steps and scoring, which
 * onnxruntime-node runs (native CPU kernels, src/lib/model/onnx/).
 */
export interface BackendInfo {
  name: ConcreteBackend;
  /** tfjs's own backend name: 'tensorflow', 'wasm' or 'cpu'. */
  tfName: string;
  skipped: { name: ConcreteBackend; reason: string }[];
}

export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

// The optional native packages (optionalDependencies): a variable specifier keeps TypeScript from requiring them.
const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** What choosing a backend does to the world; `useBackend` passes the real ones, tests pass fakes. */
export interface BackendDeps {
  /** Imports a package; rejects when it is not installed or its native library does not load. */
  importPackage(pkg: string): Promise<unknown>;
  /** Makes tfjs's backend `name` ('tensorflow', 'wasm', 'cpu') the current one; throws if it does not start. */
  setTf(name: string): Promise<void>;
  /** Whether some package has registered tfjs backend `name` (the GPU package registers 'tensorflow'). */
  registered(name: string): boolean;
  /** With 'tensorflow' current: null when it runs on a GPU, confirmed by an op there; else why not. */
  gpuProblem(): Promise<string | null>;
}

const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0];

/** The CUDA and cuDNN libraries libtensorflow 2.9.1 (under @tensorflow/tfjs-node-gpu 4.22.0) loads: docs/backends.md. */
const GPU_HINT = 'see docs/backends.md: CUDA 11.2 and cuDNN 8.1 on LD_LIBRARY_PATH, a driver nvidia-smi answers, CUDA_VISIBLE_DEVICES';

/** Why importing `pkg` failed: not installed (`missing`), or installed but it does not load. */
function importProblem(e: unknown, pkg: string): { missing: boolean; error: BackendUnavailableError } {
  const missing = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && firstLine(e).includes(pkg);
  return { missing, error: new BackendUnavailableError(missing ? `${pkg} is not installed` : `${pkg} does not load: ${firstLine(e)}`) };
}

async function load(name: ConcreteBackend, deps: BackendDeps): Promise<string> {
  if (name === 'onnx') {
    await deps.importPackage(ORT_PACKAGE).catch((e) => {
      throw importProblem(e, ORT_PACKAGE).error;
    });
    await deps.setTf('wasm');
    return 'wasm';
  }
  if (name === 'wasm') {
    await deps.setTf('wasm');
    return 'wasm';
  }
  if (name === 'cpu') {
    await deps.setTf('cpu');
    return 'cpu';
  }
  const pkg = NATIVE_PACKAGES[name];
  try {
    await deps.importPackage(pkg);
  } catch (e) {
    const { missing, error } = importProblem(e, pkg);
    // the GPU package's backend also runs on the CPU: `tensorflow` takes it when tfjs-node itself is not installed
    if (!(missing && name === 'tensorflow' && deps.registered('tensorflow'))) throw error;
  }
  await deps.setTf('tensorflow');
  if (name === 'tensorflow-gpu') {
    // a package that loads is no proof of a GPU: libtensorflow falls back to the CPU when it finds no device
    const problem = await deps.gpuProblem();
    if (problem !== null) throw new BackendUnavailableError(`${pkg} loads, but ${problem} (${GPU_HINT})`);
  }
  return 'tensorflow';
}

/**
 * Picks `choice`'s backend with `deps`: `auto` tries @tensorflow/tfjs-node-gpu (CUDA, taken only when a GPU device
 * is confirmed), then @tensorflow/tfjs-node, then onnxruntime-node (the flow-VAE) with wasm, then wasm, then the
 * pure-JS cpu backend, and says why it skipped each
 * one it did not take. An explicit choice that cannot be had throws BackendUnavailableError.
 */
export async function chooseBackend(choice: BackendChoice, deps: BackendDeps): Promise<BackendInfo> {
  const order: ConcreteBackend[] = choice === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'onnx', 'wasm', 'cpu'] : [choice];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    try {
      return { name, tfName: await load(name, deps), skipped };
    } catch (e) {
      if (choice !== 'auto') throw e instanceof BackendUnavailableError ? e : new BackendUnavailableError(firstLine(e));
      skipped.push({ name, reason: firstLine(e) });
    }
  }
  throw new BackendUnavailableError(`no tfjs backend loads: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/**
 * tfjs's CPU backend greets its first tensor with a banner ("Hi, looks like you are running TensorFlow.js in
 * Node.js ...", once per process: six times in `npm test`). This harness says which backend runs and why on its
 * own line (describeBackend), and docs/backends.md how to install the native ones, so the banner is marked shown.
 */
function quietCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}

async function setTf(name: string): Promise<void> {
  if (name === 'wasm') {
    await useWasm();
    return;
  }
  if (name === 'cpu') quietCpuBanner();
  if (tf.getBackend() === name) return;
  if (!(await tf.setBackend(name))) throw new BackendUnavailableError(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
}

/** A 2 x 2 matrix product and its value by hand: [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]]. */
const PROBE_EXPECTED = [19, 22, 43, 50];

/** The probe: a 2 x 2 matrix product on the current backend. */
const probeProduct = (): number[] => [...tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).dataSync())];

/**
 * Whether a 'tensorflow' backend runs on a GPU: the native backend (tfjs-node's NodeJSKernelBackend) says whether
 * it is the GPU package's and whether libtensorflow found a GPU device when it started (it falls back to the CPU
 * otherwise, silently); then a small matrix product must run there and give the right numbers.
 */
type DeviceFlags = { isGPUPackage?: boolean; isUsingGpuDevice?: boolean };

export async function gpuProblem(backend: DeviceFlags = tf.backend() as unknown as DeviceFlags, product = probeProduct): Promise<string | null> {
  if (backend.isGPUPackage === false) return "the tensorflow backend in use is the CPU package's (@tensorflow/tfjs-node, imported first)";
  if (backend.isUsingGpuDevice !== true) return 'TensorFlow found no GPU device and runs on the CPU';
  try {
    const got = product();
    if (got.join() !== PROBE_EXPECTED.join()) return `a test matrix product on the GPU gave ${got.join(', ')}, not ${PROBE_EXPECTED.join(', ')}`;
  } catch (e) {
    return `a test matrix product on the GPU failed: ${firstLine(e)}`;
  }
  return null;
}

const REAL_DEPS: BackendDeps = {
  importPackage: (pkg) => import(pkg),
  setTf,
  registered: (name) => tf.findBackendFactory(name) != null,
  gpuProblem: () => gpuProblem(),
};

let current: BackendInfo | null = null;

/**
 * Makes `choice` the tfjs backend of this thread (chooseBackend with the real packages), and remembers it: `auto`
 * afterwards keeps the backend chosen.
 */
export async function useBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (current && (choice === 'auto' || choice === current.name)) return current;
  current = await chooseBackend(choice, REAL_DEPS);
  return current;
}

/** One line for logs: `backend: wasm (skipped tensorflow-gpu: ..., tensorflow: ...)`. */
export function describeBackend(info: BackendInfo): string {
  const why = info.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  const gpu = info.name === 'tensorflow-gpu' ? ' (a GPU device confirmed by a test matrix product on it)' : '';
  return `backend: ${info.name}${gpu}${why ? ` (skipped ${why})` : ''}`;
}

/** The backend in use now (after a method ran: the one it trained on), for result files: tfjs's, or `onnx`. */
export const activeBackend = (): string => (current?.name === 'onnx' && tf.getBackend() === 'wasm' ? 'onnx' : tf.getBackend());

/** Whether the flow-VAE trains and scores on onnxruntime in this thread (the `onnx` backend was chosen). */
export const onnxBackend = (): boolean => current?.name === 'onnx';
