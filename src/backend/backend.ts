import * as tf from '@tensorflow/tfjs';
import { useWasm } from './wasm.ts';

/** What `--backend` accepts. `auto` tries them in this order and takes the first that loads. */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type ConcreteBackend = Exclude<BackendChoice, 'auto'>;

/** The backend in use and why: `name` is what reports record; `skipped` lists the ones `auto` could not load. */
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

async function load(name: ConcreteBackend): Promise<string> {
  if (name === 'wasm') {
    await useWasm();
    return 'wasm';
  }
  if (name === 'cpu') {
    await setTf('cpu');
    return 'cpu';
  }
  const pkg = NATIVE_PACKAGES[name];
  try {
    await import(pkg);
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && firstLine(e).includes(pkg);
    throw new BackendUnavailableError(missing ? `${pkg} is not installed` : `${pkg} does not load: ${firstLine(e)}`);
  }
  await setTf('tensorflow');
  return 'tensorflow';
}

async function setTf(name: string): Promise<void> {
  if (tf.getBackend() === name) return;
  if (!(await tf.setBackend(name))) throw new BackendUnavailableError(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
}

const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0];

let current: BackendInfo | null = null;

/**
 * Makes `choice` the tfjs backend of this thread. `auto` loads @tensorflow/tfjs-node-gpu (CUDA), then
 * @tensorflow/tfjs-node, then wasm, then the pure-JS cpu backend, and reports which one it took and why it
 * skipped the others. An explicit choice that cannot load throws BackendUnavailableError.
 */
export async function useBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (current && (choice === 'auto' || choice === current.name)) return current;
  const order: ConcreteBackend[] = choice === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [choice];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    try {
      const tfName = await load(name);
      current = { name, tfName, skipped };
      return current;
    } catch (e) {
      if (choice !== 'auto') throw e instanceof BackendUnavailableError ? e : new BackendUnavailableError(firstLine(e));
      skipped.push({ name, reason: firstLine(e) });
    }
  }
  throw new BackendUnavailableError(`no tfjs backend loads: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** One line for logs: `backend: wasm (skipped tensorflow-gpu: ..., tensorflow: ...)`. */
export function describeBackend(info: BackendInfo): string {
  const why = info.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  return `backend: ${info.name}${why ? ` (skipped ${why})` : ''}`;
}

/** The tfjs backend in use now (after a method ran: the one it trained on), for result files. */
export const activeBackend = (): string => tf.getBackend();
