import { callPathListLines } from '../../lib/writers/callpaths-json.ts';
import { join } from 'node:path';
import { CallPathList, type CallPathListJson, type PathDefinition } from '../../lib/callpaths/call-path-list.ts';
import type { EdgeLabel } from '../../lib/callpaths/edges.ts';
import { encodeTraces } from '../../lib/stv/encode.ts';
import { ABSENT, type StvMatrix } from '../../lib/stv/matrix.ts';
import { Whitelist } from '../../lib/stv/whitelist.ts';
import { readLabels } from '../../lib/readers/labels.ts';
import { OutputSet } from '../../lib/util/atomic-write.ts';
import { csvField } from '../../lib/readers/lines.ts';
import { labelsCsvLines } from '../../lib/writers/labels-csv.ts';
import { InputError } from '../../lib/util/errors.ts';
import { oneOf, parseCommand, requireString } from './args.ts';
import { isStvFormat, loadColumnMapping, loadTraceFile, readJsonFile, resolveFormat } from '../inputs/load-input.ts';
import { MAX_SPANS_HELP, TRACE_READ_OPTIONS, traceReadOptions } from './trace-read-flags.ts';

export const STV_USAGE = `traceanomaly stv --in FILE [--format F] [--columns MAP.json] [--callpaths LIST.json]
                 [--definition prefix|ancestors] [--edge service|endpoint] [--whitelist W.json]
                 [--labels LABELS.csv] [--strict] [--max-spans-per-trace N] --out DIR
  Extracts call paths (paper sec. II-B) and writes service trace vectors (sec. II-C):
  DIR/callpaths.json  the ordered dimensions (id, service, path)
  DIR/stv.csv         trace_id, then one column per dimension; response times in ms, -1 = absent
  DIR/unseen.csv      trace_id,call_path_id for paths not in --callpaths (only with --callpaths)
  DIR/labels.csv      the --labels rows of these traces, in stv.csv order (only with --labels)
  Without --callpaths the call path list is built from the input itself.
  ${MAX_SPANS_HELP}`;

/** The files `stv` writes in its folder (some only with --callpaths or --labels): an earlier run's are replaced or removed. */
export const STV_OUTPUTS = ['callpaths.json', 'stv.csv', 'unseen.csv', 'labels.csv'];

/** One STV value as text: whole milliseconds stay integers, fractions keep microsecond precision. */
export function formatValue(v: number): string {
  if (v === ABSENT) return '-1';
  return String(Math.round(v * 1000) / 1000);
}

export function* stvCsvLines(m: StvMatrix, dimensionIds: string[]): Generator<string> {
  yield ['trace_id', ...dimensionIds].map(csvField).join(',');
  const d = m.width;
  for (let i = 0; i < m.ids.length; i++) {
    const cells = new Array<string>(d + 1);
    cells[0] = csvField(m.ids[i]);
    for (let j = 0; j < d; j++) cells[j + 1] = formatValue(m.values[i * d + j]);
    yield cells.join(',');
  }
}

export async function stvCommand(args: string[]): Promise<number> {
  const { values: o } = parseCommand(args, {
    in: { type: 'string' },
    format: { type: 'string' },
    columns: { type: 'string' },
    callpaths: { type: 'string' },
    definition: { type: 'string' },
    edge: { type: 'string' },
    whitelist: { type: 'string' },
    labels: { type: 'string' },
    ...TRACE_READ_OPTIONS,
    out: { type: 'string' },
  });
  if (o.help) {
    console.log(STV_USAGE);
    return 0;
  }
  const file = requireString(o.in, 'in');
  const outDir = requireString(o.out, 'out');
  const definition = oneOf<PathDefinition>(o.definition, 'definition', ['prefix', 'ancestors'], 'prefix');
  const edgeLabel = oneOf<EdgeLabel>(o.edge, 'edge', ['service', 'endpoint'], 'service');
  const readOptions = traceReadOptions(o);
  // the output folder is checked before any work (and cleared of a killed run's partial files)
  const out = await OutputSet.open(STV_OUTPUTS.map((f) => join(outDir, f)));
  const columns = await loadColumnMapping(o.columns);
  const format = await resolveFormat(file, o.format, columns, true);
  if (isStvFormat(format)) throw new InputError({ file }, `${format} holds vectors, not traces: call paths cannot be extracted from it`);

  let list: CallPathList | undefined;
  if (o.callpaths !== undefined) {
    if (o.definition !== undefined || o.edge !== undefined) throw new InputError({ file: o.callpaths }, '--definition and --edge come from the call path list; do not pass them with --callpaths');
    try {
      list = CallPathList.fromJSON((await readJsonFile(o.callpaths)) as CallPathListJson);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError({ file: o.callpaths }, (e as Error).message);
    }
  }
  const whitelist = o.whitelist !== undefined ? Whitelist.fromJSON(await readJsonFile(o.whitelist), o.whitelist) : undefined;
  const labels = o.labels !== undefined ? await readLabels(o.labels) : undefined;
  const traces = await loadTraceFile(file, format, { ...(columns ? { columns } : {}), ...readOptions });
  list ??= CallPathList.fromTraces(traces, { definition, edgeLabel });
  const { matrix, unseen } = encodeTraces(list, traces, whitelist);

  try {
    await out.text(join(outDir, 'callpaths.json'), callPathListLines(list));
    await out.text(join(outDir, 'stv.csv'), stvCsvLines(matrix, list.dimensionIds));
    if (o.callpaths !== undefined) {
      await out.text(join(outDir, 'unseen.csv'), (function* () {
        yield 'trace_id,call_path_id';
        for (const u of unseen) for (const p of u.pathIds) yield `${csvField(u.traceId)},${csvField(p)}`;
      })());
    }
    if (labels) {
      const rows = function* () {
        for (const id of matrix.ids) {
          const l = labels.get(id);
          if (l === undefined) throw new InputError({ file: o.labels, traceId: id }, 'trace has no label');
          yield [id, l] as const;
        }
      };
      await out.text(join(outDir, 'labels.csv'), labelsCsvLines(rows()));
    }
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  process.stderr.write(
    `${matrix.ids.length} traces, ${list.width} dimensions${o.callpaths !== undefined ? `, ${unseen.length} trace(s) with unseen call paths` : ''} -> ${outDir}\n`,
  );
  return 0;
}
