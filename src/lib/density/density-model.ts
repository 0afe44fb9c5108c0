/** Row-major data: n rows of d values. */
export interface Rows {
  n: number;
  d: number;
  values: Float32Array | Float64Array;
}

/**
 * A density model over vectors: the part of TraceAnomaly that the paper's sec. VI swaps (flow-VAE, vanilla VAE,
 * GMM, KDE). `logDensity` is the anomaly statistic: low = anomalous.
 */
export interface DensityModel {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
  fit(x: Rows): void | Promise<void>;
  logDensity(x: Rows): Float64Array | Promise<Float64Array>;
}

export function rowsOf(values: Float32Array | Float64Array, d: number): Rows {
  if (d <= 0 || values.length % d !== 0) throw new Error(`cannot split ${values.length} values into rows of ${d}`);
  return { n: values.length / d, d, values };
}
