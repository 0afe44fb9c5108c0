import type { DetectorInput } from '../contracts/dataset.ts';
import { CallPathList, PATH_DEFINITIONS } from '../callpaths/call-path-list.ts';
import { EDGE_LABELS } from '../callpaths/edges.ts';
import { choice, num, type OptionsOfShape } from '../options/schema.ts';
import { InputError } from '../util/errors.ts';
import { HstvIndex, type HstvIndexJson } from './hstv-index.ts';
import { sparseRow, type SparseRow } from './sparse-row.ts';

/** Where HSTVs come from: STVs as given, or raw traces encoded with the training traces' call path list. */
export const HSTV_SOURCE_OPTIONS = {
  input: choice(['auto', 'stv', 'traces'], 'auto', { doc: 'What the HSTV index is built from (auto: STVs when the training input has them, else traces)' }),
  stdFloor: num(1, { gt: 0 }, { doc: 'Floor of the per-dimension standard deviation, in ms' }),
  definition: choice(PATH_DEFINITIONS, 'prefix', { doc: 'Raw traces only: call path of a call (as in the stv command)' }),
  edgeLabel: choice(EDGE_LABELS, 'service', { doc: 'Raw traces only: what a call path step names', flag: 'edge' }),
};

export type HstvSourceOptions = OptionsOfShape<typeof HSTV_SOURCE_OPTIONS>;

/** An HstvReference as JSON; the call path list of a trace reference is saved apart (a model's callpaths.json). */
export interface HstvReferenceJson {
  format: 'traceanomaly-hstv';
  version: 1;
  method: string;
  source: 'stv' | 'traces';
  width: number;
  dimensionIds: string[] | null;
  index: HstvIndexJson;
}

/** A row encoded against the reference, with the number of its calls whose path the list lacks (traces only). */
export interface EncodedRow extends SparseRow {
  unseen: number;
}

/**
 * The HSTV index of a training set together with how to encode new rows the same way: the one piece both the
 * HSTV-3sigma detector and TraceAnomaly's localiser fit. On traces, rows are encoded sparsely (O(calls) per trace)
 * with the training call path list; on STVs, the matrix must have the training width.
 */
export class HstvReference {
  private constructor(
    private readonly method: string,
    readonly source: 'stv' | 'traces',
    readonly index: HstvIndex,
    readonly width: number,
    /** The call path list of the training traces (source 'traces'). */
    readonly list: CallPathList | null,
    /** Dimension ids (call path ids) when known: always on traces, on STVs when the matrix names them. */
    readonly dimensionIds: string[] | undefined,
  ) {}

  static fit(method: string, train: DetectorInput, o: HstvSourceOptions): HstvReference {
    const source = pickSource(method, train, o.input === 'auto' ? (train.stv !== undefined ? 'stv' : 'traces') : o.input, true);
    if (source === 'traces') {
      const traces = train.traces!;
      if (traces.length === 0) throw new InputError({}, `${method}: no training rows`);
      const list = CallPathList.fromTraces(traces, { definition: o.definition, edgeLabel: o.edgeLabel });
      const rows = traces.map((t) => list.encodeSparse(t));
      return new HstvReference(method, source, HstvIndex.fit(rows, list.width, o.stdFloor), list.width, list, list.dimensionIds);
    }
    const m = train.stv!;
    if (m.ids.length === 0) throw new InputError({}, `${method}: no training rows`);
    const rows = Array.from({ length: m.ids.length }, (_, i) => sparseRow(m, i));
    return new HstvReference(method, source, HstvIndex.fit(rows, m.width, o.stdFloor), m.width, null, m.dimensionIds);
  }

  toJSON(): HstvReferenceJson {
    return { format: 'traceanomaly-hstv', version: 1, method: this.method, source: this.source, width: this.width, dimensionIds: this.list ? null : (this.dimensionIds ?? null), index: this.index.toJSON() };
  }

  /** A saved reference; a trace reference needs the call path list it was fitted with. */
  static fromJSON(j: HstvReferenceJson, list: CallPathList | null): HstvReference {
    if (j.format !== 'traceanomaly-hstv' || j.version !== 1) throw new Error('not an HSTV reference (format traceanomaly-hstv, version 1)');
    if (j.source === 'traces' && (list === null || list.width !== j.width)) throw new Error('an HSTV reference of traces needs the call path list it was fitted with');
    const ids = j.source === 'traces' ? list!.dimensionIds : (j.dimensionIds ?? undefined);
    return new HstvReference(j.method, j.source, HstvIndex.fromJSON(j.index), j.width, j.source === 'traces' ? list : null, ids);
  }

  /** Throws an InputError when the input lacks what the reference was fitted on, or has another width. */
  check(data: DetectorInput): void {
    pickSource(this.method, data, this.source, false);
    if (this.source === 'stv' && data.stv!.width !== this.width) {
      throw new InputError({}, `${this.method}: fitted on ${this.width} dimensions, this input has ${data.stv!.width}`);
    }
  }

  /** Row i of an input (checked with `check` first). */
  row(data: DetectorInput, i: number): EncodedRow {
    if (this.source === 'traces') return this.list!.encodeSparse(data.traces![i]);
    return { ...sparseRow(data.stv!, i), unseen: 0 };
  }

  rows(data: DetectorInput): EncodedRow[] {
    this.check(data);
    const n = this.source === 'traces' ? data.traces!.length : data.stv!.ids.length;
    return Array.from({ length: n }, (_, i) => this.row(data, i));
  }

  /** The id of dimension d, or `dimension d` on vector-only data. */
  dimensionName(d: number): string {
    return this.dimensionIds?.[d] ?? `dimension ${d}`;
  }
}

function pickSource(method: string, data: DetectorInput, want: 'stv' | 'traces', fitting: boolean): 'stv' | 'traces' {
  if (want === 'stv') {
    if (data.stv === undefined) throw new InputError({}, fitting ? `${method}: input 'stv' needs service trace vectors` : `${method} was fitted on service trace vectors; this input has none`);
    return 'stv';
  }
  if (data.traces === undefined) throw new InputError({}, fitting ? `${method}: input 'traces' needs raw traces` : `${method} was fitted on raw traces; this input has none`);
  return 'traces';
}
