import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONS_DOC, optionsMarkdown } from '../../src/harness/cli/options-doc.ts';

describe('docs/options.md', () => {
  it('is what the option schemas say (run `npm run docs:options` after changing an option)', () => {
    expect(readFileSync(OPTIONS_DOC, 'utf8')).toBe(optionsMarkdown());
  });
  it('gives every option table one header row', () => {
    const header = '| Option | Allowed | Default | Description |\n|---|---|---|---|\n';
    expect(optionsMarkdown()).not.toContain(header + header);
  });
  it("lists TraceAnomaly's flow length with its range and default", () => {
    expect(optionsMarkdown()).toContain('| `flowLength` | an integer >= 0 | `10` | K: blocks of the posterior flow; 0 is the vanilla VAE |');
  });
});
