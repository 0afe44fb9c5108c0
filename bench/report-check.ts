/**
 * npm run report:check -- [PAGE] [--screenshot FILE] [--width PX]
 *
 * Opens a report page (default reports/index.html) in headless Chromium, takes a screenshot of the whole page
 * (default: the page's name with .png) and checks what a reader would stumble on: literal backticks in the
 * text, charts or tables wider than the page, chart text shown under 10 px. Prints one line per chart and per
 * problem; exit 0 when none, 1 when a problem or no Chromium ($CHROMIUM, or chromium on PATH: Debian's package),
 * 2 for a usage error.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkPage, findChromium, pageProblems } from '../src/harness/reports/page-check.ts';

const fail = (line: string, code: number): never => {
  process.stderr.write(`report:check: ${line}\n`);
  process.exit(code);
};

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({ allowPositionals: true, options: { screenshot: { type: 'string' }, width: { type: 'string' } } });
}
try {
  parsed = parse();
} catch (e) {
  fail(`${(e as Error).message.split(/\.( |$)/)[0]} (usage: npm run report:check -- [PAGE] [--screenshot FILE] [--width PX])`, 2);
}
const { values, positionals } = parsed!;
if (positionals.length > 1) fail(`one page at a time, got ${positionals.length}: ${positionals.join(' ')}`, 2);
const page = positionals[0] ?? 'reports/index.html';
const width = values.width === undefined ? 1280 : Number(values.width);
if (!Number.isInteger(width) || width < 320 || width > 4000) fail(`--width must be a whole number of px from 320 to 4000, not ${values.width}`, 2);
if (!existsSync(page)) fail(`no page at ${page} (write one with: traceanomaly experiment NAME)`, 1);
const exe = findChromium();
if (!exe) fail('no Chromium found: install Debian\'s chromium (apt-get install chromium) or set CHROMIUM to its executable', 1);
const screenshot = values.screenshot ?? page.replace(/\.html?$/i, '') + '.png';

try {
  const m = checkPage(page, { exe: exe!, width, screenshot });
  console.log(`${page}: ${m.sections.length} section(s), content ${m.contentWidth.toFixed(0)} px wide in a ${m.windowWidth} px window, ${m.charts.length} chart(s); screenshot ${screenshot}`);
  for (const c of m.charts) console.log(`  ${c.section}/${c.name}: ${c.width.toFixed(0)} px, shown ${c.shownWidth.toFixed(0)} px, smallest text ${c.minFontPx === null ? '-' : `${c.minFontPx.toFixed(1)} px`}`);
  const problems = pageProblems(m);
  for (const p of problems) console.log(`problem: ${p}`);
  if (problems.length) process.exit(1);
} catch (e) {
  fail((e as Error).message.split('\n')[0], 1);
}
