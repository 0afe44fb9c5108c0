import type { OrtModule, OrtSession, OrtTensor } from '../../backend/onnxruntime.ts';
import { cpuSession } from '../../backend/onnxruntime.ts';
import { GradientLayout } from '../adam.ts';
import { ActNorm } from '../flows/actnorm.ts';
import { InvertibleDense } from '../flows/invertible-dense.ts';
import type { FlowVae } from '../vae.ts';
import { invertibleDenseMatrix } from './score-graph.ts';
import { invertibleDenseGrads, trainGraph } from './train-graph.ts';

/**
 * The data loss of a batch and its gradient (GradientLayout order), by the training-step graph on onnxruntime:
 * the same quantities as lossAndGrads(model.dataLoss) on tfjs, to float32 rounding.
 */
export class OnnxTrainStep {
  readonly grads: GradientLayout;
  /** The trainable parameters fed to the graph as they are (all but ActNorm's logScale and the invertible dense layers' lower, upper, logS, which it takes as scale and W). */
  private readonly fed: GradientLayout['segments'];
  /** Offset of each parameter in the gradient vector. */
  private readonly offset: Map<string, number>;

  private constructor(
    private readonly ort: OrtModule,
    private readonly model: FlowVae,
    private readonly session: OrtSession,
    readonly batch: number,
  ) {
    this.grads = new GradientLayout(model.layout);
    const derived = new Set(
      model.flow.flatMap((l) => (l instanceof ActNorm ? [`${l.prefix}.logScale`] : l instanceof InvertibleDense ? ['lower', 'upper', 'logS'].map((k) => `${l.prefix}.${k}`) : [])),
    );
    this.fed = this.grads.segments.filter((seg) => !derived.has(seg.name));
    this.offset = new Map(this.grads.segments.map((seg) => [seg.name, seg.offset]));
  }

  static async open(ort: OrtModule, model: FlowVae, batch: number, threads: number): Promise<OnnxTrainStep> {
    return new OnnxTrainStep(ort, model, await cpuSession(ort, trainGraph(model, batch), threads), batch);
  }

  /** -mean ELBO of the rows `x` with noise `eps` at parameters `flat`, and its gradient (a new array). */
  async run(flat: Float32Array, x: Float32Array, eps: Float32Array): Promise<{ loss: number; grads: Float32Array }> {
    const { model, ort } = this;
    const c = model.config;
    const t = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);
    const feeds: Record<string, OrtTensor> = { x: t(x, [this.batch, c.inputDim]), eps: t(eps, [this.batch, c.zDim]) };
    let shared = 0;
    for (const seg of this.fed) feeds[seg.name] = t(flat.subarray(seg.paramOffset, seg.paramOffset + seg.size), seg.shape);
    for (const layer of model.flow) {
      if (layer instanceof ActNorm) {
        const ls = model.layout.view(flat, `${layer.prefix}.logScale`);
        feeds[`${layer.prefix}.scale`] = t(Float32Array.from(ls, Math.exp), [layer.width]);
        shared += ls.reduce((a, b) => a + b, 0);
      } else if (layer instanceof InvertibleDense) {
        feeds[`${layer.prefix}.W`] = t(Float32Array.from(invertibleDenseMatrix(model, flat, layer)), [layer.width, layer.width]);
        shared += model.layout.view(flat, `${layer.prefix}.logS`).reduce((a, b) => a + b, 0);
      }
    }
    const out = await this.session.run(feeds);
    const grads = new Float32Array(this.grads.size);
    const at = (name: string) => this.offset.get(name)!;
    for (const layer of model.flow) {
      if (!(layer instanceof InvertibleDense)) continue;
      const d = invertibleDenseGrads(model, flat, layer, out[`grad.${layer.prefix}.W`].data);
      grads.set(d.lower, at(`${layer.prefix}.lower`));
      grads.set(d.upper, at(`${layer.prefix}.upper`));
      grads.set(d.logS, at(`${layer.prefix}.logS`));
    }
    for (const seg of this.grads.segments) {
      const o = out[`grad.${seg.name}`];
      if (o) grads.set(o.data, seg.offset);
    }
    return { loss: out.loss.data[0] - shared, grads };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
