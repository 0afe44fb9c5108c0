import { unitHash } from '../../src/lib/util/hash.ts';

/**
 * The shape of a simulated day's traffic (the paper's Fig. 10: visits per minute over one day with 40 peak
 * periods): a base level plus one bell-shaped peak per period; peak heights and positions vary a little
 * (fixed, not drawn per seed).
 */
export interface TrafficShape {
  minutes: number;
  peaks: number;
  /** Level between peaks, relative to a typical peak's height. */
  base: number;
  /** Standard deviation of a peak, as a fraction of the spacing between peaks. */
  width: number;
}

export const PAPER_SHAPE: TrafficShape = { minutes: 1440, peaks: 40, base: 0.05, width: 0.08 };

export class TrafficCurve {
  /** Peak centres, minutes from the start of the day. */
  readonly centers: number[];
  private readonly heights: number[];
  private readonly sigma: number;
  /** Requests per minute per unit of shape. */
  private readonly scale: number;
  readonly maxRate: number;

  constructor(readonly shape: TrafficShape, totalRequests: number) {
    const spacing = shape.minutes / shape.peaks;
    this.sigma = shape.width * spacing;
    this.centers = [];
    this.heights = [];
    for (let k = 0; k < shape.peaks; k++) {
      this.centers.push((k + 0.5 + 0.16 * (unitHash(`peak-pos-${k}`) - 0.5)) * spacing);
      this.heights.push(0.8 + 0.4 * unitHash(`peak-height-${k}`));
    }
    let integral = 0;
    let max = 0;
    const step = 0.1;
    for (let m = step / 2; m < shape.minutes; m += step) {
      const v = this.shapeAt(m);
      integral += v * step;
      max = Math.max(max, v);
    }
    this.scale = totalRequests / integral;
    this.maxRate = max * this.scale;
  }

  private shapeAt(minute: number): number {
    let v = this.shape.base;
    for (let k = 0; k < this.centers.length; k++) {
      const z = (minute - this.centers[k]) / this.sigma;
      if (z > -6 && z < 6) v += this.heights[k] * Math.exp(-0.5 * z * z);
    }
    return v;
  }

  /** Requests per minute at a minute of the day. */
  rate(minute: number): number {
    return minute < 0 || minute >= this.shape.minutes ? 0 : this.scale * this.shapeAt(minute);
  }

  /** Load relative to the day's busiest minute, 0..1. */
  load(minute: number): number {
    return this.rate(minute) / this.maxRate;
  }
}
