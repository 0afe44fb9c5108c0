import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from '../../src/harness/cli/main.ts';
import { cli } from '../helpers/cli.ts';
import { fixture, tempDir } from '../helpers/files.ts';

/**
 * The bad-input corpus (issue 18; README's Bad input, docs/input-errors.md): each case is a command a user could
 * run on a damaged file or a wrong option. Each must end with exit 1 (2 for usage), one error line naming the
 * file (and line or trace where there is one) or the option, no stack trace, and no output file, partial or not.
 * The cases run in-process through main(), which is what the bin launcher runs; a few run through the launcher too.
 */

const fig1 = (name: string) => readFileSync(fixture(`fig1/${name}`), 'utf8');
const MESSAGES = fig1('messages.csv');
const JAEGER = fig1('jaeger.json');
const ZIPKIN = fig1('zipkin.json');
const OTLP = fig1('otlp.json');
const SPANS = fig1('spans.csv');
const COLUMNS = fig1('columns.json');
const MLINES = MESSAGES.trimEnd().split('\n');

/** Replaces exactly one occurrence (so that a case cannot silently stop damaging its file). */
function once(text: string, from: string | RegExp, to: string): string {
  const n = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from.source, `${from.flags}g`)) ?? []).length;
  if (n !== 1) throw new Error(`corpus: ${String(from)} occurs ${n} times`);
  return text.replace(from, to);
}

const otlpDoc = (scopeSpans: string) => `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeSpans":${scopeSpans}}]}\n`;
const jaegerSpan = (extra: string, processes = '{"p":{"serviceName":"a"}}') => `{"data":[{"traceID":"t","spans":[{"spanID":"1","processID":"p","startTime":1000,"duration":2000${extra}}],"processes":${processes}}]}\n`;

/** A zip of these members (made by Info-ZIP's zip, stored when asked). */
function zip(dir: string, name: string, members: Record<string, string>, stored = false): void {
  const src = join(dir, `${name}.d`);
  mkdirSync(src);
  for (const [m, text] of Object.entries(members)) writeFileSync(join(src, m), text);
  execFileSync('zip', ['-q', '-j', ...(stored ? ['-0'] : []), join(dir, name), ...Object.keys(members).map((m) => join(src, m))]);
}

type Files = Record<string, string | Buffer>;

interface Case {
  name: string;
  /** Files of the case, by name, in its folder; or a function that makes them there. */
  files: Files | ((dir: string) => void);
  /** The command line; `at(name)` is a file's path, `out` a fresh output path. */
  args: (at: (name: string) => string, out: string) => string[];
  code: 1 | 2;
  /** What the error line must say, after the file (or option) it names. */
  says: RegExp;
  /** The file whose path the line must name, with ':LINE' when it must name a line; 'out' for the output path. */
  names?: string;
  line?: number;
  trace?: string;
}

const TRACES = (file: string, extra: string[] = []) => (at: (n: string) => string, out: string) => ['stv', '--in', at(file), '--out', out, ...extra];
const INSPECT = (file: string, extra: string[] = []) => (at: (n: string) => string) => ['inspect', at(file), ...extra];

