import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip, createInflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';
import { InputError } from '../util/errors.ts';

const CHUNK = 1 << 20;

/** Reads the bytes of a file as a stream of chunks; `.gz` is gunzipped, `.zip` yields its single (or first) member. */
export async function* readBytes(file: string): AsyncGenerator<Buffer> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    throw new InputError({ file }, `cannot read: ${(e as Error).message}`);
  }
  if (size === 0) throw new InputError({ file }, 'empty file');
  let stream: Readable;
  if (/\.zip$/i.test(file)) stream = await zipMemberStream(file);
  else if (/\.gz$/i.test(file)) stream = createReadStream(file, { highWaterMark: CHUNK }).pipe(createGunzip());
  else stream = createReadStream(file, { highWaterMark: CHUNK });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file }, `cannot decompress: ${(e as Error).message}`);
  }
}

/** The first `n` bytes of the (decompressed) content, for format detection. */
export async function peekBytes(file: string, n = 65536): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  const it = readBytes(file);
  for await (const chunk of it) {
    parts.push(chunk);
    got += chunk.length;
    if (got >= n) break;
  }
  await it.return(undefined);
  return Buffer.concat(parts).subarray(0, n);
}

/** A minimal zip reader: finds the first file member through the central directory and inflates it. */
async function zipMemberStream(file: string): Promise<Readable> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65536 + 22);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new InputError({ file }, 'not a zip file (no end-of-central-directory record)');
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    let p = 0;
    for (let e = 0; e < entries; e++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new InputError({ file }, 'corrupt zip central directory');
      const method = cd.readUInt16LE(p + 10);
      const compSize = cd.readUInt32LE(p + 20);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const localOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      p += 46 + nameLen + extraLen + commentLen;
      if (name.endsWith('/') || name.startsWith('__MACOSX/')) continue;
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, localOffset);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new InputError({ file }, `corrupt zip local header for ${name}`);
      const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (compSize === 0xffffffff) throw new InputError({ file }, 'zip64 archives are not supported; unzip the file first');
      const raw = createReadStream(file, { start: dataStart, end: dataStart + compSize - 1, highWaterMark: CHUNK });
      if (method === 0) return raw;
      if (method === 8) return raw.pipe(createInflateRaw());
      throw new InputError({ file }, `zip member ${name} uses unsupported compression method ${method}`);
    }
    throw new InputError({ file }, 'zip archive has no file member');
  } finally {
    await fh.close();
  }
}
