import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Dataset } from '../../lib/contracts/dataset.ts';
import type { PathDefinition } from '../../lib/callpaths/call-path-list.ts';
import type { EdgeLabel } from '../../lib/callpaths/edges.ts';
import { isStvFormat, loadColumnMapping, loadTraceFile, readJsonFile, readStvFile, resolveFormat } from '../inputs/load-input.ts';
import { readLabels } from '../../lib/readers/labels.ts';
import { validateColumnMapping, type ColumnMapping } from '../../lib/readers/spans-csv.ts';
import { StvMatrixBuilder, selectRows, type StvMatrix } from '../../lib/stv/matrix.ts';
import { Whitelist } from '../../lib/stv/whitelist.ts';
import type { Trace, TraceLabel } from '../../lib/trace/trace.ts';
import { fileDigest } from '../../lib/util/hash.ts';
import { InputError, TraceIds } from '../../lib/util/errors.ts';
import { Random } from '../../lib/util/random.ts';
import { canonicalJson, sha256 } from './cell-key.ts';
import type { DatasetContext, DatasetEntry } from './registry.ts';
import { datasetFromTraces } from './trace-dataset.ts';
import { isTestSample, sampleIndices } from './test-sample.ts';
import { GENERATORS } from './generators.ts';

/** One input file of a dataset file; a bare string is `{"file": ...}`. */
export interface SourceSpec {
  file: string;
  /** A reader format (`jaeger`, `zipkin`, `otlp`, `messages-csv`, `spans-csv`, `stv-text`, `stv-csv`); detected when absent. */
  format?: string;
  /** Column mapping for `spans-csv`: a file name or the mapping itself. */
  columns?: string | ColumnMapping;
  /** Every row of this file gets this label (for files that hold only normal or only anomalous traces). */
  label?: 0 | 1;
  anomalyType?: string;
}

export interface SplitSpec {
  /**
   * - `files`: the `train` and `test` files as given;
   * - `random`: the `traces` pool, normal rows shuffled, `trainFraction` of them for training, the rest and every
   *   anomaly for testing;
   * - `time`: the `traces` pool by start time (file order for STVs), the first `trainFraction` for training.
   */
  rule: 'files' | 'random' | 'time';
  /** Share of the rows for training (random: of the normal rows; time: of all). */
  trainFraction?: number;
  /** Instead of trainFraction: this many rows for training. */
  trainSize?: number;
  /** Seed of the `random` rule; `"cell"` draws a new split per cell seed. Default 0. */
  seed?: number | 'cell';
  /** Drop rows labelled anomalous from the training split (default true; false keeps them as unlabelled glitches). */
  trainNormalOnly?: boolean;
  /** Test on a seeded share in (0, 1] of the test rows (seeded by `seed`; `"cell"` by the cell's seed). Default 1. */
  testSample?: number;
  /**
   * Instead of testSample: test on a seeded sample of this many normal and this many anomalous test rows (seeded
   * as testSample), e.g. 2,000 and 500.
   */
  testNormal?: number;
  testAnomalous?: number;
}

/** A dataset as data: which files, their format and labels, how to split them. Paths are relative to the file. */
export interface DatasetFileSpec {
  name: string;
  description?: string;
  /** Default format and column mapping of the sources. */
  format?: string;
  columns?: string | ColumnMapping;
  train?: string | SourceSpec | (string | SourceSpec)[];
  test?: string | SourceSpec | (string | SourceSpec)[];
  /** One pool of rows to split by `split`. */
  traces?: string | SourceSpec | (string | SourceSpec)[];
  /** Labels CSV file(s): `trace_id,label[,anomaly_type][,root_cause]`. */
  labels?: string | string[];
  split?: SplitSpec;
  /** How call paths become STV dimensions (trace sources only). */
  callPaths?: { definition?: PathDefinition; edge?: EdgeLabel };
  whitelist?: string;
  /** Instead of files: data made by one of the project's generators (simulators), see generators.ts. */
  generator?: string;
  /** The generator's options (e.g. `preset`, `testSample`); an experiment's `datasetOptions` override them. */
  options?: Record<string, unknown>;
}

/**
 * Bumped when the same dataset file would give other rows (2: a random split keeps the training rows in shuffled
 * order; `trainSize`), so that no cell of the older meaning is reused.
 */
const DATASET_FILE_VERSION = 2;

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const asSource = (s: string | SourceSpec): SourceSpec => (typeof s === 'string' ? { file: s } : s);

