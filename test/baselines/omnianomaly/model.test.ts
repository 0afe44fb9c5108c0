import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/lib/backend/backend.ts';
import { lossAndGrads } from '../../../src/lib/model/gradients.ts';
import { Random } from '../../../src/lib/util/random.ts';
import { kalmanConstants, priorLogDensity } from '../../../baselines/omnianomaly/lgssm-prior.ts';
import { OmniModel, type OmniConfig } from '../../../baselines/omnianomaly/model.ts';

await useBackend('wasm');

/** log N(v; 0, Sigma) by Cholesky, in float64. */
function mvnLogDensity(v: number[], sigma: number[][]): number {
  const n = v.length;
  const L = sigma.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = sigma[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j];
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = v[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * y[k];
    y[i] = s / L[i][i];
  }
  const logDet = L.reduce((a, row, i) => a + 2 * Math.log(row[i]), 0);
  return -0.5 * (y.reduce((a, b) => a + b * b, 0) + logDet + n * Math.log(2 * Math.PI));
}

describe('OmniAnomaly prior', () => {
  it('the LGSSM log density equals the closed-form marginal N(0, Sigma), Sigma_ij = min(i, j) + [i = j], per latent dimension', () => {
    const T = 6;
    const N = 3;
    const Z = 2;
    const r = new Random(1);
    const z = Float32Array.from({ length: T * N * Z }, () => 1.5 * r.normal()); // time-major [T, N, Z]
    const got = tf.tidy(() => priorLogDensity(tf.tensor3d(z, [T, N, Z]), 'lgssm').dataSync());
    const sigma = Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => Math.min(i + 1, j + 1) + (i === j ? 1 : 0)));
    for (let n = 0; n < N; n++) {
      let want = 0;
      for (let k = 0; k < Z; k++) want += mvnLogDensity(Array.from({ length: T }, (_, t) => z[(t * N + n) * Z + k]), sigma);
      expect(got[n]).toBeCloseTo(want, 3);
    }
    // the filter's variances: S_1 = 2, then P grows towards the golden-ratio fixed point P = (1 + sqrt 5) / 2
    const { S } = kalmanConstants(40);
    expect(S[0]).toBe(2);
    expect(S[39] - 1).toBeCloseTo((1 + Math.sqrt(5)) / 2, 6);
    const normal = tf.tidy(() => priorLogDensity(tf.tensor3d(z, [T, N, Z]), 'normal').dataSync());
    const first = Array.from({ length: T * Z }, (_, k) => z[(Math.floor(k / Z) * N) * Z + (k % Z)]);
    expect(normal[0]).toBeCloseTo(first.reduce((a, v) => a - 0.5 * v * v - 0.5 * Math.log(2 * Math.PI), 0), 3);
  });
});

describe('OmniAnomaly model', () => {
  const spec: OmniConfig = { window: 4, features: 3, latent: 2, rnnHidden: 6, denseDim: 5, flowLength: 2, denseActivation: 'linear', prior: 'lgssm', stdEpsilon: 1e-4, l2: 1e-4 };
  const model = new OmniModel(spec);
  const N = 3;
  const r = new Random(2);
  const flat = model.initialParams(r);
  const x = Float32Array.from({ length: N * model.config.inputDim }, () => r.normal());
  const eps = Float32Array.from({ length: N * model.config.zDim }, () => r.normal());
  const loss = (f: Float32Array) => tf.tidy(() => model.loss(model.layout.toTensors(f), tf.tensor2d(x, [N, model.config.inputDim]), tf.tensor2d(eps, [N, model.config.zDim])).dataSync()[0]);

  it('has the gradient of finite differences in every part (q-net GRU and head, planar flow, p-net GRU and heads)', () => {
    const grads = tf.tidy(() => {
      const { grads } = lossAndGrads(model, model.layout.toTensors(flat), tf.tensor2d(x, [N, model.config.inputDim]), tf.tensor2d(eps, [N, model.config.zDim]));
      return Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, v.dataSync() as Float32Array]));
    });
    const h = 1e-2;
    for (const name of ['q.gru.wr', 'q.gru.uc', 'q.d1.w', 'q.head.wz', 'flow.1.planar.u', 'p.gru.wu', 'p.std.b']) {
      const off = model.layout.offsets.get(name)!;
      const up = flat.slice();
      const down = flat.slice();
      up[off + 1] += h;
      down[off + 1] -= h;
      const numeric = (loss(up) - loss(down)) / (2 * h);
      expect(Math.abs(numeric - grads[name][1])).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
    }
  });

  it('scores a window by its last step: the same window with a far-off last value scores lower', () => {
    const p = model.layout.toTensors(flat);
    const moved = x.slice(0, model.config.inputDim);
    moved[moved.length - 1] += 50;
    const [a, b] = tf.tidy(() => model.lastLogPx(p, tf.tensor2d([...x.slice(0, model.config.inputDim), ...moved], [2, model.config.inputDim]), tf.tensor2d([...eps.slice(0, model.config.zDim), ...eps.slice(0, model.config.zDim)], [2, model.config.zDim])).dataSync());
    expect(b).toBeLessThan(a - 100);
    tf.dispose(Object.values(p));
  });
});
