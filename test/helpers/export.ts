import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tinyService } from '../../src/harness/experiments/demo/tiny-service.ts';
import { messagesCsv } from './messages-csv.ts';

/** A labelled export: train.csv (normal traces), test.csv, labels.csv, and a dataset file describing them. */
export function writeExport(dir: string, extra: Record<string, unknown> = {}): string {
  const { train, test, labels } = tinyService({ seed: 7, train: 40, testNormal: 20, testAnomalies: 5 });
  writeFileSync(join(dir, 'train.csv'), messagesCsv(train));
  writeFileSync(join(dir, 'test.csv'), messagesCsv(test));
  writeFileSync(join(dir, 'labels.csv'), ['trace_id,label,anomaly_type,root_cause', ...[...labels].map(([id, l]) => `${id},${l.label},${l.anomalyType ?? ''},${l.rootCause ?? ''}`)].join('\n'));
  const file = join(dir, 'my-export.json');
  writeFileSync(file, JSON.stringify({ name: 'my-export', train: 'train.csv', test: { file: 'test.csv', format: 'messages-csv' }, labels: 'labels.csv', ...extra }));
  return file;
}

