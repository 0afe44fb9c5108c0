// One RealNVP block of the posterior flow (ActNorm, affine coupling with a sigmoid scale, invertible dense
// layer), forward and backward, on rows of a training batch. Compiled to WebAssembly with 128-bit SIMD by
// `npm run build:kernels` (clang, no libc); rnvp-kernel.ts loads it and src/model/flows/rnvp-chain.ts
// describes the maths and the buffers. Every pointer is a byte offset into the module's memory; matrices are
// row-major float32. No fused multiply-add and a fixed order of every sum, so results are the same bytes on
// every machine.
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

__attribute__((import_module("env"), import_name("exp"))) double js_exp(double);
__attribute__((import_module("env"), import_name("log1p"))) double js_log1p(double);

/* The four lanes of v summed as ((0 + 1) + 2) + 3. */
static float lanes(v128_t v) {
  return ((wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) + wasm_f32x4_extract_lane(v, 2)) +
         wasm_f32x4_extract_lane(v, 3);
}

/* sum x y over len floats: four lanes of partial sums, then lanes 0..3 and the tail, in that order. */
static float dot(int len, const float *x, const float *y) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  int k = 0;
  for (; k + 4 <= len; k += 4) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(x + k), wasm_v128_load(y + k)));
  float s = lanes(acc);
  for (; k < len; k++) s += x[k] * y[k];
  return s;
}

/* dot(len, x, y) and dot(len, x, z) in one pass over x (each summed exactly as dot() sums it). */
static void dot2(int len, const float *x, const float *y, const float *z, float *xy, float *xz) {
  v128_t a = wasm_f32x4_splat(0.0f);
  v128_t b = wasm_f32x4_splat(0.0f);
  int k = 0;
  for (; k + 4 <= len; k += 4) {
    v128_t xk = wasm_v128_load(x + k);
    a = wasm_f32x4_add(a, wasm_f32x4_mul(xk, wasm_v128_load(y + k)));
    b = wasm_f32x4_add(b, wasm_f32x4_mul(xk, wasm_v128_load(z + k)));
  }
  float s = lanes(a);
  float t = lanes(b);
  for (; k < len; k++) {
    s += x[k] * y[k];
    t += x[k] * z[k];
  }
  *xy = s;
  *xz = t;
}

static void zero(int len, float *x) {
  for (int k = 0; k < len; k++) x[k] = 0.0f;
}

/* x > 0 ? x : alpha x, lane by lane. */
static v128_t leaky4(v128_t x, v128_t alpha) {
  return wasm_v128_bitselect(x, wasm_f32x4_mul(alpha, x), wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f)));
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
    /* h = leaky(bh + sum_t u_t Wh[t]): each element summed in the order bias, t = 0, 1, ..., in a register */
    int k = 0;
    for (; k + 4 <= H; k += 4) {
      v128_t acc = wasm_v128_load(bh + k);
      for (int t = 0; t < d1; t++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(ui[t]), wasm_v128_load(wh + t * H + k)));
      wasm_v128_store(hi + k, leaky4(acc, wasm_f32x4_splat(alpha)));
    }
    for (; k < H; k++) {
      float acc = bh[k];
      for (int t = 0; t < d1; t++) acc += ui[t] * wh[t * H + k];
      hi[k] = acc > 0.0f ? acc : alpha * acc;
    }
    float ld = 0.0f;
    for (int j = 0; j < d2; j++) {
      float hs, hc;
      dot2(H, hi, wsT + j * H, wcT + j * H, &hs, &hc);
      float shift = bs[j] + hs;
      float pre = bc[j] + hc;
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
  float dpreRow[d2];
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
    for (int j = 0; j < d2; j++) {
      float sj = si[j];
      float g2 = dv[d1 + j];
      float dshift = g2 * sj;
      float dpre = (1.0f - sj) * (g2 * vi[d1 + j] + dld[i]);
      du[d1 + j] = dshift;
      dpreRow[j] = dpre;
      dbs[j] += dshift;
      dbc[j] += dpre;
    }
    /*
     * Per group of 4 hidden units, with h's loaded once: the heads' weight gradients (each element gains this
     * row's term, rows in order), and dh = sum_j dshift_j Ws[., j] + dpre_j Wc[., j] in a register (terms in the
     * order j = 0, 1, ..., shift before scale), times the leaky ReLU's slope (h > 0 exactly where its input is).
     */
    v128_t va = wasm_f32x4_splat(alpha);
    int k = 0;
    for (; k + 4 <= H; k += 4) {
      v128_t hk = wasm_v128_load(hi + k);
      v128_t acc = wasm_f32x4_splat(0.0f);
      for (int j = 0; j < d2; j++) {
        v128_t ds = wasm_f32x4_splat(du[d1 + j]);
        v128_t dp = wasm_f32x4_splat(dpreRow[j]);
        float *gs = dWsT + j * H + k;
        float *gc = dWcT + j * H + k;
        wasm_v128_store(gs, wasm_f32x4_add(wasm_v128_load(gs), wasm_f32x4_mul(ds, hk)));
        wasm_v128_store(gc, wasm_f32x4_add(wasm_v128_load(gc), wasm_f32x4_mul(dp, hk)));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(ds, wasm_v128_load(wsT + j * H + k)));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(dp, wasm_v128_load(wcT + j * H + k)));
      }
      acc = wasm_v128_bitselect(acc, wasm_f32x4_mul(va, acc), wasm_f32x4_gt(hk, wasm_f32x4_splat(0.0f)));
      wasm_v128_store(dh + k, acc);
      float *gb = dbh + k;
      wasm_v128_store(gb, wasm_f32x4_add(wasm_v128_load(gb), acc));
      for (int t = 0; t < d1; t++) {
        float *gw = dWh + t * H + k;
        wasm_v128_store(gw, wasm_f32x4_add(wasm_v128_load(gw), wasm_f32x4_mul(wasm_f32x4_splat(ui[t]), acc)));
      }
    }
    for (; k < H; k++) {
      float acc = 0.0f;
      for (int j = 0; j < d2; j++) {
        dWsT[j * H + k] += du[d1 + j] * hi[k];
        dWcT[j * H + k] += dpreRow[j] * hi[k];
        acc += du[d1 + j] * wsT[j * H + k];
        acc += dpreRow[j] * wcT[j * H + k];
      }
      acc = hi[k] > 0.0f ? acc : alpha * acc;
      dh[k] = acc;
      dbh[k] += acc;
      for (int t = 0; t < d1; t++) dWh[t * H + k] += ui[t] * acc;
    }
    for (int t = 0; t < d1; t++) du[t] = dv[t] + dot(H, dh, wh + t * H);
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