const CASES: Case[] = [
  // README's Bad input
  { name: 'truncated JSON', files: { 'bad.json': JAEGER.slice(0, 900) }, args: TRACES('bad.json'), code: 1, says: /truncated JSON: unexpected end of file$/, names: 'bad.json', line: 0 },
  { name: 'invalid JSON inside an element', files: { 'bad.json': once(ZIPKIN, '"duration": 67000', '"duration": 67000,') }, args: TRACES('bad.json'), code: 1, says: /invalid JSON: /, names: 'bad.json', line: 0 },
  { name: 'a non-numeric time', files: { 'bad.csv': once(MESSAGES, '1519747202144,', 'ten,') }, args: TRACES('bad.csv'), code: 1, says: /sent_ms is not a number: "ten"$/, names: 'bad.csv', line: 3 },
  { name: 'a CSV row with the wrong number of columns', files: { 'bad.csv': once(MESSAGES, 'UUID-1,call,b,c,1519747202149,1519747202150', 'UUID-1,call,b,c,1519747202149') }, args: TRACES('bad.csv'), code: 1, says: /expected 6 columns \(.*\), found 5$/, names: 'bad.csv', line: 4 },
  { name: 'an empty file', files: { 'bad.json': '' }, args: TRACES('bad.json'), code: 1, says: /: empty file$/, names: 'bad.json' },
  { name: 'a file without rows', files: { 'bad.csv': `${MLINES[0]}\n` }, args: TRACES('bad.csv'), code: 1, says: /: no rows$/, names: 'bad.csv' },
  { name: 'a missing parent (--strict)', files: { 'bad.json': once(ZIPKIN, '"parentId": "00000000000000b6"', '"parentId": "ffff"') }, args: TRACES('bad.json', ['--strict']), code: 1, says: /has parent ffff, which is not in the trace$/, names: 'bad.json', line: 0, trace: '00000000000000000000000000000001' },
  { name: 'a parent cycle (--strict)', files: { 'bad.csv': once(SPANS, /^UUID-1,s1,,/m, 'UUID-1,s1,s6,'), 'columns.json': COLUMNS }, args: (at, out) => ['stv', '--in', at('bad.csv'), '--columns', at('columns.json'), '--out', out, '--strict'], code: 1, says: /part of a parent cycle$|is its own parent$/, names: 'bad.csv', line: 0, trace: 'UUID-1' },
  { name: 'a negative duration (--strict)', files: { 'bad.json': once(ZIPKIN, '"duration": 67000', '"duration": -67000') }, args: TRACES('bad.json', ['--strict']), code: 1, says: /negative or invalid duration/, names: 'bad.json', line: 0, trace: '00000000000000000000000000000001' },
  { name: 'duplicate span ids (--strict)', files: { 'bad.json': once(JAEGER, '"spanID": "00000000000000a2",\n     "operationName"', '"spanID": "00000000000000a1",\n     "operationName"') }, args: TRACES('bad.json', ['--strict']), code: 1, says: /duplicate span id 00000000000000a1$/, names: 'bad.json', line: 0, trace: '00000000000000000000000000000001' },
  { name: 'a response without its call (--strict)', files: { 'bad.csv': `${MESSAGES}UUID-1,response,x,a,1519747202300,1519747202301\n` }, args: TRACES('bad.csv', ['--strict']), code: 1, says: /response x -> a has no matching call$/, names: 'bad.csv', line: 14, trace: 'UUID-1' },
  { name: 'a call without a response (every trace skipped)', files: { 'bad.csv': `${MLINES.filter((_, i) => i !== 5).join('\n')}\n` }, args: TRACES('bad.csv'), code: 1, says: /no usable traces: all 1 skipped \(1 unmatched-message\); first: .*call b -> c has no response$/, names: 'bad.csv' },
  // issue 18
  { name: 'a trace over --max-spans-per-trace (--strict)', files: { 'big.json': ZIPKIN }, args: TRACES('big.json', ['--strict', '--max-spans-per-trace', '3']), code: 1, says: /11 spans, more than --max-spans-per-trace 3$/, names: 'big.json', line: 0, trace: '00000000000000000000000000000001' },
  { name: 'OTLP "scopeSpans": 5', files: { 'bad.json': otlpDoc('5') }, args: INSPECT('bad.json'), code: 1, says: /"scopeSpans" is not a JSON array$/, names: 'bad.json', line: 1 },
  { name: 'OTLP "scopeSpans": [null]', files: { 'bad.json': otlpDoc('[null]') }, args: INSPECT('bad.json'), code: 1, says: /"scopeSpans" element is not a JSON object$/, names: 'bad.json', line: 1 },
  { name: 'OTLP "spans": [null]', files: { 'bad.json': otlpDoc('[{"spans":[null]}]') }, args: INSPECT('bad.json'), code: 1, says: /span is not a JSON object$/, names: 'bad.json', line: 1 },
  { name: 'OTLP resource without service.name', files: { 'bad.json': '{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[]}]}\n' }, args: INSPECT('bad.json'), code: 1, says: /resource has no service.name attribute$/, names: 'bad.json', line: 1 },
  { name: 'a Jaeger reference that is null', files: { 'bad.json': jaegerSpan(',"references":[null]') }, args: INSPECT('bad.json'), code: 1, says: /span 1 reference is not a JSON object$/, names: 'bad.json', line: 1, trace: 't' },
  { name: 'Jaeger "processes": 5', files: { 'bad.json': jaegerSpan('', '5') }, args: INSPECT('bad.json'), code: 1, says: /"processes" is not a JSON object$/, names: 'bad.json', line: 1, trace: 't' },
  { name: 'a mapping whose pattern is not a regular expression', files: { 'spans.csv': SPANS, 'map.json': JSON.stringify({ ...JSON.parse(COLUMNS), instance: undefined, service: 'PodName', serviceFromInstance: { pattern: '(', replacement: '$1' } }) }, args: (at) => ['inspect', at('spans.csv'), '--columns', at('map.json')], code: 1, says: /"serviceFromInstance.pattern" is not a valid regular expression: /, names: 'map.json' },
  { name: 'a mapping with separator ""', files: { 'spans.csv': SPANS, 'map.json': JSON.stringify({ ...JSON.parse(COLUMNS), separator: '' }) }, args: (at) => ['inspect', at('spans.csv'), '--columns', at('map.json')], code: 1, says: /"separator" must be one character/, names: 'map.json' },
  { name: 'a mapping with an unknown key', files: { 'spans.csv': SPANS, 'map.json': JSON.stringify({ ...JSON.parse(COLUMNS), traceID: 'x' }) }, args: (at) => ['inspect', at('spans.csv'), '--columns', at('map.json')], code: 1, says: /unknown mapping key "traceID"$/, names: 'map.json' },
  { name: 'a mapping that is not JSON', files: { 'spans.csv': SPANS, 'map.json': '{traceId: TraceID}' }, args: (at) => ['inspect', at('spans.csv'), '--columns', at('map.json')], code: 1, says: /invalid JSON: /, names: 'map.json' },
  { name: 'a span table without a mapping', files: { 'spans.csv': SPANS }, args: (at) => ['inspect', at('spans.csv'), '--format', 'spans-csv'], code: 1, says: /the spans-csv format needs a column mapping/, names: 'spans.csv' },
  { name: '--out under /sys', files: { 'm.csv': MESSAGES }, args: (at) => ['stv', '--in', at('m.csv'), '--out', '/sys/traceanomaly-x'], code: 1, says: /is on sysfs, a kernel file system where outputs cannot be written; give a path on a disk$/ },
  { name: '--out under /proc (it hung)', files: { 'm.csv': MESSAGES }, args: (at) => ['stv', '--in', at('m.csv'), '--out', '/proc/traceanomaly-x'], code: 1, says: /is on proc, a kernel file system where outputs cannot be written; give a path on a disk$/ },
  { name: '--out an existing file', files: { 'm.csv': MESSAGES, 'a-file': 'x' }, args: (at) => ['stv', '--in', at('m.csv'), '--out', at('a-file')], code: 1, says: /: is a file, not a folder \(the output goes in it\)$/, names: 'a-file' },
  { name: 'train --out inside a file (checked before training)', files: { 'm.csv': MESSAGES, 'a-file': 'x' }, args: (at) => ['train', '--in', at('m.csv'), '--out', join(at('a-file'), 'model')], code: 1, says: /: is a file, not a folder \(the output goes in it\)$/, names: 'a-file' },
  { name: 'detect --out a folder (checked before scoring)', files: { 'm.csv': MESSAGES, 'folder/keep': 'x' }, args: (at) => ['detect', '--model', at('no-model'), '--in', at('m.csv'), '--out', at('folder')], code: 1, says: /: is a folder; an output file goes there$/, names: 'folder' },
  { name: 'detect with a folder that is no model', files: { 'm.csv': MESSAGES, 'model/x': 'x' }, args: (at, out) => ['detect', '--model', at('model'), '--in', at('m.csv'), '--out', join(out, 's.csv')], code: 1, says: /: cannot read the model: /, names: 'model/model.json' },
  { name: 'Jaeger "duration": 1e400 (every trace skipped)', files: { 'bad.json': once(JAEGER, '"duration": 222000', '"duration": 1e400') }, args: TRACES('bad.json'), code: 1, says: /no usable traces: all 1 skipped \(1 invalid-time\); first: .*beyond \+-8640000000000000 ms, the range of dates/, names: 'bad.json' },
  { name: 'OTLP 1e300 ns (every trace skipped)', files: { 'bad.json': once(OTLP, '"endTimeUnixNano": "1519747202362000000"', '"endTimeUnixNano": "1e300"') }, args: TRACES('bad.json'), code: 1, says: /no usable traces: all 1 skipped \(1 invalid-time\)/, names: 'bad.json' },
  { name: 'messages-csv 1e308 (every trace skipped)', files: { 'bad.csv': once(MESSAGES, ',1519747202357', ',1e308') }, args: TRACES('bad.csv'), code: 1, says: /no usable traces: all 1 skipped \(1 invalid-time\); first: .*:12, trace UUID-1: received_ms 1e\+308 is beyond/, names: 'bad.csv' },
  { name: 'an STV value of 1e300', files: { 'v.txt': 't1:1,2\nt2:1e300,2\n' }, args: INSPECT('v.txt'), code: 1, says: /value 1 is out of range: 1e300/, names: 'v.txt', line: 2 },
  { name: 'a second Jaeger trace with one id', files: { 'bad.json': `{"data": [${JSON.parse(JAEGER).data.map((t: unknown) => JSON.stringify(t)).join(',')},\n${JSON.stringify(JSON.parse(JAEGER).data[0])}]}\n` }, args: TRACES('bad.json'), code: 1, says: /a second trace with this id \(the first is at line 1\)$/, names: 'bad.json', line: 2, trace: '00000000000000000000000000000001' },
  { name: 'a second stv-text trace with one id', files: { 'v.txt': 'x:1,2\ny:1,2\nx:3,4\n' }, args: INSPECT('v.txt'), code: 1, says: /a second trace with this id \(the first is at line 1\)$/, names: 'v.txt', line: 3, trace: 'x' },
  { name: 'a second stv.csv trace with one id', files: { 's.csv': 'trace_id,a(start->a)\nx,1\nx,2\n' }, args: INSPECT('s.csv'), code: 1, says: /a second trace with this id \(the first is at line 2\)$/, names: 's.csv', line: 3, trace: 'x' },
  { name: 'a hex time', files: { 'bad.csv': once(MESSAGES, '1519747202146', '0x5a7a3b8c') }, args: TRACES('bad.csv'), code: 1, says: /received_ms is not a number: "0x5a7a3b8c"$/, names: 'bad.csv', line: 3 },
  { name: 'a hex STV value', files: { 'v.txt': 't1:1,2\nt2:0x10,2\n' }, args: INSPECT('v.txt'), code: 1, says: /value 1 is not a number: "0x10"$/, names: 'v.txt', line: 2 },
  { name: 'text after the JSON document', files: { 'bad.json': `${ZIPKIN.trimEnd()}\ngarbage\n` }, args: TRACES('bad.json'), code: 1, says: /invalid JSON: text after the JSON document$/, names: 'bad.json', line: ZIPKIN.trimEnd().split('\n').length + 1 },
  { name: 'whitelist entries that are not strings', files: { 'm.csv': MESSAGES, 'w.json': '{"paths": [5]}' }, args: (at, out) => ['stv', '--in', at('m.csv'), '--whitelist', at('w.json'), '--out', out], code: 1, says: /"paths"\[0\] must be a call path id \(a string\), found 5$/, names: 'w.json' },
  { name: 'a whitelist with an unknown key', files: { 'm.csv': MESSAGES, 'w.json': '{"path": []}' }, args: (at, out) => ['stv', '--in', at('m.csv'), '--whitelist', at('w.json'), '--out', out], code: 1, says: /unknown whitelist key "path"$/, names: 'w.json' },
  { name: 'a call path list with an unknown definition', files: { 'm.csv': MESSAGES, 'c.json': '{"format":"traceanomaly-callpaths","version":1,"definition":"suffix","edgeLabel":"service","dimensions":[]}' }, args: (at, out) => ['stv', '--in', at('m.csv'), '--callpaths', at('c.json'), '--out', out], code: 1, says: /unknown "definition" "suffix" \(prefix or ancestors\)$/, names: 'c.json' },
  { name: 'a call path list that is not one', files: { 'm.csv': MESSAGES, 'c.json': '[]' }, args: (at, out) => ['stv', '--in', at('m.csv'), '--callpaths', at('c.json'), '--out', out], code: 1, says: /not a call path list \(format field\)$/, names: 'c.json' },
  {
    name: 'every trace skipped, for several reasons',
    files: { 'bad.json': `[${once(ZIPKIN, '"parentId": "00000000000000b6"', '"parentId": "ffff"').trim().slice(1, -1)},${ZIPKIN.replaceAll('00000000000000000000000000000001', '2').replace('"duration": 67000', '"duration": -67000').trim().slice(1, -1)}]` },
    args: TRACES('bad.json'), code: 1, says: /no usable traces: all 2 skipped \(1 missing-parent, 1 negative-duration\); first: .*trace 00000000000000000000000000000001: .*; .*trace 2: /, names: 'bad.json',
  },
  { name: 'a folder as input', files: { 'dir/x': 'x' }, args: INSPECT('dir'), code: 1, says: /: is a folder, not a file: give one trace or STV file$/, names: 'dir' },
  { name: 'an archive whose member is no trace file', files: (d) => zip(d, 'a.zip', { 'README.txt': 'These are my traces.\n' }), args: INSPECT('a.zip'), code: 1, says: /cannot tell the format from the first line \(archive member README\.txt\)/, names: 'a.zip', line: 1 },
  { name: 'an archive of two files', files: (d) => zip(d, 'a.zip', { 'x.txt': 't1:1,2\n', 'y.txt': 't2:1,2\n' }), args: INSPECT('a.zip'), code: 1, says: /the archive holds 2 files \(x\.txt, y\.txt\); it must hold one/, names: 'a.zip' },
  {
    name: 'a damaged stored archive member (CRC-32)',
    files: (d) => {
      zip(d, 'a.zip', { 'v.txt': `${Array.from({ length: 50 }, (_, i) => `t${i}:${i},3`).join('\n')}\n` }, true);
      const b = readFileSync(join(d, 'a.zip'));
      const at = b.indexOf('t25:25') + 4;
      b[at] = b[at] === 0x32 ? 0x33 : 0x32;
      writeFileSync(join(d, 'a.zip'), b);
    },
    args: INSPECT('a.zip'), code: 1, says: /member v\.txt is damaged: its CRC-32 does not match the archive's$/, names: 'a.zip',
  },
  { name: 'a .zip that is not an archive', files: { 'a.zip': 'PK? no' }, args: INSPECT('a.zip'), code: 1, says: /not a zip file/, names: 'a.zip' },
  { name: 'a damaged .gz', files: { 'm.csv.gz': gzipSync(MESSAGES).subarray(0, 40) }, args: INSPECT('m.csv.gz'), code: 1, says: /cannot decompress: /, names: 'm.csv.gz' },
  { name: 'an stv.csv with a header and no rows', files: { 's.csv': 'trace_id,a(start->a)\n' }, args: INSPECT('s.csv'), code: 1, says: /: a header but no rows$/, names: 's.csv' },
  { name: 'an stv-text line with too few values', files: { 'v.txt': 't1:1,2,3\nt2:1,2\n' }, args: INSPECT('v.txt'), code: 1, says: /expected 3 values, found 2$/, names: 'v.txt', line: 2 },
  { name: 'an unterminated quote', files: { 'bad.csv': once(MESSAGES, 'UUID-1,call,b,e,', '"UUID-1,call,b,e,') }, args: TRACES('bad.csv'), code: 1, says: /unterminated quote$/, names: 'bad.csv', line: 10 },
  { name: 'an unknown message kind', files: { 'bad.csv': once(MESSAGES, 'UUID-1,call,d,e', 'UUID-1,ping,d,e') }, args: TRACES('bad.csv'), code: 1, says: /kind must be "call" or "response", found "ping"$/, names: 'bad.csv', line: 7 },
  { name: 'a Zipkin span without a trace id', files: { 'bad.json': once(ZIPKIN, /"traceId": "0+1",\n {2}"id": "00000000000000a6"/, '"id": "00000000000000a6"') }, args: TRACES('bad.json'), code: 1, says: /traceId is missing or not a string$/, names: 'bad.json', line: 0 },
  { name: 'a JSON object of no known format', files: { 'bad.json': '{"traces": []}\n' }, args: INSPECT('bad.json'), code: 1, says: /JSON object with neither "data" \(Jaeger\) nor "resourceSpans" \(OTLP\); pass --format$/, names: 'bad.json' },
  { name: 'an STV file given to stv', files: { 's.csv': 'trace_id,a(start->a)\nx,1\n' }, args: TRACES('s.csv'), code: 1, says: /stv-csv holds vectors, not traces/, names: 's.csv' },
  { name: 'a labels file with a bad label', files: { 'm.csv': MESSAGES, 'l.csv': 'UUID-1,maybe\n' }, args: (at, out) => ['stv', '--in', at('m.csv'), '--labels', at('l.csv'), '--out', out], code: 1, says: /label must be 0\/1 \(or normal\/anomalous\), found "maybe"$/, names: 'l.csv', line: 1 },
  { name: 'a trace without a label', files: { 'm.csv': MESSAGES, 'l.csv': 'other,1\n' }, args: (at, out) => ['stv', '--in', at('m.csv'), '--labels', at('l.csv'), '--out', out], code: 1, says: /trace has no label$/, names: 'l.csv', trace: 'UUID-1' },
  // usage errors: exit 2, the option named on the first line
  { name: 'an unknown --format', files: { 'm.csv': MESSAGES }, args: INSPECT('m.csv', ['--format', 'jaegr']), code: 2, says: /--format: unknown format "jaegr" \(did you mean "jaeger"\?\)/ },
  { name: 'an unknown --definition', files: { 'm.csv': MESSAGES }, args: TRACES('m.csv', ['--definition', 'suffix']), code: 2, says: /--definition must be one of prefix, ancestors$/ },
  { name: '--max-spans-per-trace 0', files: { 'm.csv': MESSAGES }, args: TRACES('m.csv', ['--max-spans-per-trace', '0']), code: 2, says: /--max-spans-per-trace must be an integer >= 1$/ },
  { name: 'a hex --seed', files: { 'm.csv': MESSAGES }, args: (at, out) => ['train', '--in', at('m.csv'), '--out', out, '--seed', '0x10'], code: 2, says: /--seed must be an integer >= 0, found 0x10$/ },
  { name: 'an unknown option', files: { 'm.csv': MESSAGES }, args: TRACES('m.csv', ['--strcit']), code: 2, says: /unknown option --strcit \(did you mean --strict\?\)/ },
];

