import type { Trace } from '../trace/trace.ts';
import { linearise, type EventSequence, type SequenceOptions } from './linearise.ts';
import { BOS, EOS, type KeyVocabulary } from './vocabulary.ts';

/** A linearised trace with its key ids (EOS appended to `ids`, so `ids.length` = events + 1). */
export interface EncodedSequence {
  events: EventSequence;
  ids: Int32Array;
}

/**
 * The key sequence of a trace as ids (spec 1.4): its events' keys, then EOS; keys unseen in training are UNK
 * (the vocabulary learns them when `learn` is set). Shared by WFG, CFG, CPD and DeepLog*.
 */
export function encodeSequence(trace: Trace, vocab: KeyVocabulary, opts: SequenceOptions, learn: boolean): EncodedSequence {
  const events = linearise(trace, opts);
  const n = events.keys.length;
  const ids = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) ids[i] = vocab.id(events.keys[i], learn);
  ids[n] = EOS;
  return { events, ids };
}

/**
 * DeepLog*'s training pairs (spec 3.2, step 2): s = [BOS] * h ++ ids (ending with EOS); one pair
 * (s[t-h..t-1], s[t]) per t = h .. len(s)-1, so that the first key and the end of the trace are predicted too.
 * `windows` is row-major, h ids per pair.
 */
export function nextKeyWindows(ids: Int32Array, h: number): { windows: Int32Array; targets: Int32Array } {
  const n = ids.length;
  const windows = new Int32Array(n * h);
  const targets = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < h; j++) {
      const src = t - h + j;
      windows[t * h + j] = src < 0 ? BOS : ids[src];
    }
    targets[t] = ids[t];
  }
  return { windows, targets };
}
