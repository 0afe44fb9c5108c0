import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The font PNG rendering uses: resvg draws no text at all without one, so it is looked for explicitly. */
export interface FontChoice {
  /** Font files to load (a regular face, and its bold face when found). */
  files: string[];
  /** Its family name, as the font's name table gives it; null when none was found. */
  family: string | null;
  /** How it was found. */
  source: 'TRACEANOMALY_FONT' | 'fc-match' | 'known path' | 'none';
  /** Set when no font file was found: PNG text then depends on resvg finding system fonts itself. */
  warning?: string;
}

/** Well-known places of a sans-serif TrueType font (Debian/Ubuntu, Fedora, Arch, macOS, Windows). */
const KNOWN = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  '/Library/Fonts/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];

const isFontFile = (f: string): boolean => /\.(ttf|otf)$/i.test(f) && existsSync(f);

/**
 * The family name (name ID 1) in a TrueType/OpenType font's `name` table; null when the file is not a
 * single-font sfnt or has no family name.
 */
export function fontFamilyOf(file: string): string | null {
  let b: Buffer;
  try {
    b = readFileSync(file);
  } catch {
    return null;
  }
  if (b.length < 12) return null;
  const tag = b.readUInt32BE(0);
  if (tag !== 0x00010000 && tag !== 0x4f54544f && tag !== 0x74727565) return null; // TrueType, 'OTTO', 'true'
  const tables = b.readUInt16BE(4);
  for (let t = 0; t < tables; t++) {
    const rec = 12 + t * 16;
    if (b.toString('latin1', rec, rec + 4) !== 'name') continue;
    const off = b.readUInt32BE(rec + 8);
    const count = b.readUInt16BE(off + 2);
    const strings = off + b.readUInt16BE(off + 4);
    let mac: string | null = null;
    for (let i = 0; i < count; i++) {
      const r = off + 6 + i * 12;
      const [platform, , , nameId, length, start] = [0, 2, 4, 6, 8, 10].map((k) => b.readUInt16BE(r + k));
      if (nameId !== 1) continue;
      const raw = b.subarray(strings + start, strings + start + length);
      if (platform === 3 || platform === 0) return Buffer.from(raw).swap16().toString('utf16le');
      if (platform === 1) mac ??= raw.toString('latin1');
    }
    return mac;
  }
  return null;
}

function withBold(file: string): string[] {
  const name = basename(file);
  const candidates = [name.replace(/(-Regular)?\.(ttf|otf)$/i, '-Bold.$2'), name.replace(/\.(ttf|otf)$/i, 'bd.$1')];
  const bold = candidates.map((c) => join(dirname(file), c)).find((f) => f !== file && existsSync(f));
  return bold ? [file, bold] : [file];
}

function choose(file: string, source: FontChoice['source']): FontChoice | null {
  const family = fontFamilyOf(file);
  return family ? { files: withBold(file), family, source } : null;
}

let cached: FontChoice | undefined;

/** $TRACEANOMALY_FONT, else fontconfig's sans-serif, else a well-known path; cached. */
export function findFont(): FontChoice {
  if (cached) return cached;
  const env = process.env.TRACEANOMALY_FONT;
  let found = env && isFontFile(env) ? choose(env, 'TRACEANOMALY_FONT') : null;
  if (!found) {
    try {
      const f = execFileSync('fc-match', ['-f', '%{file}', 'sans-serif'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
      if (isFontFile(f)) found = choose(f, 'fc-match');
    } catch {
      // no fontconfig
    }
  }
  for (const f of KNOWN) {
    if (found) break;
    if (isFontFile(f)) found = choose(f, 'known path');
  }
  cached = found ?? {
    files: [],
    family: null,
    source: 'none',
    warning: 'no TrueType font found: PNG charts may have no text. Install one (Debian/Ubuntu: apt-get install fonts-dejavu-core) or set TRACEANOMALY_FONT=/path/to/font.ttf; the SVG charts are not affected',
  };
  return cached;
}
