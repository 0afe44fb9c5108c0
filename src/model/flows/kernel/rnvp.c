// One RealNVP block of the posterior flow (ActNorm, affine coupling with a sigmoid scale, invertible dense
// layer), forward and backward, on rows of a training batch. Compiled to WebAssembly with 128-bit SIMD by
// `npm run build:kernels` (clang, no libc); src/model/flows/rnvp-kernel.ts loads it and rnvp-chain.ts
// describes the maths and the buffers. Every pointer is a byte offset into the module's memory; matrices are
// row-major float32. No fused multiply-add and a fixed order of every sum, so results are the same bytes on
// every machine.
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

__attribute__((import_module("env"), import_name("exp"))) double js_exp(double);
__attribute__((import_module("env"), import_name("log1p"))) double js_log1p(double);

/* y += a x over len floats. */
static void axpy(int len, float a, const float *x, float *y) {
  v128_t va = wasm_f32x4_splat(a);
  int k = 0;
  for (; k + 4 <= len; k += 4) {
    wasm_v128_store(y + k, wasm_f32x4_add(wasm_v128_load(y + k), wasm_f32x4_mul(va, wasm_v128_load(x + k))));
  }
  for (; k < len; k++) y[k] += a * x[k];
}

/* sum x y over len floats: four lanes of partial sums, then lanes 0..3 and the tail, in that order. */
static float dot(int len, const float *x, const float *y) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  int k = 0;
  for (; k + 4 <= len; k += 4) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(x + k), wasm_v128_load(y + k)));
  float s = ((wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) + wasm_f32x4_extract_lane(acc, 2)) +
            wasm_f32x4_extract_lane(acc, 3);
  for (; k < len; k++) s += x[k] * y[k];
  return s;
}

static void zero(int len, float *x) {
  for (int k = 0; k < len; k++) x[k] = 0.0f;
}

/* dst [cols x rows] = src [rows x cols] transposed. */
EXPORT("transpose") void transpose(const float *src, int rows, int cols, float *dst) {
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j];
}

/*
 * Forward pass of one block for n rows of width d (d1 = first half, d2 = d - d1, H hidden units):
 *   u = (z + bias) * scale                                   ActNorm (scale = exp(logScale))
 *   h = leaky(u[:, :d1] Wh + bh)                              coupling net, wh [d1 x H]
 *   shift = h Ws + bs, pre = h Wc + bc                        wsT, wcT: Ws, Wc transposed [d2 x H]; bc holds the +2
 *   s = sigmoid(pre), v = [u1, (u2 + shift) * s]
 *   out = v W                                                 invertible dense, w [d x d]
 *   logdet[i] += sum_j log s[i, j]
 * Saves u, h, s and v for the backward pass.
 */
EXPORT("block_forward")
void block_forward(int n, int d, int d1, int H, float alpha, const float *z, const float *bias, const float *scale,
                   const float *wh, const float *bh, const float *wsT, const float *bs, const float *wcT,
                   const float *bc, const float *w, float *u, float *h, float *s, float *v, float *out,
                   float *logdet) {
  int d2 = d - d1;
  for (int i = 0; i < n; i++) {
    const float *zi = z + i * d;
    float *ui = u + i * d;
    float *hi = h + i * H;
    float *si = s + i * d2;
    float *vi = v + i * d;
    for (int j = 0; j < d; j++) ui[j] = (zi[j] + bias[j]) * scale[j];
    for (int k = 0; k < H; k++) hi[k] = bh[k];
    for (int t = 0; t < d1; t++) axpy(H, ui[t], wh + t * H, hi);
    for (int k = 0; k < H; k++) hi[k] = hi[k] > 0.0f ? hi[k] : alpha * hi[k];
    float ld = 0.0f;
    for (int j = 0; j < d2; j++) {
      float shift = bs[j] + dot(H, hi, wsT + j * H);
      float pre = bc[j] + dot(H, hi, wcT + j * H);
      float sj = (float)(1.0 / (1.0 + js_exp(-(double)pre)));
      /* log sigmoid(pre) = -(max(-pre, 0) + log1p(exp(-|pre|))) */
      double m = pre < 0.0f ? -(double)pre : 0.0;
      double a = pre < 0.0f ? (double)pre : -(double)pre;
      ld += (float)(-(m + js_log1p(js_exp(a))));
      si[j] = sj;
      vi[d1 + j] = (ui[d1 + j] + shift) * sj;
    }
    for (int j = 0; j < d1; j++) vi[j] = ui[j];
    logdet[i] += ld;
    float *oi = out + i * d;
    for (int k = 0; k < d; k++) {
      float acc = 0.0f;
      for (int j = 0; j < d; j++) acc += vi[j] * w[j * d + k];
      oi[k] = acc;
    }
  }
}

