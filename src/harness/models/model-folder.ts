import { callPathListLines } from '../../lib/writers/callpaths-json.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CallPathList, type CallPathListJson } from '../../lib/callpaths/call-path-list.ts';
import { HstvReference, type HstvReferenceJson } from '../../lib/hstv/hstv-reference.ts';
import { GaussianKde, type KdeJson } from '../../lib/decision/kde.ts';
import type { CalibrationInfo } from '../../lib/decision/calibration.ts';
import type { VaeConfig } from '../../lib/model/config.ts';
import type { TrainReport } from '../../lib/model/trainer.ts';
import { FlowVae } from '../../lib/model/vae.ts';
import type { Normalisation } from '../../lib/stv/normalise.ts';
import { OutputSet } from '../../lib/util/atomic-write.ts';
import { InputError } from '../../lib/util/errors.ts';
import type { TraceAnomalyOptions } from '../../methods/traceanomaly/options.ts';
import type { FittedModel } from '../../methods/traceanomaly/detector.ts';

/**
 * A trained model as a folder:
 * - model.json: options, network configuration, the parameter layout of weights.bin, the input space
 *   (STV width, dimension ids, normalisation), the KDE (bandwidth and the calibration traces' log p(x)), which
 *   traces those were (`calibration`) and the training report;
 * - weights.bin: the parameters, float32 little-endian, in the order model.json lists them;
 * - callpaths.json: the call path list, when the model was trained on raw traces;
 * - hstv.json: the training traces' HSTV index, for root-cause localisation of anomalous traces (sec. II-D).
 */
export interface ModelJson {
  format: 'traceanomaly-model';
  version: 1;
  createdAt: string;
  backend: string | null;
  options: TraceAnomalyOptions;
  config: VaeConfig;
  parameters: { name: string; shape: number[] }[];
  input: { width: number; dimensionIds: string[] | null; normalisation: Normalisation; callPaths: string | null; hstv?: string | null };
  kde: KdeJson;
  /** Which normal traces the KDE was fitted to, and whether they resolve alpha (src/lib/decision/calibration.ts). */
  calibration?: CalibrationInfo;
  training: TrainReport | null;
}

/** The files of a model folder: a save replaces them all (callpaths.json and hstv.json of an earlier model go when this one has none). */
export const MODEL_FILES = ['model.json', 'weights.bin', 'callpaths.json', 'hstv.json'];

/** The output set of a model folder, opened (checked, cleared of a killed run's partial files) before training. */
export function openModelFolder(dir: string): Promise<OutputSet> {
  return OutputSet.open(MODEL_FILES.map((f) => join(dir, f)));
}

export async function saveModel(
  dir: string,
  m: FittedModel,
  options: TraceAnomalyOptions,
  hstv?: HstvReference,
  folder?: OutputSet,
): Promise<void> {
  const layout = new FlowVae(m.config).layout;
  const json: ModelJson = {
    format: 'traceanomaly-model',
    version: 1,
    createdAt: new Date().toISOString(),
    backend: m.backend ?? null,
    options,
    config: m.config,
    parameters: layout.specs.map((s) => ({ name: s.name, shape: s.shape })),
    input: { width: m.space.width, dimensionIds: m.space.dimensionIds ?? null, normalisation: m.space.norm, callPaths: m.space.callPaths ? 'callpaths.json' : null, hstv: hstv ? 'hstv.json' : null },
    kde: m.kde.toJSON(),
    ...(m.calibration ? { calibration: m.calibration } : {}),
    training: m.report ?? null,
  };
  const out = folder ?? (await openModelFolder(dir));
  try {
    await out.text(join(dir, 'model.json'), [JSON.stringify(json, null, 1)]);
    const bytes = new Uint8Array(m.params.buffer, m.params.byteOffset, m.params.byteLength);
    await out.bytes(join(dir, 'weights.bin'), littleEndian(bytes));
    if (m.space.callPaths) {
      await out.text(join(dir, 'callpaths.json'), callPathListLines(m.space.callPaths));
    }
    if (hstv) await out.text(join(dir, 'hstv.json'), [JSON.stringify(hstv.toJSON())]);
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
}

export async function loadModel(dir: string): Promise<{ model: FittedModel; options: TraceAnomalyOptions; hstv?: HstvReference }> {
  const file = join(dir, 'model.json');
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as ModelJson;
  } catch (e) {
    throw new InputError({ file }, `cannot read the model: ${(e as Error).message}`);
  }
  if (json.format !== 'traceanomaly-model' || json.version !== 1) throw new InputError({ file }, 'not a TraceAnomaly model folder (format traceanomaly-model, version 1)');
  const layout = new FlowVae(json.config).layout;
  const expected = layout.specs.map((s) => `${s.name}:${s.shape.join('x')}`).join(',');
  const listed = json.parameters.map((s) => `${s.name}:${s.shape.join('x')}`).join(',');
  if (expected !== listed) throw new InputError({ file }, 'the parameter list does not match the network configuration');
  const weightsFile = join(dir, 'weights.bin');
  let raw: Buffer;
  try {
    raw = await readFile(weightsFile);
  } catch (e) {
    throw new InputError({ file: weightsFile }, `cannot read: ${(e as Error).message}`);
  }
  if (raw.byteLength !== layout.size * 4) throw new InputError({ file: weightsFile }, `expected ${layout.size * 4} bytes, found ${raw.byteLength}`);
  const params = new Float32Array(layout.size);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < params.length; i++) params[i] = view.getFloat32(i * 4, true);
  let callPaths: CallPathList | undefined;
  if (json.input.callPaths) {
    const cp = join(dir, json.input.callPaths);
    try {
      callPaths = CallPathList.fromJSON(JSON.parse(await readFile(cp, 'utf8')) as CallPathListJson);
    } catch (e) {
      throw new InputError({ file: cp }, `cannot read the call path list: ${(e as Error).message}`);
    }
  }
  const model: FittedModel = {
    config: json.config,
    params,
    space: { width: json.input.width, norm: json.input.normalisation, ...(json.input.dimensionIds ? { dimensionIds: json.input.dimensionIds } : {}), ...(callPaths ? { callPaths } : {}) },
    kde: GaussianKde.fromJSON(json.kde),
    ...(json.calibration ? { calibration: json.calibration } : {}),
    ...(json.training ? { report: json.training } : {}),
    ...(json.backend ? { backend: json.backend } : {}),
  };
  let hstv: HstvReference | undefined;
  if (json.input.hstv) {
    const hf = join(dir, json.input.hstv);
    try {
      hstv = HstvReference.fromJSON(JSON.parse(await readFile(hf, 'utf8')) as HstvReferenceJson, callPaths ?? null);
    } catch (e) {
      throw new InputError({ file: hf }, `cannot read the HSTV index: ${(e as Error).message}`);
    }
  }
  return { model, options: json.options, ...(hstv ? { hstv } : {}) };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of float32 values in little-endian order (a copy, swapped, on a big-endian machine). */
function littleEndian(bytes: Uint8Array): Uint8Array {
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) for (let k = 0; k < 4; k++) out[i + k] = bytes[i + 3 - k];
  return out;
}
