import { describe, expect, it } from 'vitest';
import { loadTraces } from '../../src/readers/read-traces.ts';
import { tempFile } from '../helpers/files.ts';

describe('messages-csv pairing', () => {
  it('pairs a response with the earlier call when the next call to the same service arrives in the same millisecond', async () => {
    // a calls b twice in a row; the second call reaches b in the millisecond (436) the first response left
    const file = tempFile(
      'm.csv',
      [
        'trace_id,kind,from,to,sent_ms,received_ms',
        't,call,start,a,,420',
        't,call,a,b,424,425',
        't,response,b,a,436,436',
        't,call,a,b,436,436',
        't,response,b,a,448,449',
        't,response,a,start,450,',
      ].join('\n'),
    );
    const [t] = await loadTraces(file, 'messages-csv');
    const ab = t.calls.filter((c) => c.caller === 'a').map((c) => [c.callReceived, c.responseSent]);
    expect(ab).toEqual([
      [425, 436],
      [436, 448],
    ]);
  });

  it('still pairs a zero-millisecond response with the call of that millisecond', async () => {
    const file = tempFile(
      'z.csv',
      ['trace_id,kind,from,to,sent_ms,received_ms', 't,call,start,a,,1', 't,call,a,b,2,2', 't,response,b,a,2,3', 't,response,a,start,5,'].join('\n'),
    );
    const [t] = await loadTraces(file, 'messages-csv');
    expect(t.calls.find((c) => c.caller === 'a')).toMatchObject({ callReceived: 2, responseSent: 2 });
  });
});
