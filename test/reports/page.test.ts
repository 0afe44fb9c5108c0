import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPage, findChromium, pageProblems } from '../../src/harness/reports/page-check.ts';
import { tempDir } from '../helpers/files.ts';
import { writeFixtureReports } from './report-fixture.ts';

const exe = findChromium();
const title = exe
  ? 'the report page in headless Chromium'
  : 'the report page in headless Chromium: SKIPPED, no Chromium found (apt-get install chromium, or set CHROMIUM to its executable)';

if (!exe) console.warn(title);

/** A PNG's width and height, from its IHDR chunk. */
const pngSize = (file: string): [number, number] => {
  const b = readFileSync(file);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
};

describe.skipIf(!exe)(title, () => {
  it('shows no literal backticks, every chart and table inside the page at its own size, sections in the paper\'s order', async () => {
    const out = tempDir();
    const page = await writeFixtureReports(out);
    const shot = join(out, 'index.png');
    const m = checkPage(page, { exe: exe!, width: 1280, screenshot: shot });

    // Table II, III, ..., VI, then figures, then the rest; not alphabetical (ablation-samples first)
    expect(m.sections).toEqual(['table2', 'table6', 'fig11', 'ablation-samples']);
    // the descriptions' `trainticket-released` shows as code: the name is there, its backticks are not
    expect(m.text).toContain('trainticket-released is the authors');
    expect(m.text).not.toContain('`');
    // Table II: PR curves and bars per dataset; Table VI: bars and a heat map; Fig. 11: a heat map; sweep: 4 lines
    expect(m.charts).toHaveLength(11);
    expect(m.contentWidth).toBeGreaterThan(1000);
    for (const c of m.charts) {
      expect(c.shownWidth, `${c.section}/${c.name}`).toBeLessThanOrEqual(m.contentWidth);
      expect(c.overflow, `${c.section}/${c.name}`).toBe(0);
      // shown at its own size: its text as the spec sets it, 11 px at least
      expect(c.shownWidth, `${c.section}/${c.name}`).toBeCloseTo(c.width, 0);
      expect(c.minFontPx, `${c.section}/${c.name}`).toBeGreaterThanOrEqual(10);
    }
    for (const t of m.tables) expect(t.overflow, t.id).toBe(0);
    expect(pageProblems(m)).toEqual([]);
    // the screenshot is of the whole page
    const [w, h] = pngSize(shot);
    expect(w).toBe(1280);
    expect(h).toBeGreaterThanOrEqual(Math.min(16_000, Math.floor(m.height)));
  });

  it('finds what it checks for: a backtick in the text, a chart wider than the page, a chart shrunk to small text', () => {
    const out = tempDir();
    const page = join(out, 'bad.html');
    const svg = (w: number) => `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="100" viewBox="0 0 ${w} 100"><text x="5" y="50" font-size="11px">label</text></svg>`;
    writeFileSync(page, `<!doctype html><html><head><style>body{max-width:800px;margin:0 auto;padding:0 10px}figure{margin:0}.fit svg{max-width:100%;height:auto}</style></head><body>
<section id="s"><p>run \`npm run quality\` first</p>
<figure>${svg(1600)}<figcaption><a href="wide.vl.json">wide.vl.json</a></figcaption></figure>
<figure class="fit">${svg(2400)}<figcaption><a href="shrunk.vl.json">shrunk.vl.json</a></figcaption></figure></section></body></html>`);
    const m = checkPage(page, { exe: exe!, width: 1280 });
    expect(m.contentWidth).toBe(800);
    const [wide, shrunk] = m.charts;
    expect([wide.name, wide.width, wide.shownWidth]).toEqual(['wide', 1600, 1600]);
    expect(shrunk.shownWidth).toBe(800);
    // 11 px text in a 2400 px chart shown 800 px wide: 11 / 3 px
    expect(shrunk.minFontPx).toBeCloseTo(11 / 3, 3);
    const problems = pageProblems(m).join('\n');
    expect(problems).toContain('literal backtick in the text: run `npm run quality` first');
    expect(problems).toContain('chart s/wide is shown 1600 px wide, wider than the page\'s content (800 px)');
    expect(problems).toContain('chart s/shrunk: text shown at 3.7 px');
  });
});
