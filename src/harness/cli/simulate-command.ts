import { join } from 'node:path';
import type { Trace, TraceLabel } from '../../lib/trace/trace.ts';
import { OutputSet } from '../../lib/util/atomic-write.ts';
import { csvField } from '../../lib/readers/lines.ts';
import { Progress } from '../../lib/util/progress.ts';
import { labelsCsvLines } from '../../lib/writers/labels-csv.ts';
import { extensionOf, traceLines, WRITE_FORMATS, type WriteFormat } from '../../lib/writers/write-traces.ts';
import type { FaultWindow } from '../../../datasets/sim/faults.ts';
import type { SimTrace } from '../../../datasets/sim/run.ts';
import { trainTicketConfig, trainTicketDays, GENERATOR_VERSION, type TrainTicketPreset } from '../../../datasets/trainticket/simulate.ts';
import { TRAINTICKET_OPTIONS } from '../experiments/generators.ts';
import { optionFlags, optionHelp, optionsFromFlags } from '../../lib/options/schema.ts';
import { SERVICES_PRESETS, SERVICES_VERSION, serviceDays, type ServicesPreset } from '../../../datasets/services/simulate.ts';
import { TABLE_I } from '../../../datasets/services/table1.ts';
import { oneOf, parseCommand, requireString, UsageError } from './args.ts';
import { didYouMean } from '../../lib/util/suggest.ts';

/** The simulator parameters the paper leaves open, which `simulate trainticket` takes as flags. */
const OPEN = ['rtDelayMs', 'abandon'];

export const SIMULATE_USAGE = `traceanomaly simulate trainticket|services --out DIR [--preset quick|paper] [--seed N]
                      [--format jaeger|otlp|zipkin|messages-csv] [--plain] [--service 1-4] [--fraction F]
                      [--rt-delay-ms LO,HI] [--abandon P]
  Simulates labelled traces (datasets/README.md says what is simulated and how it is calibrated).
  trainticket  the TrainTicket testbed of paper sec. V-A: a normal training day (Fig. 10 traffic, 40 peaks) and a
               test day with a response-time then an invocation-path fault injected into each of the 41 services
               (paper: ~380,000 training traces; quick: 1/20 of them, same test day)
  services     company-S-like services calibrated to Table I (Service-1..4), a training day and a test day with
               incidents in internal microservices and external services (paper: full daily traffic; quick: 1/20)
  DIR/train.<ext>.gz, DIR/test.<ext>.gz  the traces (.json Jaeger / Zipkin, .jsonl OTLP, .csv messages),
                                      gzipped unless --plain (the readers open both)
  DIR/labels.csv                    trace_id,label,anomaly_type,root_cause of the test traces
  DIR/faults.csv                    the injected faults; DIR/manifest.json: generator, seed, options and counts
  services write one folder per service (DIR/service-1, ...); --service picks one, --fraction overrides the
  share of the daily traffic. The same seed gives byte-identical files.
  trainticket also takes what sec. V-A leaves open (datasets/README.md, npm run sim:frontier):
${optionHelp(TRAINTICKET_OPTIONS, OPEN)}`;

interface Counts {
  traces: number;
  normal: number;
  rt: number;
  path: number;
}

/** Streams simulated traces, counting them and keeping their labels. */
function* tracesOf(sims: Iterable<SimTrace>, counts: Counts, labels: [string, TraceLabel][] | null, progress: Progress): Generator<Trace> {
  for (const s of sims) {
    counts.traces++;
    if (s.label.label === 0) counts.normal++;
    else if (s.label.anomalyType === 'rt') counts.rt++;
    else counts.path++;
    labels?.push([s.trace.id, s.label]);
    if ((counts.traces & 1023) === 0) progress.update(counts.traces);
    yield s.trace;
  }
  progress.done(counts.traces);
}

function* faultLines(faults: readonly FaultWindow[]): Generator<string> {
  yield 'service,type,start_ms,end_ms,delay_ms,external';
  for (const f of faults) yield [f.service, f.type, String(f.start), String(f.end), String(f.delayMs), f.external ?? ''].map(csvField).join(',');
}

/** The files simulate owns in a dataset folder: the traces in any format (so that another --format replaces them), labels, faults. */
const datasetFiles = (dir: string): string[] => [
  ...WRITE_FORMATS.flatMap((f) => ['train', 'test'].flatMap((part) => [`${part}${extensionOf(f)}`, `${part}${extensionOf(f)}.gz`])),
  'labels.csv',
  'faults.csv',
].map((name) => join(dir, name));

