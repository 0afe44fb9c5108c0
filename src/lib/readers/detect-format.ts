import { InputError } from '../util/errors.ts';
import { didYouMean } from '../util/suggest.ts';
import { peekBytes, zipMemberName } from './input.ts';

/** How much of a file format detection reads. */
const PEEK = 65536;
import { splitCsv } from './lines.ts';
import { MESSAGES_HEADER } from './messages-csv.ts';
import { STV_FORMATS, TRACE_FORMATS, type InputFormat } from './options.ts';

export const ALL_FORMATS: readonly InputFormat[] = [...TRACE_FORMATS, ...STV_FORMATS];

export function parseFormat(name: string): InputFormat {
  if (!(ALL_FORMATS as readonly string[]).includes(name)) {
    throw new InputError({}, `unknown format "${name}"${didYouMean(name, ALL_FORMATS)}; expected one of ${ALL_FORMATS.join(', ')}`);
  }
  return name as InputFormat;
}

/**
 * Guesses a file's format from its first bytes (after unzipping): JSON with "data" (Jaeger) or "resourceSpans"
 * (OTLP), a JSON array (Zipkin), the messages-csv header, an `stv.csv` header, `ID:v1,v2,...` lines (stv-text);
 * other CSV is a span table when a column mapping is given.
 */
export async function detectFormat(file: string, hasColumnMapping = false): Promise<InputFormat> {
  const peeked = await peekBytes(file, PEEK);
  const head = peeked.toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = head.trimStart();
  // in an archive, say which member was looked at
  const member = /\.zip$/i.test(file) ? ` (archive member ${await zipMemberName(file)})` : '';
  if (trimmed.startsWith('{')) {
    if (/"resourceSpans"\s*:/.test(head)) return 'otlp';
    if (/"data"\s*:/.test(head)) return 'jaeger';
    throw new InputError({ file }, `JSON object with neither "data" (Jaeger) nor "resourceSpans" (OTLP)${member}; pass --format`);
  }
  if (trimmed.startsWith('[')) return 'zipkin';
  // the first line may be cut at the end of the peeked bytes (an stv.csv header names every call path, a
  // released STV line holds every value): only its start decides, without the value the cut split
  const lines = trimmed.split(/\r?\n/, 2);
  const cut = lines.length === 1 && peeked.length >= PEEK;
  const firstLine = cut ? lines[0].replace(/,[^,]*$/, '') : lines[0];
  const cells = (splitCsv(firstLine) ?? []).map((c) => c.trim().toLowerCase());
  if (cells.length === MESSAGES_HEADER.length && cells.every((c, i) => c === MESSAGES_HEADER[i])) return 'messages-csv';
  if (/^"?trace_id"?\s*,/i.test(firstLine) && !hasColumnMapping) return 'stv-csv';
  if (/^[^,:\s]+:-?[\d.eE+-]+(,-?[\d.eE+-]+)*$/.test(firstLine)) return 'stv-text';
  if (hasColumnMapping) return 'spans-csv';
  throw new InputError({ file, line: 1 }, `cannot tell the format from the first line${member}; pass --format (and --columns for span tables)`);
}