/*
 * Backward pass of one block: from dOut (the gradient of the block's output, [n x d]) and dld (that of the
 * summed log-determinant, [n]), the gradient of the block's input (dz) and of its parameters. dW is that of
 * the dense matrix (the caller maps it to its LU factors), dLogScale excludes the ActNorm log-determinant's
 * own term (sum of dld, added by the caller). dh is scratch of H floats; dv and du of d floats each.
 */
EXPORT("block_backward")
void block_backward(int n, int d, int d1, int H, float alpha, const float *dOut, const float *dld,
                    const float *scale, const float *wh, const float *wsT, const float *wcT, const float *w,
                    const float *u, const float *h, const float *s, const float *v, float *dz, float *dW,
                    float *dBias, float *dLogScale, float *dWh, float *dbh, float *dWsT, float *dbs, float *dWcT,
                    float *dbc, float *dh, float *dv, float *du) {
  int d2 = d - d1;
  zero(d * d, dW);
  zero(d, dBias);
  zero(d, dLogScale);
  zero(d1 * H, dWh);
  zero(H, dbh);
  zero(d2 * H, dWsT);
  zero(d2, dbs);
  zero(d2 * H, dWcT);
  zero(d2, dbc);
  for (int i = 0; i < n; i++) {
    const float *gi = dOut + i * d;
    const float *ui = u + i * d;
    const float *hi = h + i * H;
    const float *si = s + i * d2;
    const float *vi = v + i * d;
    /* dense: out = v W */
    for (int j = 0; j < d; j++) {
      float acc = 0.0f;
      for (int k = 0; k < d; k++) acc += gi[k] * w[j * d + k];
      dv[j] = acc;
      for (int k = 0; k < d; k++) dW[j * d + k] += vi[j] * gi[k];
    }
    /* coupling: v2 = (u2 + shift) s, log det += log s; d log s / d pre = 1 - s, d v2 / d pre = v2 (1 - s) */
    for (int k = 0; k < H; k++) dh[k] = 0.0f;
    for (int j = 0; j < d2; j++) {
      float sj = si[j];
      float g2 = dv[d1 + j];
      float dshift = g2 * sj;
      float dpre = (1.0f - sj) * (g2 * vi[d1 + j] + dld[i]);
      du[d1 + j] = dshift;
      dbs[j] += dshift;
      dbc[j] += dpre;
      axpy(H, dshift, hi, dWsT + j * H);
      axpy(H, dpre, hi, dWcT + j * H);
      axpy(H, dshift, wsT + j * H, dh);
      axpy(H, dpre, wcT + j * H, dh);
    }
    /* leaky ReLU: h > 0 exactly where its input is (alpha > 0) */
    for (int k = 0; k < H; k++) dh[k] = hi[k] > 0.0f ? dh[k] : alpha * dh[k];
    axpy(H, 1.0f, dh, dbh);
    for (int t = 0; t < d1; t++) {
      axpy(H, ui[t], dh, dWh + t * H);
      du[t] = dv[t] + dot(H, dh, wh + t * H);
    }
    /* ActNorm: u = (z + bias) scale, d u / d logScale = u */
    float *dzi = dz + i * d;
    for (int j = 0; j < d; j++) {
      float g = du[j] * scale[j];
      dzi[j] = g;
      dBias[j] += g;
      dLogScale[j] += du[j] * ui[j];
    }
  }
}