/** Resolves a path of a dataset file: `data:x` is under the data root, others relative to the dataset file. */
export function resolveDataPath(path: string, specFile: string, root: string): string {
  if (path.startsWith('data:')) return join(root, path.slice(5));
  return isAbsolute(path) ? path : resolve(dirname(specFile), path);
}

export function validateDatasetFile(raw: unknown, file: string): DatasetFileSpec {
  const fail = (why: string): never => {
    throw new InputError({ file }, why);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('a dataset file is a JSON object');
  const s = raw as Record<string, unknown>;
  const known = new Set(['format', 'name', 'description', 'columns', 'train', 'test', 'traces', 'labels', 'split', 'callPaths', 'whitelist', 'generator', 'options', 'comment', '$schema']);
  for (const k of Object.keys(s)) if (!known.has(k)) fail(`unknown field "${k}"`);
  if (s.name !== undefined && (typeof s.name !== 'string' || s.name === '')) fail('"name" must be a non-empty string');
  const name = (s.name as string | undefined) ?? basename(file).replace(/\.json$/, '');
  if (s.options !== undefined && (typeof s.options !== 'object' || s.options === null || Array.isArray(s.options))) fail('"options" must be an object');
  if (s.generator !== undefined) {
    if (typeof s.generator !== 'string' || !(s.generator in GENERATORS)) fail(`"generator" must be one of ${Object.keys(GENERATORS).join(', ')}`);
    for (const k of ['train', 'test', 'traces', 'labels', 'split', 'format', 'columns', 'callPaths', 'whitelist']) if (s[k] !== undefined) fail(`a "generator" dataset takes no "${k}"`);
    return { name, ...s } as DatasetFileSpec;
  }
  if (s.options !== undefined) fail('"options" goes with a "generator"');
  for (const k of ['train', 'test', 'traces'] as const) {
    for (const src of list(s[k] as unknown)) {
      if (typeof src === 'string') continue;
      if (typeof src !== 'object' || src === null || typeof (src as SourceSpec).file !== 'string') fail(`"${k}": a source is a file name or {"file", "format"?, "columns"?, "label"?, "anomalyType"?}`);
      const l = (src as SourceSpec).label;
      if (l !== undefined && l !== 0 && l !== 1) fail(`"${k}": "label" must be 0 or 1`);
    }
  }
  const split = s.split as SplitSpec | undefined;
  const rule = split?.rule ?? (s.traces !== undefined ? undefined : 'files');
  if (rule === undefined) fail('"traces" needs a "split" rule: "random" or "time"');
  if (!['files', 'random', 'time'].includes(rule as string)) fail('"split.rule" must be files, random or time');
  if (rule === 'files' && (s.train === undefined || s.test === undefined)) fail('the "files" split needs "train" and "test"');
  if (rule !== 'files' && s.traces === undefined) fail(`the "${rule}" split needs "traces"`);
  if (rule !== 'files' && (s.train !== undefined || s.test !== undefined)) fail(`the "${rule}" split takes "traces", not "train"/"test"`);
  const f = split?.trainFraction;
  const size = split?.trainSize;
  if (rule !== 'files' && size !== undefined) {
    if (f !== undefined) fail('"split" takes "trainFraction" or "trainSize", not both');
    if (!Number.isInteger(size) || size < 1) fail('"split.trainSize" must be a positive integer');
  } else if (rule !== 'files' && (typeof f !== 'number' || !(f > 0 && f < 1))) fail('"split.trainFraction" must be a number between 0 and 1');
  if (split?.seed !== undefined && split.seed !== 'cell' && !Number.isInteger(split.seed)) fail('"split.seed" must be an integer or "cell"');
  const ts = split?.testSample;
  if (ts !== undefined && !isTestSample(ts)) fail('"split.testSample" must be a number in (0, 1]');
  for (const k of ['testNormal', 'testAnomalous'] as const) {
    const v = split?.[k];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 1) fail(`"split.${k}" must be a positive integer`);
    if (ts !== undefined) fail(`"split" takes "testSample" or "${k}", not both`);
  }
  return { name, ...s, split: { ...split, rule: rule as SplitSpec['rule'] } } as DatasetFileSpec;
}

/**
 * A seeded sample of the rows of each label to the counts given (a label without a count keeps all its rows), in
 * row order; asking for more rows of a label than there are is an input error naming the file.
 */
