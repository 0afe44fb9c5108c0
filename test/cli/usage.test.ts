import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cli, cliInProcess } from '../helpers/cli.ts';
import { TRAIN_USAGE } from '../../src/harness/cli/train-command.ts';
import { closestNames, didYouMean, editDistance } from '../../src/lib/util/suggest.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('edit distance and suggestions', () => {
  it('counts insertions, deletions, substitutions and swaps of neighbours (hand-computed)', () => {
    expect(editDistance('trian', 'train')).toBe(1); // one swap
    expect(editDistance('kitten', 'sitting')).toBe(3); // the textbook example
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('tabel2', 'table2')).toBe(1);
    expect(editDistance('ca', 'abc')).toBe(3); // optimal string alignment: no edit of a swapped pair
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests only close names: a slip, or the start of names', () => {
    expect(closestNames('trian', ['stv', 'train', 'detect'])).toEqual(['train']);
    expect(closestNames('frobnicate', ['stv', 'train', 'detect'])).toEqual([]);
    expect(closestNames('table', ['table2', 'table3', 'demo'])).toEqual(['table2', 'table3']);
    expect(didYouMean('Tabel3', ['table2', 'table3'])).toBe(' (did you mean "table3"?)');
    expect(didYouMean('xyz', ['table2'])).toBe('');
  });
});

describe('the command line follows the usual conventions', () => {
  it('--version and -V print the version of package.json', async () => {
    const r = cli('--version');
    expect([r.code, r.stdout.trim(), r.stderr]).toEqual([0, VERSION, '']);
    expect((await cliInProcess('-V')).stdout.trim()).toBe(VERSION);
  });

  it('`help CMD` and `CMD --help` print that command\'s help; --help documents them and the exit codes', async () => {
    const help = await cliInProcess('help', 'train');
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(TRAIN_USAGE);
    expect((await cliInProcess('train', '--help')).stdout).toBe(TRAIN_USAGE);
    const top = await cliInProcess('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/traceanomaly help <command>/);
    expect(top.stdout).toMatch(/--version/);
    expect(top.stdout).toMatch(/Exit status: 0 .*; 1 .*; 2 a usage error/s);
  });

  it('a misspelt command or help topic suggests the closest command and exits 2', async () => {
    const r = cli('trian');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('traceanomaly: unknown command "trian" (did you mean "train"?)');
    const topic = await cliInProcess('help', 'detcet');
    expect(topic.code).toBe(2);
    expect(topic.stderr).toMatch(/unknown command "detcet" \(did you mean "detect"\?\)/);
    const what = await cliInProcess('simulate', 'traintickt', '--out', 'x');
    expect([what.code, what.stderr.split('\n')[0]]).toEqual([2, 'traceanomaly simulate: cannot simulate "traintickt" (did you mean "trainticket"?): trainticket or services']);
    // no command at all is a usage error too, with the usage on stderr
    const none = await cliInProcess();
    expect([none.code, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toMatch(/no command given[\s\S]*Commands:/);
  });

  it('unknown options, missing values and switches with values get the tool\'s own one-line messages, exit 2', async () => {
    const first = async (...args: string[]) => {
      const r = await cliInProcess(...args);
      return [r.code, r.stderr.split('\n')[0]];
    };
    expect(await first('train', '--in', 'x.csv', '--otu', 'm')).toEqual([2, 'traceanomaly train: unknown option --otu (did you mean --out?)']);
    expect(await first('train', '--frobnicate')).toEqual([2, 'traceanomaly train: unknown option --frobnicate']);
    expect(await first('train', '-x')).toEqual([2, 'traceanomaly train: unknown option -x']);
    expect(await first('train', '--out')).toEqual([2, 'traceanomaly train: --out needs a value']);
    expect(await first('train', '--in', '--out', 'm')).toEqual([2, 'traceanomaly train: --in needs a value, found the option --out (write --in=--out if that is the value)']);
    expect(await first('experiment', 'demo', '--quick=yes')).toEqual([2, 'traceanomaly experiment: --quick takes no value (found --quick=yes)']);
    expect(await first('train', '--backend', 'wsam', '--in', 'x', '--out', 'm')).toEqual([2, 'traceanomaly train: --backend must be one of auto, tensorflow-gpu, tensorflow, onnx, wasm, cpu, found wsam (did you mean "wasm"?)']);
  });

  it('a misspelt experiment name is a usage error (2) naming the closest; a missing definition file is bad input (1)', async () => {
    const r = await cliInProcess('experiment', 'tabel2');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^traceanomaly experiment: unknown experiment "tabel2" \(did you mean "table2"\?\); built in: /);
    const file = await cliInProcess('experiment', 'no-such-dir/mine.json');
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/no-such-dir\/mine\.json: no such experiment definition file/);
  });
});
