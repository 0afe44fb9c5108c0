import { ActNorm } from './actnorm.ts';
import { AffineCoupling } from './coupling.ts';
import type { FlowLayer } from './flow.ts';
import { InvertibleDense } from './invertible-dense.ts';
import { PlanarFlow } from './planar.ts';

export const FLOW_KINDS = ['rnvp', 'planar'] as const;
export type FlowKind = (typeof FLOW_KINDS)[number];

/**
 * The posterior flow of length K: K RealNVP blocks (ActNorm, affine coupling, invertible dense), as in the
 * reference code, or K planar flows. K = 0 gives no flow: the vanilla VAE.
 */
export function buildFlow(kind: FlowKind, length: number, width: number, couplingHidden: number, alpha: number): FlowLayer[] {
  const layers: FlowLayer[] = [];
  for (let k = 0; k < length; k++) {
    if (kind === 'planar') {
      layers.push(new PlanarFlow(`flow.${k}.planar`, width));
    } else {
      layers.push(new ActNorm(`flow.${k}.actnorm`, width));
      layers.push(new AffineCoupling(`flow.${k}.coupling`, width, couplingHidden, alpha));
      layers.push(new InvertibleDense(`flow.${k}.dense`, width));
    }
  }
  return layers;
}
