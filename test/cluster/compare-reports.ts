// Compares two reports of one experiment, times aside (src/harness/reports/compare-reports.ts):
//   npx tsx test/cluster/compare-reports.ts REPORT_DIR_A REPORT_DIR_B
// Prints each difference and exits 1, or one line saying what agreed and exits 0.
import { readdirSync } from 'node:fs';
import { reportDifferences } from '../../src/harness/reports/compare-reports.ts';

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  process.stderr.write('usage: compare-reports.ts REPORT_DIR_A REPORT_DIR_B\n');
  process.exit(2);
}
const differences = await reportDifferences(a, b);
for (const d of differences) process.stderr.write(`differs: ${d}\n`);
const tables = readdirSync(a).filter((f) => /^table.*\.csv$/.test(f));
process.stdout.write(differences.length ? `${a} and ${b}: ${differences.length} difference(s)\n` : `${a} and ${b} agree: summary.json rows and ${tables.length} table(s), times aside\n`);
process.exit(differences.length ? 1 : 0);
