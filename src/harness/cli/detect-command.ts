import { dirname, join, basename } from 'node:path';
import { BACKEND_CHOICES, describeBackend } from '../../lib/backend/backend.ts';
import { loadModel } from '../models/model-folder.ts';
import { TraceAnomalyDetector } from '../../methods/traceanomaly/detector.ts';
import { localizeAnomalies, type RootCauseColumns } from './localize-anomalies.ts';
import { TraceAnomalyLocalizer } from '../../methods/traceanomaly-rca/localizer.ts';
import { csvField } from '../../lib/readers/lines.ts';
import type { DetectorInput } from '../../lib/contracts/dataset.ts';
import { trainingColumns } from '../../lib/stv/align.ts';
import { Whitelist } from '../../lib/stv/whitelist.ts';
import { OutputSet } from '../../lib/util/atomic-write.ts';
import { InputError } from '../../lib/util/errors.ts';
import { Progress } from '../../lib/util/progress.ts';
import { parseCommand, requireString } from './args.ts';
import { readJsonFile } from '../inputs/load-input.ts';
import { MAX_SPANS_HELP } from './trace-read-flags.ts';
import { INPUT_OPTIONS, readModelInput } from './model-input.ts';
import { RUN_NAMES, runOptions, selectBackend } from './train-command.ts';
import { optionFlags } from '../../lib/options/schema.ts';
import { TRACEANOMALY_OPTIONS } from '../../methods/traceanomaly/options.ts';

export const DETECT_USAGE = `traceanomaly detect --model MODEL_DIR --in FILE [--format F] [--columns MAP.json] [--strict] [--max-spans-per-trace N]
                    [--whitelist W.json] [--samples L_z] [--alpha A] [--seed N]
                    [--backend ${BACKEND_CHOICES.join('|')}] [--workers N] --out SCORES.csv
  Scores traces with a model from \`traceanomaly train\` (the same kind of input it was trained on) and writes
  SCORES.csv: trace_id,log_px,p_value,anomalous,unseen,root_cause_service,root_cause_path
    log_px     log p(x) by importance sampling with L_z samples (nats; empty for unseen traces, not scored)
    p_value    left-tail p-value of log_px under the model's KDE (0 for unseen traces)
    anomalous  1 when p_value < alpha or the trace has an unseen call path, else 0
    unseen     1 when the trace has a call path (or STV dimension) that training never had, not whitelisted
    root_cause_service, root_cause_path
               for anomalous traces, the root cause by TraceAnomaly's localisation (sec. II-D: the anomalous
               dimension with the longest call path among the trace's HSTVs, else the longest common path and
               the next called service); the path is the STV dimension id ("dimension j" on unnamed STVs)
  and, when some trace has one, SCORES.unseen.csv: trace_id,call_path_id (dim:<index> for unnamed dimensions).
  L_z, alpha, seed and workers default to the model's. The backend does not: --backend defaults to auto, as
  for train (CUDA, native, onnx, wasm, cpu: the first that loads), so a model trained on a GPU machine scores on one
  without; scores from two backends differ by float rounding, so compare score files made on one backend.
  ${MAX_SPANS_HELP}`;

export async function detectCommand(args: string[]): Promise<number> {
  const { values: o } = parseCommand(args, { ...INPUT_OPTIONS, ...optionFlags(TRACEANOMALY_OPTIONS, RUN_NAMES), model: { type: 'string' }, whitelist: { type: 'string' }, out: { type: 'string' } });
  if (o.help) {
    console.log(DETECT_USAGE);
    return 0;
  }
  const file = requireString(o.in, 'in');
  const modelDir = requireString(o.model, 'model');
  const outFile = requireString(o.out, 'out');
  // the output is checked before any work (and cleared of a killed run's partial files)
  const out = await OutputSet.open([outFile, unseenFile(outFile)]);
  const { model, options, hstv } = await loadModel(modelDir);
  const opts = { ...options, backend: 'auto' as const, ...runOptions(o) };
  const backend = await selectBackend(opts.backend);
  const whitelist = o.whitelist !== undefined ? Whitelist.fromJSON(await readJsonFile(o.whitelist), o.whitelist) : undefined;
  const { input } = await readModelInput(file, o);
  if (input.traces && !model.space.callPaths) throw new InputError({ file }, 'this model was trained on STVs: give it STVs, not raw traces');
  if (input.stv && model.space.callPaths && !input.stv.dimensionIds) throw new InputError({ file }, 'this model was trained on raw traces; STVs without dimension ids cannot be matched to its call paths');
  process.stderr.write(`${describeBackend(backend)}\n`);
  const detector = new TraceAnomalyDetector({ ...opts, backend: backend.name }, whitelist);
  detector.useModel(model);
  const bar = new Progress('detect', undefined, 'traces');
  const a = await detector.analyse(input, { progress: (e) => bar.update(e.done) });
  const flagged = a.anomalous.reduce((s, v) => s + v, 0);
  const unseenCount = a.unseen.filter((u) => u.length > 0).length;
  bar.done(a.ids.length - unseenCount, `${flagged} anomalous of ${a.ids.length} (${unseenCount} with unseen call paths)`);

  const causes = new Map<number, RootCauseColumns>();
  if (hstv) {
    const localizer = new TraceAnomalyLocalizer({ input: hstv.source, definition: opts.definition, edgeLabel: opts.edgeLabel });
    localizer.useReference(hstv);
    const rows = [...a.anomalous.keys()].filter((i) => a.anomalous[i] === 1);
    // STVs in the model's columns, matched by id (a file may order them otherwise; columns the model never had are
    // the unseen rule's, not the localiser's)
    const located: DetectorInput = input.stv ? { stv: trainingColumns(input.stv, model.space.width, model.space.dimensionIds, file) } : input;
    (await localizeAnomalies(localizer, located, rows, (d) => hstv.dimensionName(d))).forEach((c, k) => causes.set(rows[k], c));
  } else process.stderr.write('this model folder has no hstv.json (trained by an older version): no root causes\n');

  try {
    await out.text(outFile, (function* () {
      yield 'trace_id,log_px,p_value,anomalous,unseen,root_cause_service,root_cause_path';
      for (let i = 0; i < a.ids.length; i++) {
        const u = a.unseen[i].length > 0;
        const c = causes.get(i);
        yield [csvField(a.ids[i]), u ? '' : formatNumber(a.logPx[i]), formatNumber(a.pValue[i]), String(a.anomalous[i]), u ? '1' : '0', csvField(c?.root_cause_service ?? ''), csvField(c?.root_cause_path ?? '')].join(',');
      }
    })());
    if (unseenCount > 0) {
      await out.text(unseenFile(outFile), (function* () {
        yield 'trace_id,call_path_id';
        for (let i = 0; i < a.ids.length; i++) for (const p of a.unseen[i]) yield `${csvField(a.ids[i])},${csvField(p)}`;
      })());
    }
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  process.stderr.write(`-> ${outFile}\n`);
  return 0;
}

export function unseenFile(scores: string): string {
  return join(dirname(scores), `${basename(scores).replace(/\.csv$/i, '')}.unseen.csv`);
}

/** Enough digits to tell traces apart, few enough to read. */
function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return v === 0 ? '0' : Math.abs(v) >= 1e-4 ? String(Number(v.toPrecision(8))) : v.toExponential(6);
}
