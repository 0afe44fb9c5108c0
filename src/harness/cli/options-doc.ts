import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { optionRows, type OptionSchema } from '../../lib/options/schema.ts';
import { PROJECT_ROOT } from '../../lib/util/data-root.ts';
import { METHODS } from '../registry/methods.ts';
import { GENERATORS } from '../experiments/generators.ts';

export const OPTIONS_DOC = join(PROJECT_ROOT, 'docs', 'options.md');

const cell = (s: string) => s.replace(/\|/g, '\\|');

function optionTable(schema: OptionSchema): string[] {
  return ['| Option | Allowed | Default | Description |', '|---|---|---|---|', ...optionRows(schema).map((r) => `| \`${r.name}\` | ${cell(r.allowed)} | \`${cell(r.default)}\` | ${cell(r.description)} |`)];
}

/**
 * docs/options.md: every method's options as its schema declares them (name, CLI flag where the CLI takes it,
 * allowed values, default, description). Written by `npm run docs:options`; a test fails when the file and the
 * schemas disagree, so the table cannot go stale.
 */
export function optionsMarkdown(): string {
  const out = [
    '# Method options',
    '',
    "Generated from each method's and dataset generator's option schema by `npm run docs:options` (do not edit by hand: test/docs/options-doc.test.ts",
    'compares this file with the schemas). An experiment file sets them under a method\'s `options` (or `grid`); a value',
    "outside its range is rejected with the range. `traceanomaly train` takes TraceAnomaly's as flags (lists comma-separated).",
    'A seeded method gets the experiment cell\'s seed as its `seed` option.',
    '',
  ];
  for (const m of METHODS) {
    out.push(`## ${m.name} (${m.label})`, '', `${m.description}. Kind: ${m.kind}${m.kind === 'detection' ? ` (decision rule: ${m.decision})` : ''}; version ${m.version}${m.seeded ? '; seeded' : ''}${m.tfjs ? '; tfjs' : ''}.`, '');
    out.push(...optionTable(m.options), '');
  }
  out.push(
    '# Dataset generator options',
    '',
    "The simulated datasets' options, from each generator's schema: a dataset file sets them under `options`, an",
    "experiment under `datasetOptions` (they override the file's); an unknown option or a value outside its range is",
    'rejected with the range before any cell runs.',
    '',
  );
  for (const [name, g] of Object.entries(GENERATORS)) out.push(`## ${name}`, '', `${g.description}.`, '', ...optionTable(g.options), '');
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(OPTIONS_DOC, optionsMarkdown());
  console.log(`wrote ${OPTIONS_DOC}`);
}