function sampleByLabel(labels: (0 | 1 | undefined)[], counts: Record<0 | 1, number | undefined>, seed: number, file: string): number[] {
  const keep = new Uint8Array(labels.length).fill(1);
  const rng = new Random(seed).fork(TEST_COUNTS_SALT);
  for (const label of [0, 1] as const) {
    const want = counts[label];
    if (want === undefined) continue;
    const rows = labels.flatMap((l, i) => (l === label ? [i] : []));
    if (want > rows.length) throw new InputError({ file }, `the test split has ${rows.length} ${label ? 'anomalous' : 'normal'} rows; "${label ? 'testAnomalous' : 'testNormal'}" asks for ${want}`);
    rng.shuffle(rows);
    for (const i of rows.slice(want)) keep[i] = 0;
  }
  return labels.flatMap((_, i) => (keep[i] ? [i] : []));
}
const TEST_COUNTS_SALT = 37;

/** Rows of some sources: raw traces or STVs, with the labels that the sources themselves give. */
interface Rows {
  traces?: Trace[];
  stv?: StvMatrix;
  ids: string[];
  sourceLabels: Map<string, TraceLabel>;
}

async function loadSources(sources: SourceSpec[], spec: DatasetFileSpec, specFile: string, root: string, log: (l: string) => void, seen: TraceIds): Promise<Rows> {
  const traces: Trace[] = [];
  const matrices: StvMatrix[] = [];
  const sourceLabels = new Map<string, TraceLabel>();
  for (const src of sources) {
    const file = resolveDataPath(src.file, specFile, root);
    const colSpec = src.columns ?? spec.columns;
    const columns = typeof colSpec === 'string' ? await loadColumnMapping(resolveDataPath(colSpec, specFile, root)) : colSpec !== undefined ? validateColumnMapping(colSpec, specFile) : undefined;
    const format = await resolveFormat(file, src.format ?? spec.format, columns);
    let ids: string[];
    if (isStvFormat(format)) {
      const m = await readStvFile(file, format);
      matrices.push(m);
      ids = m.ids;
    } else {
      const t = await loadTraceFile(file, format, { ...(columns ? { columns } : {}), log });
      traces.push(...t);
      ids = t.map((x) => x.id);
    }
    // a trace in two sources (a file listed twice, one trace in train and test) would run twice
    for (const id of ids) seen.add(id, { file });
    if (src.label !== undefined) {
      for (const id of ids) sourceLabels.set(id, { label: src.label, ...(src.anomalyType ? { anomalyType: src.anomalyType } : {}) });
    }
  }
  if (traces.length > 0 && matrices.length > 0) throw new InputError({ file: specFile }, 'a dataset mixes trace exports and STV files');
  if (matrices.length > 0) {
    const stv = concatStv(matrices, specFile);
    return { stv, ids: stv.ids, sourceLabels };
  }
  return { traces, ids: traces.map((t) => t.id), sourceLabels };
}

function concatStv(ms: StvMatrix[], file: string): StvMatrix {
  if (ms.length === 1) return ms[0];
  const width = ms[0].width;
  const dims = ms[0].dimensionIds;
  for (const m of ms) {
    if (m.width !== width || canonicalJson(m.dimensionIds ?? null) !== canonicalJson(dims ?? null)) throw new InputError({ file }, 'STV files of one dataset must have the same dimensions');
  }
  const b = new StvMatrixBuilder(width, ms.reduce((n, m) => n + m.ids.length, 0));
  for (const m of ms) for (let i = 0; i < m.ids.length; i++) b.addRow(m.ids[i]).set(m.values.subarray(i * width, (i + 1) * width));
  return b.build(dims);
}

function pick(rows: Rows, idx: number[]): Rows {
  const out: Rows = { ids: idx.map((i) => rows.ids[i]), sourceLabels: rows.sourceLabels };
  if (rows.traces) out.traces = idx.map((i) => rows.traces![i]);
  if (rows.stv) out.stv = selectRows(rows.stv, idx);
  return out;
}

const traceStart = (t: Trace): number => t.calls.reduce((m, c) => Math.min(m, c.callSent ?? c.callReceived), Infinity);

