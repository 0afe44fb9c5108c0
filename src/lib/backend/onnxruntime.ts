/**
 * onnxruntime-node, an optional dependency (its CPU runtime ships inside the package; no download at install time
 * when its install script is skipped, see docs/backends.md). Loaded on demand; the types below are the few parts
 * of its API this project uses, so the project builds where the package is not installed.
 */
export interface OrtTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtModule {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: {
    create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession>;
  };
}

export const ORT_PACKAGE = 'onnxruntime-node';

let loaded: Promise<OrtModule> | null = null;

/** The package, imported once; rejects when it is not installed or its native library does not load. */
export function loadOrt(): Promise<OrtModule> {
  const pkg = ORT_PACKAGE; // a variable specifier: TypeScript does not require the package
  loaded ??= import(pkg).then((m: { default?: OrtModule } & OrtModule) => (m.InferenceSession ? m : m.default!));
  return loaded;
}

/** A CPU session for a serialised model: `threads` intra-op threads, sequential execution, all graph optimisations, the memory arena without the memory pattern planner. */
export async function cpuSession(ort: OrtModule, model: Uint8Array, threads: number): Promise<OrtSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // the memory pattern planner, with the graphs' run-time row counts, made every large buffer a fresh allocation
    // (page faults on first touch): scoring ran at 97 traces/s with it and 140 without (bench:model's graph)
    enableMemPattern: false,
  });
}
