import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines (without the line break; a trailing '\r' is removed), numbered from 1. A UTF-8
 * byte order mark (spreadsheets write one) is not part of the first line.
 */
export async function* readLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<[line: string, lineNo: number]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNo = 0;
  let first = true;
  for await (const chunk of chunks) {
    let text = rest + decoder.write(chunk);
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      yield [text.slice(start, end), ++lineNo];
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest.endsWith('\r')) rest = rest.slice(0, -1);
  if (rest.length > 0) yield [rest, ++lineNo];
}

/**
 * Splits one CSV record (RFC 4180 quoting, `""` inside quotes; records do not span lines).
 * Returns null on an unterminated quote.
 */
export function splitCsv(line: string, sep = ','): string[] | null {
  if (line.indexOf('"') < 0) return line.split(sep);
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (true) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i >= n) return out;
      if (line[i] !== sep) return null;
      i++;
    } else {
      const next = line.indexOf(sep, i);
      if (next < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, next));
      i = next + 1;
    }
  }
}

/** Quotes a CSV field when needed. */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
