// Adam's update on host arrays (FlatAdam in src/model/adam.ts), compiled to WebAssembly with 128-bit SIMD by
// `npm run build:kernels`. The arithmetic is the float64 arithmetic of the JavaScript it replaced, on float32
// storage, operation for operation (no fused multiply-add; the float32 sums of the workers' shares, the float64
// squared norms summed in order), so it gives the same bytes; the update runs two elements at a time
// (f64x2), which is where the time went: a float64 square root and division per parameter.
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

/*
 * For one parameter: the squared norm of its gradient g = p0 + p1 (float32 sum; p1 may be 0, a null pointer)
 * plus decay * w (the L2 penalty's gradient, in float64), and in *ww the sum of w^2. Sequential sums.
 */
EXPORT("adam_norm")
double adam_norm(int len, const float *p0, const float *p1, const float *w, double decay, double *ww) {
  double sq = 0.0;
  double wsq = 0.0;
  if (decay > 0.0) {
    for (int j = 0; j < len; j++) {
      float s = p1 ? p0[j] + p1[j] : p0[j];
      double wj = (double)w[j];
      wsq += wj * wj;
      double gj = (double)s + decay * wj;
      sq += gj * gj;
    }
  } else {
    for (int j = 0; j < len; j++) {
      float s = p1 ? p0[j] + p1[j] : p0[j];
      sq += (double)s * (double)s;
    }
  }
  *ww = wsq;
  return sq;
}

/* m, v and w at two elements, from g (float64 of the float32 gradient) scaled by k (clipping). */
static inline void update2(v128_t g, float *w, float *m, float *v, v128_t k, v128_t a, v128_t b1, v128_t c1,
                           v128_t b2, v128_t c2, v128_t eps) {
  v128_t gj = wasm_f64x2_mul(g, k);
  v128_t mj = wasm_f64x2_add(wasm_f64x2_mul(b1, wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(m))), wasm_f64x2_mul(c1, gj));
  v128_t vj = wasm_f64x2_add(wasm_f64x2_mul(b2, wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(v))),
                             wasm_f64x2_mul(wasm_f64x2_mul(c2, gj), gj));
  wasm_v128_store64_lane(m, wasm_f32x4_demote_f64x2_zero(mj), 0);
  wasm_v128_store64_lane(v, wasm_f32x4_demote_f64x2_zero(vj), 0);
  v128_t wj = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(w));
  v128_t step = wasm_f64x2_div(wasm_f64x2_mul(a, mj), wasm_f64x2_add(wasm_f64x2_sqrt(vj), eps));
  wasm_v128_store64_lane(w, wasm_f32x4_demote_f64x2_zero(wasm_f64x2_sub(wj, step)), 0);
}

/*
 * TensorFlow's Adam step for one parameter: g = float32(p0 + p1 [+ decay * w]) * k; m = beta1 m + c1 g;
 * v = beta2 v + c2 g g; w -= a m / (sqrt(v) + eps), with m, v, w stored as float32.
 */
EXPORT("adam_update")
void adam_update(int len, const float *p0, const float *p1, float *w, float *m, float *v, double decay, double k,
                 double a, double beta1, double c1, double beta2, double c2, double eps) {
  v128_t K = wasm_f64x2_splat(k), A = wasm_f64x2_splat(a), B1 = wasm_f64x2_splat(beta1), C1 = wasm_f64x2_splat(c1);
  v128_t B2 = wasm_f64x2_splat(beta2), C2 = wasm_f64x2_splat(c2), E = wasm_f64x2_splat(eps), D = wasm_f64x2_splat(decay);
  int j = 0;
  for (; j + 2 <= len; j += 2) {
    v128_t s = wasm_v128_load64_zero(p0 + j);
    if (p1) s = wasm_f32x4_add(s, wasm_v128_load64_zero(p1 + j));
    v128_t g = wasm_f64x2_promote_low_f32x4(s);
    if (decay > 0.0) {
      v128_t wd = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(w + j));
      g = wasm_f64x2_promote_low_f32x4(wasm_f32x4_demote_f64x2_zero(wasm_f64x2_add(g, wasm_f64x2_mul(D, wd))));
    }
    update2(g, w + j, m + j, v + j, K, A, B1, C1, B2, C2, E);
  }
  for (; j < len; j++) {
    float s = p1 ? p0[j] + p1[j] : p0[j];
    float g = decay > 0.0 ? (float)((double)s + decay * (double)w[j]) : s;
    double gj = (double)g * k;
    double mj = beta1 * (double)m[j] + c1 * gj;
    double vj = beta2 * (double)v[j] + c2 * gj * gj;
    m[j] = (float)mj;
    v[j] = (float)vj;
    w[j] = (float)((double)w[j] - (a * mj) / (__builtin_sqrt(vj) + eps));
  }
}
