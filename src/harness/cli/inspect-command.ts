import { CallPathList } from '../../lib/callpaths/call-path-list.ts';
import { encodeTraces } from '../../lib/stv/encode.ts';
import { summarizeStv } from '../../lib/stv/summary.ts';
import { parseWhole } from '../../lib/stv/whitelist.ts';
import { UsageError, parseCommand } from './args.ts';
import { isStvFormat, loadColumnMapping, loadTraceFile, readStvFile, resolveFormat } from '../inputs/load-input.ts';
import { MAX_SPANS_HELP, TRACE_READ_OPTIONS, traceReadOptions } from './trace-read-flags.ts';

export const INSPECT_USAGE = `traceanomaly inspect FILE [--format F] [--columns MAP.json] [--strict] [--max-spans-per-trace N]
  Prints a JSON summary on stdout: format, traces, dimensions, validDimensions, distinctValidSets, services
  (services is null for the released STV format, which names no dimensions). For raw traces the dimensions
  are the call paths of the file itself.
  ${MAX_SPANS_HELP}`;

export async function inspectCommand(args: string[]): Promise<number> {
  const { values: o, positionals } = parseCommand(args, { format: { type: 'string' }, columns: { type: 'string' }, ...TRACE_READ_OPTIONS }, 1);
  if (o.help) {
    console.log(INSPECT_USAGE);
    return 0;
  }
  const file = positionals[0];
  if (file === undefined) throw new UsageError('missing FILE');
  const columns = await loadColumnMapping(o.columns);
  const format = await resolveFormat(file, o.format, columns, true);
  let summary;
  let services: number | null;
  if (isStvFormat(format)) {
    const m = await readStvFile(file, format);
    summary = summarizeStv(m);
    services = m.dimensionIds ? new Set(m.dimensionIds.map((id) => parseWhole(id)?.service ?? id)).size : null;
  } else {
    const traces = await loadTraceFile(file, format, { ...(columns ? { columns } : {}), ...traceReadOptions(o) });
    const list = CallPathList.fromTraces(traces);
    summary = summarizeStv(encodeTraces(list, traces).matrix);
    const names = new Set<string>();
    for (const t of traces) for (const c of t.calls) names.add(c.callee);
    services = names.size;
  }
  console.log(JSON.stringify({ file, format, ...summary, services }, null, 2));
  return 0;
}
