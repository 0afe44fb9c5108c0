import { InputError, TraceIds } from '../util/errors.ts';
import { parseDecimal } from '../util/decimal.ts';
import { ABSENT, StvMatrixBuilder, type StvMatrix } from '../stv/matrix.ts';
import { readBytes } from './input.ts';
import { readLines, splitCsv } from './lines.ts';

/** Values at or below this are absent in the released format (as `readdata.py` of the reference code reads it). */
const RELEASED_ABSENT_MAX = 1e-5;

/** Values are stored as float32: a larger one would be Infinity (and training on it NaN). */
const FLOAT32_MAX = 3.4028234663852886e38;

function parseValue(cell: string, file: string, line: number, col: number): number {
  const v = parseDecimal(cell);
  if (Number.isNaN(v)) throw new InputError({ file, line }, `value ${col + 1} is not a number: ${JSON.stringify(cell)}`);
  if (!(Math.abs(v) <= FLOAT32_MAX)) throw new InputError({ file, line }, `value ${col + 1} is out of range: ${cell} (STV values are stored as float32, at most 3.4e38)`);
  return v;
}

/**
 * The released TraceAnomaly format, one trace per line `TRACE_ID:v1,...,vn`, `0` = absent (read as -1).
 * Plain or zipped. Every line must have the same number of values.
 */
export async function readStvText(file: string): Promise<StvMatrix> {
  let builder: StvMatrixBuilder | null = null;
  const ids = new TraceIds();
  for await (const [text, line] of readLines(readBytes(file))) {
    if (text.trim() === '') continue;
    const colon = text.indexOf(':');
    if (colon <= 0) throw new InputError({ file, line }, 'expected TRACE_ID:v1,...,vn');
    const cells = text.slice(colon + 1).split(',');
    builder ??= new StvMatrixBuilder(cells.length, 4096);
    if (cells.length !== builder.width) throw new InputError({ file, line }, `expected ${builder.width} values, found ${cells.length}`);
    // the released files separate lines with "\n\r": ids would otherwise start with a carriage return
    const id = text.slice(0, colon).trim();
    ids.add(id, { file, line });
    const r = builder.addRow(id);
    for (let j = 0; j < cells.length; j++) {
      const v = parseValue(cells[j], file, line, j);
      if (v > RELEASED_ABSENT_MAX) r[j] = v;
    }
  }
  if (builder === null) throw new InputError({ file }, 'no rows');
  return builder.build();
}

/** The project's own `stv.csv`: header `trace_id,<dimension ids>`, values in ms, -1 = absent. */
export async function readStvCsv(file: string): Promise<StvMatrix> {
  let builder: StvMatrixBuilder | null = null;
  let dims: string[] = [];
  const ids = new TraceIds();
  for await (const [text, line] of readLines(readBytes(file))) {
    if (text.trim() === '') continue;
    const cells = splitCsv(text);
    if (cells === null) throw new InputError({ file, line }, 'unterminated quote');
    if (builder === null) {
      if (cells[0] !== 'trace_id') throw new InputError({ file, line }, 'expected a header starting with trace_id');
      dims = cells.slice(1);
      builder = new StvMatrixBuilder(dims.length, 4096);
      continue;
    }
    if (cells.length !== dims.length + 1) throw new InputError({ file, line }, `expected ${dims.length + 1} columns, found ${cells.length}`);
    ids.add(cells[0], { file, line });
    const r = builder.addRow(cells[0]);
    for (let j = 0; j < dims.length; j++) {
      const v = parseValue(cells[j + 1], file, line, j + 1);
      r[j] = v < 0 ? ABSENT : v;
    }
  }
  if (builder === null) throw new InputError({ file }, 'no rows');
  if (builder.rows === 0) throw new InputError({ file }, 'a header but no rows');
  return builder.build(dims);
}
