import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.ts';
import { fixture, tempDir } from '../helpers/files.ts';
import { releasedTrainTicketFiles } from '../../src/lib/util/data-root.ts';

describe('traceanomaly stv', () => {
  it('writes callpaths.json and stv.csv; against a list, unseen.csv', () => {
    const dir = tempDir();
    const train = join(dir, 'train');
    expect(cli('stv', '--in', fixture('fig1/messages.csv'), '--out', train).code).toBe(0);
    const lines = readFileSync(join(train, 'stv.csv'), 'utf8').trim().split('\n');
    expect(lines).toEqual([
      'trace_id,a(start->a),"b(start->a,a->b)","c(start->a,a->b,b->c)","d(start->a,a->b,b->c,b->d)","e(start->a,a->b,b->c,b->d,d->e)","e(start->a,a->b,b->c,b->d,d->e,b->e)"',
      'UUID-1,222,209,4,44,28,67',
    ]);
    const list = JSON.parse(readFileSync(join(train, 'callpaths.json'), 'utf8'));
    expect(list.dimensions[5]).toEqual({ id: 'e(start->a,a->b,b->c,b->d,d->e,b->e)', service: 'e', path: ['start->a', 'a->b', 'b->c', 'b->d', 'd->e', 'b->e'] });

    // a trace where b skips c: every path from the missing call on is unseen
    const test = join(dir, 'test.csv');
    writeFileSync(test, readFileSync(fixture('fig1/messages.csv'), 'utf8').split('\n').filter((l) => !/,(b,c|c,b),/.test(l)).join('\n'));
    const out = join(dir, 'test');
    const r = cli('stv', '--in', test, '--callpaths', join(train, 'callpaths.json'), '--out', out);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'stv.csv'), 'utf8').trim().split('\n')[1]).toBe('UUID-1,222,209,-1,-1,-1,-1');
    expect(readFileSync(join(out, 'unseen.csv'), 'utf8').trim().split('\n')).toEqual([
      'trace_id,call_path_id',
      'UUID-1,"d(start->a,a->b,b->d)"',
      'UUID-1,"e(start->a,a->b,b->d,d->e)"',
      'UUID-1,"e(start->a,a->b,b->d,d->e,b->e)"',
    ]);
  });

  it('explains usage errors with exit code 2', () => {
    const r = cli('stv', '--in', fixture('fig1/messages.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing --out/);
    expect(cli('frobnicate').code).toBe(2);
  });
});

describe('traceanomaly inspect', () => {
  it('summarises a raw export', () => {
    const r = cli('inspect', fixture('fig1/zipkin.json'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'zipkin', traces: 1, dimensions: 6, validDimensions: 6, distinctValidSets: 1, services: 5 });
  });

  const released = releasedTrainTicketFiles();
  it.skipIf(released === null)('reports the released TrainTicket normal test set: 30,355 traces, 890/482 dimensions, 21 sets', () => {
    const r = cli('inspect', released!.normal);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'stv-text', traces: 30355, dimensions: 890, validDimensions: 482, distinctValidSets: 21 });
  });
});
