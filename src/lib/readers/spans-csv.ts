import type { Trace } from '../trace/trace.ts';
import type { Span } from '../trace/span.ts';
import { parseSpanKind } from '../trace/span.ts';
import { InputError } from '../util/errors.ts';
import { readBytes } from './input.ts';
import { readLines, splitCsv } from './lines.ts';
import { issueLog, maxSpans, type ReadOptions } from './options.ts';
import type { ColumnMapping, ColumnRef, TimeUnit } from './column-mapping.ts';
import { SpanGroups } from './span-groups.ts';
import { decimalNanosToMillis } from './json-fields.ts';
import { parseDecimal } from '../util/decimal.ts';

export type { ColumnMapping, ColumnRef, TimeUnit } from './column-mapping.ts';

/** Kubernetes names pods `<deployment>-<replicaset hash>-<pod hash>` from this alphabet (no vowels, no 0/1/3). */
export const DEFAULT_SERVICE_FROM_INSTANCE = {
  pattern: '^(.+?)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$',
  replacement: '$1',
};

/** Parent values that mean "no parent" unless a mapping says otherwise ("root": a common exporter convention). */
export const DEFAULT_ROOT_PARENT_VALUES = ['', '-1', '0', 'null', 'None', 'root'];

const UNIT_TO_MS: Record<TimeUnit, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000 };
const COLUMN_KEYS = ['traceId', 'spanId', 'parentId', 'service', 'instance', 'operation', 'kind', 'status', 'start', 'end', 'duration'] as const;
const MAPPING_KEYS = new Set([
  'traceId', 'spanId', 'parentId', 'service', 'instance', 'operation', 'kind', 'status', 'start', 'end', 'duration',
  'timeUnit', 'durationUnit', 'separator', 'noHeader', 'rootParentValues', 'serviceFromInstance', 'services',
]);

/** Checks a mapping read from JSON; errors name the mapping file. */
export function validateColumnMapping(raw: unknown, source: string): ColumnMapping {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError({ file: source }, 'column mapping must be a JSON object');
  const m = raw as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!MAPPING_KEYS.has(k)) throw new InputError({ file: source }, `unknown mapping key "${k}"`);
  for (const k of ['traceId', 'spanId', 'start'] as const) if (m[k] === undefined) throw new InputError({ file: source }, `mapping needs "${k}"`);
  if (m.end === undefined && m.duration === undefined) throw new InputError({ file: source }, 'mapping needs "end" or "duration"');
  if (m.service === undefined && m.instance === undefined) throw new InputError({ file: source }, 'mapping needs "service" or "instance"');
  for (const k of ['timeUnit', 'durationUnit'] as const) {
    if (m[k] !== undefined && !(String(m[k]) in UNIT_TO_MS)) throw new InputError({ file: source }, `${k} must be one of ns, us, ms, s`);
  }
  const fail = (reason: string) => {
    throw new InputError({ file: source }, reason);
  };
  const isRef = (r: unknown) => (typeof r === 'string' && r !== '') || (Number.isInteger(r) && (r as number) >= 0);
  for (const k of COLUMN_KEYS) {
    const r = m[k];
    if (r !== undefined && !(isRef(r) || (Array.isArray(r) && r.length > 0 && r.every(isRef)))) {
      fail(`"${k}" must be a column name, a 0-based column index or a list of them`);
    }
  }
  if (m.separator !== undefined && (typeof m.separator !== 'string' || m.separator.length !== 1 || m.separator === '"' || m.separator === '\n' || m.separator === '\r')) {
    fail('"separator" must be one character (not a quote or a line break), e.g. "," or "\\t"');
  }
  if (m.noHeader !== undefined && typeof m.noHeader !== 'boolean') fail('"noHeader" must be true or false');
  if (m.noHeader === true) for (const k of COLUMN_KEYS) if (m[k] !== undefined && [m[k]].flat().some((r) => typeof r !== 'number')) fail(`"${k}": without a header, columns are 0-based indexes`);
  if (m.rootParentValues !== undefined && !(Array.isArray(m.rootParentValues) && m.rootParentValues.every((v) => typeof v === 'string'))) {
    fail('"rootParentValues" must be a list of strings');
  }
  if (m.services !== undefined && (typeof m.services !== 'object' || m.services === null || Array.isArray(m.services) || !Object.values(m.services).every((v) => typeof v === 'string' && v !== ''))) {
    fail('"services" must map instance names to service names: {"pod": "service"}');
  }
  const rule = m.serviceFromInstance as { pattern?: unknown; replacement?: unknown } | undefined;
  if (rule !== undefined) {
    if (typeof rule !== 'object' || rule === null || typeof rule.pattern !== 'string' || typeof rule.replacement !== 'string' || Object.keys(rule).some((k) => k !== 'pattern' && k !== 'replacement')) {
      fail('"serviceFromInstance" must be {"pattern": "<regular expression>", "replacement": "<text, $1 for a group>"}');
    }
    try {
      new RegExp(rule.pattern as string);
    } catch (e) {
      fail(`"serviceFromInstance.pattern" is not a valid regular expression: ${(e as Error).message}`);
    }
  }
  return m as unknown as ColumnMapping;
}

