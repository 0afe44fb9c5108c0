import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { createGunzip, createInflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';
import { InputError } from '../util/errors.ts';

const CHUNK = 1 << 20;

/** CRC-32 (zlib's when this Node has it, 20.15 on). */
const crc32: (data: Uint8Array, value: number) => number =
  (zlib as { crc32?: (data: Uint8Array, value: number) => number }).crc32 ??
  (() => {
    const table = new Uint32Array(256).map((_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      return c;
    });
    return (data: Uint8Array, value: number) => {
      let c = ~value >>> 0;
      for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
      return ~c >>> 0;
    };
  })();

/** Reads the bytes of a file as a stream of chunks; `.gz` is gunzipped, `.zip` yields its one file member (CRC-checked). */
export async function* readBytes(file: string): AsyncGenerator<Buffer> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch (e) {
    throw new InputError({ file }, `cannot read: ${(e as Error).message}`);
  }
  if (info.isDirectory()) throw new InputError({ file }, 'is a folder, not a file: give one trace or STV file');
  if (info.size === 0 && info.isFile()) throw new InputError({ file }, 'empty file');
  let stream: Readable;
  let member: ZipMember | undefined;
  if (/\.zip$/i.test(file)) {
    member = await zipMember(file);
    stream = member.stream;
  } else if (/\.gz$/i.test(file)) stream = createReadStream(file, { highWaterMark: CHUNK }).pipe(createGunzip());
  else stream = createReadStream(file, { highWaterMark: CHUNK });
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of stream) {
      if (member) {
        crc = crc32(chunk as Buffer, crc);
        size += (chunk as Buffer).length;
      }
      yield chunk as Buffer;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file }, `cannot decompress${member ? ` member ${member.name}` : ''}: ${(e as Error).message}`);
  }
  if (member && (crc !== member.crc || size !== member.size)) {
    throw new InputError({ file }, `member ${member.name} is damaged: ${size !== member.size ? `${size} bytes where the archive says ${member.size}` : 'its CRC-32 does not match the archive\'s'}`);
  }
}

/** The name of the member a `.zip` is read from (for messages about its content). */
export async function zipMemberName(file: string): Promise<string> {
  const m = await zipMember(file);
  m.stream.destroy();
  return m.name;
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

interface ZipMember {
  name: string;
  stream: Readable;
  crc: number;
  size: number;
}

/**
 * A minimal zip reader: finds the one file member through the central directory (folders and __MACOSX/ aside;
 * an archive of several files is refused, naming them) and inflates it.
 */
async function zipMember(file: string): Promise<ZipMember> {
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
    const members: { name: string; method: number; compSize: number; size: number; crc: number; localOffset: number }[] = [];
    for (let e = 0; e < entries; e++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new InputError({ file }, 'corrupt zip central directory');
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const compSize = cd.readUInt32LE(p + 20);
      const size = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const localOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      p += 46 + nameLen + extraLen + commentLen;
      if (name.endsWith('/') || name.startsWith('__MACOSX/')) continue;
      members.push({ name, method, compSize, size, crc, localOffset });
    }
    if (members.length > 1) {
      const names = members.map((m) => m.name);
      throw new InputError({ file }, `the archive holds ${members.length} files (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}); it must hold one: unzip it and pass the file`);
    }
    for (const { name, method, compSize, size, crc, localOffset } of members) {
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, localOffset);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new InputError({ file }, `corrupt zip local header for ${name}`);
      const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (compSize === 0xffffffff || size === 0xffffffff) throw new InputError({ file }, 'zip64 archives are not supported; unzip the file first');
      if (method !== 0 && method !== 8) throw new InputError({ file }, `zip member ${name} uses unsupported compression method ${method}`);
      if (size === 0) throw new InputError({ file }, `member ${name}: empty file`);
      const raw = createReadStream(file, { start: dataStart, end: dataStart + compSize - 1, highWaterMark: CHUNK });
      return { name, crc, size, stream: method === 0 ? raw : raw.pipe(createInflateRaw()) };
    }
    throw new InputError({ file }, 'zip archive has no file member');
  } finally {
    await fh.close();
  }
}
