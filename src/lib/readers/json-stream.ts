import { InputError } from '../util/errors.ts';

/** One JSON value cut out of a stream, with the line it starts on. */
export interface JsonElement {
  value: unknown;
  line: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Streams the elements of one array out of a JSON document, or out of each document of a JSON-lines file,
 * without holding the whole file. With `key` set: the array under that key of each top-level object
 * (`{"data": [...]}`); with `key` null: a top-level array. Elements must be objects or arrays; each is parsed
 * on its own, so memory grows with the elements kept, not with the file. Errors name the file and line.
 */
export async function* streamJsonArrayElements(
  chunks: AsyncIterable<Buffer>,
  key: string | null,
  file: string,
): AsyncGenerator<JsonElement> {
  const targetDepth = key === null ? 1 : 2; // nesting depth of the elements we cut out
  let depth = 0;
  let line = 1;
  let inString = false;
  let escape = false;
  let sawDocument = false;
  let inTarget = false; // inside the target array
  let inElem = false; // inside one of its elements
  let elemLine = 0;
  let pieces: Buffer[] = [];
  let keyPieces: Buffer[] | null = null; // a string being read at depth 1 (a candidate key)
  let lastString = '';
  let keyMatches = false; // at depth 1, just after `"key":`

  let first = true;
  for await (const chunk of chunks) {
    let elemStart = inElem ? 0 : -1;
    let strStart = keyPieces ? 0 : -1;
    const n = chunk.length;
    let i = 0;
    // a UTF-8 byte order mark before the document
    if (first && n > 0) {
      first = false;
      if (n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    for (; i < n; i++) {
      if (inString) {
        // jump to the closing quote: the next quote not preceded by an odd run of backslashes
        if (escape) {
          escape = false;
          continue;
        }
        let q = chunk.indexOf(QUOTE, i);
        while (q >= 0) {
          let b = q - 1;
          while (b >= i && chunk[b] === BACKSLASH) b--;
          if ((q - 1 - b) % 2 === 0) break;
          q = chunk.indexOf(QUOTE, q + 1);
        }
        if (q < 0) {
          let b = n - 1;
          while (b >= i && chunk[b] === BACKSLASH) b--;
          escape = (n - 1 - b) % 2 === 1;
          i = n;
          break;
        }
        inString = false;
        if (keyPieces) {
          keyPieces.push(chunk.subarray(strStart, q));
          lastString = Buffer.concat(keyPieces).toString('utf8');
          keyPieces = null;
          strStart = -1;
        }
        i = q;
        continue;
      }
      const c = chunk[i];
      // between documents only white space may stand (several documents: the collector's JSON lines)
      if (depth === 0 && c !== 0x7b && c !== 0x5b && c > 0x20) {
        throw new InputError({ file, line }, sawDocument ? 'invalid JSON: text after the JSON document' : 'invalid JSON: expected an object or an array');
      }
      switch (c) {
        case QUOTE:
          inString = true;
          if (depth === 1 && key !== null && !inTarget) {
            keyPieces = [];
            strStart = i + 1;
          }
          break;
        case 0x3a: // :
          if (depth === 1) keyMatches = lastString === key;
          break;
        case 0x2c: // ,
          if (depth === 1) keyMatches = false;
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (depth === 0) sawDocument = true;
          if (inTarget && depth === targetDepth) {
            inElem = true;
            elemStart = i;
            elemLine = line;
          }
          depth++;
          if (c === 0x5b && !inTarget && ((key === null && depth === 1) || (key !== null && depth === 2 && keyMatches))) {
            inTarget = true;
          }
          if (depth === 2) keyMatches = false;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          depth--;
          if (depth < 0) throw new InputError({ file, line }, `invalid JSON: unexpected '${String.fromCharCode(c)}'`);
          if (inElem && depth === targetDepth) {
            pieces.push(chunk.subarray(elemStart, i + 1));
            const text = pieces.length === 1 ? pieces[0].toString('utf8') : Buffer.concat(pieces).toString('utf8');
            pieces = [];
            inElem = false;
            elemStart = -1;
            let value: unknown;
            try {
              value = JSON.parse(text);
            } catch (e) {
              throw new InputError({ file, line: elemLine }, `invalid JSON: ${(e as Error).message}`);
            }
            yield { value, line: elemLine };
          } else if (inTarget && depth === targetDepth - 1) {
            inTarget = false;
          }
          break;
        case NEWLINE:
          line++;
          break;
        default:
          if (inTarget && !inElem && depth === targetDepth && c > 0x20) {
            throw new InputError({ file, line }, 'invalid JSON: expected an object or an array as array element');
          }
      }
    }
    if (keyPieces && strStart >= 0) keyPieces.push(chunk.subarray(strStart));
    if (inElem) pieces.push(chunk.subarray(elemStart));
  }
  if (inString || depth !== 0) throw new InputError({ file, line }, 'truncated JSON: unexpected end of file');
  if (!sawDocument) throw new InputError({ file, line }, 'no JSON document found');
}