/** Resolves column references against the header into cell getters. */
function columnGetter(ref: ColumnRef | undefined, header: string[] | null, file: string): ((cells: string[]) => string) | undefined {
  if (ref === undefined) return undefined;
  const refs = Array.isArray(ref) ? ref : [ref];
  const idx = refs.map((r) => {
    if (typeof r === 'number') return r;
    const i = header ? header.indexOf(r) : -1;
    if (i < 0) throw new InputError({ file, line: 1 }, `column "${r}" of the mapping is not in the header (${header?.join(',') ?? 'no header'})`);
    return i;
  });
  if (idx.length === 1) {
    const i = idx[0];
    return (cells) => (cells[i] ?? '').trim();
  }
  return (cells) => idx.map((i) => (cells[i] ?? '').trim()).join(':');
}

export function instanceToService(mapping: ColumnMapping): (instance: string) => string {
  const rule = mapping.serviceFromInstance ?? DEFAULT_SERVICE_FROM_INSTANCE;
  const re = new RegExp(rule.pattern);
  const explicit = mapping.services ?? {};
  return (instance) => explicit[instance] ?? instance.replace(re, rule.replacement);
}

/** A span table (CSV) read through a column mapping; spans are grouped by trace id. */
export async function* readSpansCsv(file: string, opts: ReadOptions = {}): AsyncGenerator<Trace> {
  const m = opts.columns;
  if (m === undefined) throw new InputError({ file }, 'the spans-csv format needs a column mapping (--columns MAP.json)');
  const sep = m.separator ?? ',';
  const rootValues = new Set(m.rootParentValues ?? DEFAULT_ROOT_PARENT_VALUES);
  const toMs = UNIT_TO_MS[m.timeUnit ?? 'ms'];
  const durToMs = UNIT_TO_MS[m.durationUnit ?? m.timeUnit ?? 'ms'];
  const serviceOf = instanceToService(m);
  const compositeParent = Array.isArray(m.parentId);
  const groups = new SpanGroups(file, maxSpans(opts));
  let get: Record<string, ((cells: string[]) => string) | undefined> | null = null;
  let width = -1;
  for await (const [text, line] of readLines(readBytes(file))) {
    if (text.trim() === '') continue;
    const cells = splitCsv(text, sep);
    if (cells === null) throw new InputError({ file, line }, 'unterminated quote');
    if (get === null) {
      const header = m.noHeader ? null : cells.map((c) => c.trim());
      get = {};
      for (const k of COLUMN_KEYS) {
        get[k] = columnGetter(m[k], header, file);
      }
      width = cells.length;
      if (header) continue;
    }
    if (cells.length !== width) throw new InputError({ file, line }, `expected ${width} columns, found ${cells.length}`);
    const traceId = get.traceId!(cells);
    const spanId = get.spanId!(cells);
    if (traceId === '' || spanId === '') throw new InputError({ file, line }, 'empty trace id or span id');
    const num = (k: string, unit: number): number => {
      const raw = get![k]!(cells);
      // epoch nanoseconds exceed 2^53: split off the sub-millisecond digits before converting
      const exact = unit === UNIT_TO_MS.ns ? decimalNanosToMillis(raw) : undefined;
      if (exact !== undefined) return exact;
      const v = parseDecimal(raw);
      if (Number.isNaN(v)) throw new InputError({ file, line, traceId }, `${k} is not a number: ${JSON.stringify(raw)}`);
      return v * unit;
    };
    const start = num('start', toMs);
    const end = get.end ? num('end', toMs) : start + num('duration', durToMs);
    const instance = get.instance?.(cells);
    const service = get.service?.(cells) || (instance ? serviceOf(instance) : '');
    if (service === '') throw new InputError({ file, line, traceId }, 'empty service name');
    const span: Span = { spanId, service, kind: parseSpanKind(get.kind?.(cells)), start, end };
    const parent = get.parentId?.(cells);
    // a composite parent id is "no parent" when one of its parts is empty (or the joined value is a root value)
    if (parent !== undefined && !rootValues.has(parent) && !(compositeParent && parent.split(':').includes(''))) span.parentId = parent;
    const op = get.operation?.(cells);
    if (op) span.operation = op;
    const status = get.status?.(cells);
    if (status) span.status = status;
    if (instance) span.instance = instance;
    groups.add(traceId, span, line);
  }
  if (get === null) throw new InputError({ file }, 'no rows');
  yield* groups.traces(issueLog(opts));
}
