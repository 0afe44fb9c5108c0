import { describe, expect, it } from 'vitest';
import { experimentNames, loadExperiment } from '../../src/harness/experiments/catalog.ts';
import { validateExperiment } from '../../src/harness/experiments/definition.ts';

const base = { name: 'mine', title: 'Mine', kind: 'detection', datasets: ['trainticket'], methods: ['traceanomaly'], seeds: [1] };

describe('experiment definitions', () => {
  it('give a definition without a report its kind\'s layout, and a one-option grid a sweep over that option', () => {
    expect(validateExperiment(base, 'mine.json').report).toEqual({ layout: 'detection' });
    expect(validateExperiment({ ...base, grid: { samples: [1, 10] } }, 'mine.json').report).toEqual({ layout: 'sweep', x: 'samples' });
    expect(validateExperiment({ ...base, grid: { samples: [1], flowLength: [0, 2] } }, 'mine.json').report).toEqual({ layout: 'detection' });
    // a sweep plots numbers: a grid of names is a detection table with one row per value
    expect(validateExperiment({ ...base, grid: { bandwidth: ['silverman', 'scott'] } }, 'mine.json').report).toEqual({ layout: 'detection' });
    expect(validateExperiment({ ...base, kind: 'localization' }, 'mine.json').report.layout).toBe('ranking');
    expect(validateExperiment({ ...base, kind: 'task' }, 'mine.json').report.layout).toBe('values');
    // what a report gives is kept; a sweep without x plots the grid's one option
    expect(validateExperiment({ ...base, report: { layout: 'by-dataset' } }, 'mine.json').report).toEqual({ layout: 'by-dataset' });
    expect(validateExperiment({ ...base, grid: { zDim: [2, 10] }, report: { layout: 'sweep', metrics: ['f1'] } }, 'mine.json').report).toEqual({ layout: 'sweep', metrics: ['f1'], x: 'zDim' });
  });

  it('rejects a bad layout, a sweep that cannot tell its x, and a report that is not an object, naming the file', () => {
    expect(() => validateExperiment({ ...base, report: { layout: 'pie' } }, 'mine.json')).toThrow(/mine\.json.*"report\.layout" must be one of detection/);
    expect(() => validateExperiment({ ...base, grid: { a: [1], b: [2] }, report: { layout: 'sweep' } }, 'mine.json')).toThrow(/mine\.json.*"report\.x"/);
    expect(() => validateExperiment({ ...base, report: 'detection' }, 'mine.json')).toThrow(/mine\.json.*"report" must be an object/);
  });

  it('refuses a name that is not a plain folder name (it names the report folder under --out), naming the file', () => {
    for (const name of ['../../evil', '..', '.hidden', 'a/b', 'a\\b', 'x'.repeat(101), 'tab\tname', '/abs']) {
      expect(() => validateExperiment({ ...base, name }, 'mine.json'), name).toThrow(/^mine\.json: "name" must be letters, digits/);
    }
    for (const name of ['table2', 'ablation-flow-length', 'my_exp.v2', 'x'.repeat(100)]) expect(validateExperiment({ ...base, name }, 'mine.json').name).toBe(name);
  });

  it('loads every built-in experiment', async () => {
    const names = await experimentNames();
    expect(names).toEqual(expect.arrayContaining(['table2', 'table6', 'fig11', 'ablation-flow-length', 'ablation-samples']));
    for (const n of names) expect((await loadExperiment(n)).name).toBe(n);
  });
});
