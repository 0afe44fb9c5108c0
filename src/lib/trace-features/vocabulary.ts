/** Reserved key ids of every sequence vocabulary (spec 1.4; DeepLog* uses PAD/BOS for left-padding). */
export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
/** A key not seen in training: always a path anomaly for the sequence models. */
export const UNK = 3;
const RESERVED = ['<pad>', '<bos>', '<eos>', '<unk>'];

export interface KeyVocabularyJson {
  format: 'traceanomaly-keys';
  version: 1;
  keys: string[];
}

/**
 * Interns call keys as small integers: 0..3 are PAD, BOS, EOS, UNK, then the training keys in the order first
 * seen. Unknown keys map to UNK once the vocabulary is frozen (or when looked up with `learn = false`).
 */
export class KeyVocabulary {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [...RESERVED];

  /** Number of ids, reserved ones included. */
  get size(): number {
    return this.names.length;
  }

  /** The key of an id (`<unk>` etc. for reserved ones). */
  name(id: number): string {
    return this.names[id] ?? RESERVED[UNK];
  }

  /** The id of a key; a new id when `learn`, else UNK for an unknown key. */
  id(key: string, learn = false): number {
    const id = this.ids.get(key);
    if (id !== undefined) return id;
    if (!learn) return UNK;
    const next = this.names.length;
    this.ids.set(key, next);
    this.names.push(key);
    return next;
  }

  has(key: string): boolean {
    return this.ids.has(key);
  }

  /** Ids of a key sequence. */
  encode(keys: readonly string[], learn = false): Int32Array {
    const out = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = this.id(keys[i], learn);
    return out;
  }

  toJSON(): KeyVocabularyJson {
    return { format: 'traceanomaly-keys', version: 1, keys: this.names.slice(RESERVED.length) };
  }

  static fromJSON(json: KeyVocabularyJson): KeyVocabulary {
    if (json.format !== 'traceanomaly-keys') throw new Error('not a key vocabulary (format field)');
    const v = new KeyVocabulary();
    for (const k of json.keys) v.id(k, true);
    return v;
  }
}