/** Runs the CLI in this process; returns the exit code and what it wrote. */
async function run(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const err = process.stderr.write.bind(process.stderr);
  const out = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  try {
    return { code: await main(args), stderr, stdout };
  } finally {
    process.stderr.write = err;
    process.stdout.write = out;
  }
}

/** Every file below `dir`, relative. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function setUp(c: Case): { dir: string; at: (n: string) => string; out: string; before: string[] } {
  const dir = tempDir();
  if (typeof c.files === 'function') c.files(dir);
  else {
    for (const [name, content] of Object.entries(c.files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
  }
  return { dir, at: (n) => join(dir, n), out: join(dir, 'out'), before: filesBelow(dir) };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the bad-input corpus: exit 1 (2 for usage), one line naming the file, no stack, no output', () => {
  it('holds at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const { dir, at, out, before } = setUp(c);
    const args = c.args(at, out);
    const r = await run(args);
    expect(r.code).toBe(c.code);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    // a stack frame ('    at f (file.ts:1:2)') or an error's name line ('TypeError: ...')
    expect(lines.filter((l) => /^\s+at .*:\d+:\d+\)?$/.test(l) || /^\w*Error\b/.test(l))).toEqual([]);
    const command = args[0];
    let line: string;
    if (c.code === 1) {
      // the one error line is the last; anything before it is a warning or a note about skipped traces
      const errors = lines.filter((l) => l.startsWith(`traceanomaly ${command}: error: `));
      expect(errors).toHaveLength(1);
      expect(lines.at(-1)).toBe(errors[0]);
      for (const l of lines.slice(0, -1)) expect(l).toMatch(/^(warning: |note: | {2})/);
      line = errors[0].slice(`traceanomaly ${command}: error: `.length);
    } else {
      line = lines[0];
      expect(line.startsWith(`traceanomaly ${command}: `)).toBe(true);
    }
    expect(line).toMatch(c.says);
    if (c.names !== undefined) {
      const where = c.line === undefined ? '' : c.line === 0 ? ':\\d+' : `:${c.line}`;
      const trace = c.trace === undefined ? '' : `, trace ${escape(c.trace)}`;
      expect(line).toMatch(new RegExp(`^${escape(at(c.names))}${where}${trace}: `));
    }
    // no output, partial or whole: the case's folder holds what it held
    expect(filesBelow(dir).sort()).toEqual(before.sort());
    expect(filesBelow(out)).toEqual([]);
  });

  it('the launcher gives what main() gives (exit code, one line, no stack) for a few cases', () => {
    for (const c of [CASES[0], CASES.find((x) => x.name.startsWith('OTLP "scopeSpans": 5'))!, CASES.at(-1)!]) {
      const { at, out } = setUp(c);
      const r = cli(...c.args(at, out));
      expect(r.code).toBe(c.code);
      expect(r.stderr.split('\n')[0]).toMatch(c.says);
      expect(r.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
    }
  });
});