/** Loads the dataset a dataset file describes. */
export async function loadDatasetFile(spec: DatasetFileSpec, specFile: string, ctx: Pick<DatasetContext, 'seed' | 'dataRoot' | 'log'>): Promise<Dataset> {
  if (spec.generator !== undefined) throw new InputError({ file: specFile }, 'a "generator" dataset is loaded through its registry entry (datasetEntryFromSpec)');
  const root = ctx.dataRoot;
  const labels = new Map<string, TraceLabel>();
  for (const f of list(spec.labels)) {
    for (const [id, l] of await readLabels(resolveDataPath(f, specFile, root))) labels.set(id, l);
  }
  const labelOf = (rows: Rows, id: string): TraceLabel | undefined => labels.get(id) ?? rows.sourceLabels.get(id);
  const split = spec.split ?? { rule: 'files' };
  const normalOnly = split.trainNormalOnly ?? true;
  // the seed of the random split and of the test sample: fixed, or the cell's
  const splitSeed = split.seed === 'cell' ? ctx.seed : (split.seed ?? 0);
  let train: Rows;
  let test: Rows;
  if (split.rule === 'files') {
    const seen = new TraceIds();
    train = await loadSources(list(spec.train).map(asSource), spec, specFile, root, ctx.log, seen);
    test = await loadSources(list(spec.test).map(asSource), spec, specFile, root, ctx.log, seen);
  } else {
    const pool = await loadSources(list(spec.traces).map(asSource), spec, specFile, root, ctx.log, new TraceIds());
    const n = pool.ids.length;
    const cutOf = (rows: number): number => {
      const cut = split.trainSize ?? Math.round(rows * split.trainFraction!);
      if (cut >= rows) throw new InputError({ file: specFile }, `the split leaves no test rows: ${cut} of ${rows} for training`);
      return cut;
    };
    if (split.rule === 'random') {
      const normal: number[] = [];
      const anomalous: number[] = [];
      for (let i = 0; i < n; i++) (labelOf(pool, pool.ids[i])?.label === 1 ? anomalous : normal).push(i);
      const shuffled = normalOnly ? normal : [...normal, ...anomalous];
      new Random(splitSeed).shuffle(shuffled);
      const cut = cutOf(shuffled.length);
      // training rows in shuffled order (a detector's seeded validation share is then a random one too)
      const trainIdx = shuffled.slice(0, cut);
      const testIdx = [...shuffled.slice(cut), ...(normalOnly ? anomalous : [])].sort((a, b) => a - b);
      train = pick(pool, trainIdx);
      test = pick(pool, testIdx);
    } else {
      const order = Array.from({ length: n }, (_, i) => i);
      if (pool.traces) {
        const starts = pool.traces.map(traceStart);
        order.sort((a, b) => starts[a] - starts[b] || a - b);
      }
      const cut = cutOf(n);
      train = pick(pool, order.slice(0, cut));
      test = pick(pool, order.slice(cut));
    }
  }
  if (normalOnly) {
    const keep = train.ids.map((id, i) => (labelOf(train, id)?.label === 1 ? -1 : i)).filter((i) => i >= 0);
    if (keep.length < train.ids.length) {
      ctx.log(`dataset ${spec.name}: ${train.ids.length - keep.length} training row(s) labelled anomalous left out (split.trainNormalOnly)`);
      train = pick(train, keep);
    }
  }
  if (split.testSample !== undefined && split.testSample < 1) {
    test = pick(test, sampleIndices(test.ids.length, split.testSample, splitSeed));
  }
  if (split.testNormal !== undefined || split.testAnomalous !== undefined) {
    test = pick(test, sampleByLabel(test.ids.map((id) => labelOf(test, id)?.label), { 0: split.testNormal, 1: split.testAnomalous }, splitSeed, specFile));
  }
  if (train.ids.length === 0) throw new InputError({ file: specFile }, 'the training split is empty');
  if (test.ids.length === 0) throw new InputError({ file: specFile }, 'the test split is empty');
  const testLabels = new Map<string, TraceLabel>();
  for (const id of test.ids) {
    const l = labelOf(test, id);
    if (!l) throw new InputError({ file: specFile, traceId: id }, 'test trace has no label (give a labels file or a "label" on its source)');
    testLabels.set(id, l);
  }
  const trainLabels = new Map<string, TraceLabel>();
  for (const id of train.ids) {
    const l = labelOf(train, id);
    if (l) trainLabels.set(id, l);
  }
  const provenance = { file: specFile, split, trainRows: train.ids.length, testRows: test.ids.length };
  const description = spec.description ?? `dataset file ${specFile}`;
  if (train.traces && test.traces) {
    const whitelist = spec.whitelist ? Whitelist.fromJSON(await readJsonFile(resolveDataPath(spec.whitelist, specFile, root)), spec.whitelist) : undefined;
    return datasetFromTraces({
      name: spec.name,
      description,
      train: { traces: train.traces, labels: trainLabels },
      test: { traces: test.traces, labels: testLabels },
      callPaths: { definition: spec.callPaths?.definition ?? 'prefix', edgeLabel: spec.callPaths?.edge ?? 'service' },
      ...(whitelist ? { whitelist } : {}),
      provenance,
    });
  }
  const anomalyTypes = [...new Set([...testLabels.values()].filter((l) => l.label === 1 && l.anomalyType).map((l) => l.anomalyType!))].sort();
  return {
    name: spec.name,
    description,
    train: { stv: train.stv!, labels: trainLabels },
    test: { stv: test.stv!, labels: testLabels },
    anomalyTypes,
    provenance,
  };
}

