import { escapeHtml, proseHtml, tableHtml, type Table } from './table.ts';

export const unescapeHtml = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

export interface SectionInput {
  name: string;
  title: string;
  description?: string;
  meta: string[];
  tables: Table[];
  figures: { svg: string; caption: string; files: string[] }[];
  /** Links to the experiment's files, relative to the page the section is shown in. */
  links: { href: string; text: string }[];
}

/** One experiment as an HTML fragment: tables and inline SVG charts, nothing loaded from elsewhere. */
export function sectionHtml(s: SectionInput): string {
  const figures = s.figures
    .map((f) => `<figure>${f.svg}<figcaption>${proseHtml(f.caption)} <span class="files">${f.files.map((x) => `<a href="${escapeHtml(x)}">${escapeHtml(x.split('/').pop()!)}</a>`).join(' ')}</span></figcaption></figure>`)
    .join('\n');
  return `<section id="${escapeHtml(s.name)}">
<h2>${escapeHtml(s.title)}</h2>
${s.description ? `<p>${proseHtml(s.description)}</p>` : ''}
<p class="meta">${s.meta.map(escapeHtml).join(' · ')}</p>
${s.tables.map(tableHtml).join('\n')}
<div class="figures">
${figures}
</div>
<p class="files">Files: ${s.links.map((l) => `<a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a>`).join(', ')}</p>
</section>`;
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
nav ul{columns:2}table{border-collapse:collapse;margin:1em 0;font-size:.9em}caption{text-align:left;font-weight:bold;padding:.3em 0}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right;white-space:nowrap}th{background:#f3f3f3}th[colspan]{text-align:center}td:first-child,th:first-child{text-align:left}
tr.paper td{font-style:italic;color:#555;background:#fafafa}td .std{font-size:.85em;color:#555}ul.notes{font-size:.85em;color:#444}
.figures{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0;max-width:100%}figure svg{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#444;max-width:560px}code{font-size:.9em;background:#f3f3f3;padding:0 .2em}.meta,.files{font-size:.85em;color:#555}`;

const ROMAN: Record<string, number> = { I: 1, II: 2, III: 3, IV: 4, V: 5, VI: 6, VII: 7, VIII: 8, IX: 9, X: 10 };

/**
 * Where a section goes in the paper's order, by its title: the paper's tables (Table II, III, ... by number),
 * then its figures (Fig. 11), then everything else (ablations, demos) by name.
 */
export function paperOrder(a: { name: string; title: string }, b: { name: string; title: string }): number {
  const rank = (title: string): number => {
    const table = /^Table ([IVX]+)\b/.exec(title);
    if (table && ROMAN[table[1]]) return ROMAN[table[1]];
    const fig = /^Fig(?:ure|\.)? ?(\d+)\b/.exec(title);
    return fig ? 100 + Number(fig[1]) : 1000;
  };
  return rank(a.title) - rank(b.title) || a.name.localeCompare(b.name);
}

/** A complete page that opens offline: inline CSS, inline SVGs, no scripts. */
export function pageHtml(title: string, sections: { name: string; title: string; html: string }[], intro = ''): string {
  const nav = sections.length > 1 ? `<nav><ul>${sections.map((s) => `<li><a href="#${escapeHtml(s.name)}">${escapeHtml(s.title)}</a></li>`).join('')}</ul></nav>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${intro}
${nav}
${sections.map((s) => s.html).join('\n')}
</body>
</html>
`;
}
