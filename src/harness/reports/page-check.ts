import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Looks at a report page the way a reader does: in headless Chromium (Debian's `chromium`), at a desktop
 * window's width. It measures the page after layout (an added script writes the measures into the DOM, which
 * `--dump-dom` prints), and can take a screenshot of the whole page.
 */

/** One chart as the page shows it. */
export interface ChartMeasure {
  /** The section (experiment) it is in, and its file name stem. */
  section: string;
  name: string;
  /** px: its own width (the SVG's), the width it is shown at, and its right edge's distance past the content's. */
  width: number;
  shownWidth: number;
  overflow: number;
  /** The smallest text in it at the size it is shown, px. */
  minFontPx: number;
}

export interface PageMeasure {
  /** The window's width and the width of the page's content (the body's, inside its padding), px. */
  windowWidth: number;
  contentWidth: number;
  /** The page's full height, px. */
  height: number;
  /** The sections (experiment names) in page order. */
  sections: string[];
  /** What a reader sees as text (innerText, which leaves out markup and scripts). */
  text: string;
  charts: ChartMeasure[];
  tables: { id: string; width: number; overflow: number }[];
}

const CHROMIUMS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** Chromium's executable: $CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH; null when none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CHROMIUM) return existsSync(env.CHROMIUM) ? env.CHROMIUM : null;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of CHROMIUMS) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Runs in the page after its content: measures it and writes the JSON into <pre id="page-check">. */
const MEASURE = `(() => {
  const body = document.body;
  const style = getComputedStyle(body);
  const box = body.getBoundingClientRect();
  const left = box.left + parseFloat(style.paddingLeft);
  const right = box.right - parseFloat(style.paddingRight);
  const charts = [...document.querySelectorAll('figure > svg, figure > img')].map((el) => {
    const r = el.getBoundingClientRect();
    const own = el.tagName.toLowerCase() === 'svg' ? (el.viewBox && el.viewBox.baseVal && el.viewBox.baseVal.width) || el.width.baseVal.value : el.naturalWidth;
    const scale = own > 0 ? r.width / own : 1;
    const sizes = [...el.querySelectorAll('text')].filter((t) => t.textContent.trim() !== '').map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    const link = el.closest('figure').querySelector('figcaption a');
    return {
      section: (el.closest('section') || { id: '' }).id,
      name: link ? link.textContent.replace(/\\.vl\\.json$/, '') : '',
      width: own,
      shownWidth: r.width,
      overflow: Math.max(0, r.right - right, left - r.left),
      minFontPx: sizes.length ? Math.min(...sizes) : Infinity,
    };
  });
  const tables = [...document.querySelectorAll('table')].map((t) => {
    const r = t.getBoundingClientRect();
    return { id: t.id, width: r.width, overflow: Math.max(0, r.right - right) };
  });
  const out = {
    windowWidth: window.innerWidth,
    contentWidth: right - left,
    height: document.documentElement.scrollHeight,
    sections: [...document.querySelectorAll('section')].map((s) => s.id),
    text: body.innerText,
    charts: charts.map((c) => ({ ...c, minFontPx: Number.isFinite(c.minFontPx) ? c.minFontPx : null })),
    tables,
  };
  const pre = document.createElement('pre');
  pre.id = 'page-check';
  pre.textContent = JSON.stringify(out);
  body.appendChild(pre);
})();`;

function chromium(exe: string, args: string[], profile: string): string {
  const r = spawnSync(exe, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', `--user-data-dir=${profile}`, ...args], { encoding: 'utf8', timeout: 90_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`${exe} did not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${exe} exited with ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

/**
 * Opens a report page in headless Chromium at `width` px and measures it; with `screenshot`, also writes a PNG
 * of the whole page there (at most 16,000 px high). The page is measured from a copy with the measuring script
 * added, in a temporary folder; the screenshot is of the page itself.
 */
export function checkPage(page: string, opts: { exe: string; width?: number; screenshot?: string }): PageMeasure {
  const width = opts.width ?? 1280;
  const tmp = mkdtempSync(join(tmpdir(), 'page-check-'));
  try {
    const html = readFileSync(page, 'utf8');
    const copy = join(tmp, 'page.html');
    const at = html.lastIndexOf('</body>');
    writeFileSync(copy, `${at < 0 ? html : html.slice(0, at)}<script>${MEASURE}</script>${at < 0 ? '' : html.slice(at)}`);
    const dom = chromium(opts.exe, [`--window-size=${width},1000`, '--dump-dom', pathToFileURL(copy).href], join(tmp, 'profile'));
    const json = /<pre id="page-check">([\s\S]*?)<\/pre>/.exec(dom)?.[1];
    if (json === undefined) throw new Error(`${opts.exe} printed no measures of ${page}`);
    const measure = JSON.parse(json.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as PageMeasure;
    if (opts.screenshot) {
      const height = Math.min(16_000, Math.max(600, Math.ceil(measure.height)));
      chromium(opts.exe, [`--window-size=${width},${height}`, `--screenshot=${resolve(opts.screenshot)}`, pathToFileURL(resolve(page)).href], join(tmp, 'profile'));
      if (!existsSync(opts.screenshot)) throw new Error(`${opts.exe} wrote no screenshot to ${opts.screenshot}`);
    }
    return measure;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** What a reader would stumble on: literal backticks, charts or tables wider than the page, text under `minFontPx` as shown. */
export function pageProblems(m: PageMeasure, minFontPx = 10): string[] {
  const out: string[] = [];
  const backticks = m.text.split('\n').filter((l) => l.includes('`'));
  for (const l of backticks) out.push(`literal backtick in the text: ${l.trim().slice(0, 120)}`);
  for (const c of m.charts) {
    const what = `chart ${c.section}/${c.name}`;
    if (c.overflow > 0.5) out.push(`${what} reaches ${c.overflow.toFixed(0)} px past the page's content (${m.contentWidth.toFixed(0)} px wide)`);
    if (c.shownWidth > m.contentWidth + 0.5) out.push(`${what} is shown ${c.shownWidth.toFixed(0)} px wide, wider than the page's content (${m.contentWidth.toFixed(0)} px)`);
    if (c.minFontPx !== null && c.minFontPx < minFontPx) out.push(`${what}: text shown at ${c.minFontPx.toFixed(1)} px (under ${minFontPx} px): it is ${c.width.toFixed(0)} px wide, shrunk to ${c.shownWidth.toFixed(0)} px`);
  }
  for (const t of m.tables) if (t.overflow > 0.5) out.push(`table ${t.id} reaches ${t.overflow.toFixed(0)} px past the page's content`);
  return out;
}