const zero = (): Counts => ({ traces: 0, normal: 0, rt: 0, path: 0 });

/** Writes one simulated dataset (train, test, labels, faults) into `dir` through `out`. */
async function writeDataset(out: OutputSet, dir: string, name: string, train: Iterable<SimTrace>, test: Iterable<SimTrace>, faults: readonly FaultWindow[], format: WriteFormat, gzip: boolean) {
  const ext = extensionOf(format) + (gzip ? '.gz' : '');
  const trainCounts = zero();
  const testCounts = zero();
  const labels: [string, TraceLabel][] = [];
  await out.text(join(dir, `train${ext}`), traceLines(tracesOf(train, trainCounts, null, new Progress(`${name} train`, undefined, 'traces')), format));
  await out.text(join(dir, `test${ext}`), traceLines(tracesOf(test, testCounts, labels, new Progress(`${name} test`, undefined, 'traces')), format));
  await out.text(join(dir, 'labels.csv'), labelsCsvLines(labels));
  await out.text(join(dir, 'faults.csv'), faultLines(faults));
  return { files: [`train${ext}`, `test${ext}`, 'labels.csv', 'faults.csv'], train: trainCounts.traces, test: { normal: testCounts.normal, rt: testCounts.rt, path: testCounts.path } };
}

export async function simulateCommand(args: string[]): Promise<number> {
  const { values: o, positionals } = parseCommand(
    args,
    {
      preset: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      plain: { type: 'boolean' },
      service: { type: 'string' },
      fraction: { type: 'string' },
      ...optionFlags(TRAINTICKET_OPTIONS, OPEN),
    },
    1,
  );
  if (o.help) {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  const what = positionals[0];
  if (what !== 'trainticket' && what !== 'services') throw new UsageError(what === undefined ? 'say what to simulate: trainticket or services' : `cannot simulate "${what}"${didYouMean(what, ['trainticket', 'services'])}: trainticket or services`);
  const outDir = requireString(o.out, 'out');
  const preset = oneOf(o.preset, 'preset', ['quick', 'paper'] as const, 'quick');
  const format = oneOf<WriteFormat>(o.format, 'format', WRITE_FORMATS, 'jaeger');
  const seed = o.seed === undefined ? 1 : Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
  const gzip = !o.plain;
  if (what === 'trainticket' && (o.service !== undefined || o.fraction !== undefined)) throw new UsageError('--service and --fraction are for services');
  const open = optionsFromFlags(TRAINTICKET_OPTIONS, o, OPEN);
  if (what === 'services' && Object.keys(open).length > 0) throw new UsageError('--rt-delay-ms and --abandon are for trainticket');
  const fraction = o.fraction === undefined ? undefined : Number(o.fraction);
  if (fraction !== undefined && !(fraction > 0 && fraction <= 1)) throw new UsageError('--fraction must be in (0, 1]');
  const which = o.service === undefined ? TABLE_I : [TABLE_I[Number(o.service) - 1]];
  if (which.some((s) => s === undefined)) throw new UsageError('--service must be 1, 2, 3 or 4');
  // the output folders are checked before any work (and cleared of a killed run's partial files)
  const folders = what === 'trainticket' ? [outDir] : which.map((spec) => join(outDir, spec.name));
  const out = await OutputSet.open([...folders.flatMap(datasetFiles), join(outDir, 'manifest.json')]);
  const started = Date.now();
  try {
    let manifest: Record<string, unknown>;
    if (what === 'trainticket') {
      const config = trainTicketConfig(preset as TrainTicketPreset, seed, open);
      const days = trainTicketDays(config);
      const written = await writeDataset(out, outDir, 'trainticket', days.train, days.test, days.faults, format, gzip);
      manifest = { generator: GENERATOR_VERSION, topology: days.model.topology.source, preset, seed, format, ...written, config };
    } else {
      const config = { ...SERVICES_PRESETS[preset as ServicesPreset], seed, ...(fraction !== undefined ? { fraction } : {}) };
      const services: Record<string, unknown> = {};
      for (const spec of which) {
        const days = serviceDays(spec, config);
        services[spec.name] = await writeDataset(out, join(outDir, spec.name), spec.name, days.train, days.test, days.faults, format, gzip);
      }
      manifest = { generator: SERVICES_VERSION, preset, seed, format, services, config };
    }
    await out.text(join(outDir, 'manifest.json'), [JSON.stringify(manifest, null, 1)]);
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  process.stderr.write(`simulated ${what} (${preset}, seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${outDir}\n`);
  return 0;
}