/** Every file a dataset file refers to. */
export function referencedFiles(spec: DatasetFileSpec): string[] {
  const files: string[] = [];
  for (const src of [...list(spec.train), ...list(spec.test), ...list(spec.traces)].map(asSource)) {
    files.push(src.file);
    if (typeof src.columns === 'string') files.push(src.columns);
  }
  if (typeof spec.columns === 'string') files.push(spec.columns);
  files.push(...list(spec.labels));
  if (spec.whitelist) files.push(spec.whitelist);
  return files;
}

/** Split fields an experiment's `datasetOptions` may set for a dataset file (e.g. a smaller test sample). */
const SPLIT_OPTIONS = ['trainFraction', 'trainSize', 'testSample', 'testNormal', 'testAnomalous'] as const;

function withSplitOptions(spec: DatasetFileSpec, options: Record<string, unknown>, file: string): DatasetFileSpec {
  const over: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (!(SPLIT_OPTIONS as readonly string[]).includes(k)) throw new InputError({ file }, `dataset option "${k}" is not one of ${SPLIT_OPTIONS.join(', ')}`);
    over[k] = v;
  }
  if (Object.keys(over).length === 0) return spec;
  const split = { ...spec.split!, ...over } as SplitSpec;
  if (over.trainSize !== undefined) delete split.trainFraction;
  if (over.trainFraction !== undefined) delete split.trainSize;
  return validateDatasetFile({ ...spec, split }, file);
}

/**
 * A checked dataset file as a registry entry. Files: the fingerprint hashes the spec and every file it refers to;
 * an experiment's `datasetOptions` may set split fields. Generators: the generator's own entry, with the file's
 * `options` under the experiment's.
 */
export function datasetEntryFromSpec(spec: DatasetFileSpec, path: string): DatasetEntry {
  const description = spec.description ?? `dataset file ${path}`;
  if (spec.generator !== undefined) {
    const g = GENERATORS[spec.generator];
    const withOptions = (ctx: DatasetContext): DatasetContext => ({ ...ctx, options: { ...spec.options, ...ctx.options } });
    return { name: spec.name, description, seeded: g.seeded, fingerprint: (ctx) => g.fingerprint(withOptions(ctx)), load: (ctx) => g.load(spec.name, withOptions(ctx)) };
  }
  const seeded = spec.split?.seed === 'cell' && (spec.split.rule === 'random' || (spec.split.testSample ?? 1) < 1 || spec.split.testNormal !== undefined || spec.split.testAnomalous !== undefined);
  return {
    name: spec.name,
    description,
    seeded,
    async fingerprint(ctx) {
      const s = withSplitOptions(spec, ctx.options, path);
      const parts: string[] = [canonicalJson({ version: DATASET_FILE_VERSION, spec: s })];
      for (const f of referencedFiles(s)) {
        const file = resolveDataPath(f, path, ctx.dataRoot);
        if (f.startsWith('data:') && !existsSync(file)) {
          throw new InputError({ file }, `not found under the data root ${ctx.dataRoot} (npm run download fetches the public datasets; --data DIR or $TRACEANOMALY_DATA name another root)`);
        }
        parts.push(`${f}:${await fileDigest(file)}`);
      }
      return sha256(parts.join('\n'));
    },
    load: (ctx) => loadDatasetFile(withSplitOptions(spec, ctx.options, path), path, ctx),
  };
}

/** Reads and checks a dataset file and makes it a registry entry (datasetEntryFromSpec). */
export async function datasetEntryFromFile(file: string): Promise<DatasetEntry> {
  const path = resolve(file);
  return datasetEntryFromSpec(validateDatasetFile(await readJsonFile(path), path), path);
}
