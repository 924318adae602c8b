// The float32 baseline's GEMM driver, packing, patches and epilogue (shared by both paths), and the portable
// micro-kernel. The FMA micro-kernel is in float_fma.c. Rounding contract: include/CIntRSFloatKernels.h.
#include <math.h>
#include <string.h>
#include "CIntRSFloatKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#define INTRS_HAVE_FMA_PATH 1
void intrs_k_f32_ukernel_fma(int k, const float *const a[INTRS_F32_MR], const float *w, float *tile,
                             float *const *out, int rows, const float *bias, int activation);
#else
#define INTRS_HAVE_FMA_PATH 0
#endif

/// The portable micro-kernel: tile[r][j] = the fma chain of row r against panel column j, in increasing k
/// from +0 (fmaf: one rounding per product-and-add, as the FMA path's vfmadd231ps lane by lane).
static void f32_ukernel_portable(int k, const float *const a[INTRS_F32_MR], const float *w, float *tile) {
    float acc[INTRS_F32_MR][INTRS_F32_NR];
    memset(acc, 0, sizeof acc);
    for (int p = 0; p < k; p++) {
        const float *wp = w + (size_t)p * INTRS_F32_NR;
        for (int r = 0; r < INTRS_F32_MR; r++) {
            const float x = a[r][p];
            for (int j = 0; j < INTRS_F32_NR; j++) acc[r][j] = fmaf(x, wp[j], acc[r][j]);
        }
    }
    memcpy(tile, acc, sizeof acc);
}

/// o[j] = act(bias[j] + t[j]) (or act(t[j]) without bias) for j < cols; one loop per activation so that the
/// compiler vectorises it (the float operations of FloatEvaluator.activate, element by element). o may equal t.
#define F32_EPILOGUE_LOOP(EXPR)                                   \
    for (int j = 0; j < cols; j++) {                              \
        const float x = bias ? bias[j] + t[j] : t[j];             \
        const float u = (EXPR);                                   \
        o[j] = u;                                                 \
    }
static inline void f32_epilogue(float *o, const float *t, const float *bias, int cols, int activation) {
    switch (activation) {
    case INTRS_F32_ACT_RELU: F32_EPILOGUE_LOOP(x >= 0.0f ? x : 0.0f) break;
    case INTRS_F32_ACT_RELU6: F32_EPILOGUE_LOOP(6.0f < (x >= 0.0f ? x : 0.0f) ? 6.0f : (x >= 0.0f ? x : 0.0f)) break;
    case INTRS_F32_ACT_RELU_N1_TO_1: F32_EPILOGUE_LOOP(1.0f < (x >= -1.0f ? x : -1.0f) ? 1.0f : (x >= -1.0f ? x : -1.0f)) break;
    default: F32_EPILOGUE_LOOP(x) break;
    }
}

size_t intrs_f32_packed_floats(int n, int k) { return (size_t)k * (size_t)((n + 15) & ~15); }

void intrs_f32_pack_weights(const float *w, int n, int k, float *packed) {
    const int n_pad = (n + 15) & ~15;
    for (int c0 = 0; c0 < n_pad; c0 += INTRS_F32_NR) {
        float *panel = packed + (size_t)k * (size_t)c0;
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < INTRS_F32_NR; j++) {
                const int c = c0 + j;
                panel[(size_t)p * INTRS_F32_NR + (size_t)j] = c < n ? w[(size_t)c * (size_t)k + (size_t)p] : 0.0f;
            }
        }
    }
}

/// The GEMM over rows given by pointers: out rows orow[i] (n floats each) from patch rows arow[i] (k floats).
/// Every 16-channel panel (it stays in L1 while the rows pass), then row tiles of MR (a short last tile repeats
/// its last row and drops the copies). The order of the tiles changes no output (each is its own fma chain).
static void f32_gemm_rows(intrs_float_kernel_path path, const float *const *arow, float *const *orow, int m,
                          const float *packed, int k, int n, const float *bias, int activation) {
    float tile[INTRS_F32_MR * INTRS_F32_NR];
    const int n_pad = (n + 15) & ~15;
    for (int c0 = 0; c0 < n_pad; c0 += INTRS_F32_NR) {
        const float *panel = packed + (size_t)k * (size_t)c0;
        for (int i0 = 0; i0 < m; i0 += INTRS_F32_MR) {
            const int rows = m - i0 < INTRS_F32_MR ? m - i0 : INTRS_F32_MR;
            const float *a[INTRS_F32_MR];
            for (int r = 0; r < INTRS_F32_MR; r++) a[r] = arow[i0 + (r < rows ? r : rows - 1)];
            const int cols = n - c0 < INTRS_F32_NR ? n - c0 : INTRS_F32_NR;
#if INTRS_HAVE_FMA_PATH
            if (path == INTRS_FLOAT_KERNEL_FMA) {
                if (cols == INTRS_F32_NR) {
                    // Full panel: the kernel applies the epilogue in registers and writes the rows.
                    float *o[INTRS_F32_MR];
                    for (int r = 0; r < rows; r++) o[r] = orow[i0 + r] + c0;
                    intrs_k_f32_ukernel_fma(k, a, panel, tile, o, rows, bias ? bias + c0 : NULL, activation);
                    continue;
                }
                intrs_k_f32_ukernel_fma(k, a, panel, tile, NULL, INTRS_F32_MR, NULL, activation);
            } else {
                f32_ukernel_portable(k, a, panel, tile);
            }
#else
            (void)path;
            f32_ukernel_portable(k, a, panel, tile);
#endif
            for (int r = 0; r < rows; r++) {
                f32_epilogue(orow[i0 + r] + c0, tile + r * INTRS_F32_NR, bias ? bias + c0 : NULL, cols, activation);
            }
        }
    }
}

enum { F32_ROWS_CHUNK = 256 };

void intrs_f32_gemm(intrs_float_kernel_path path, const float *a, ptrdiff_t lda, int m, const float *packed, int k,
                    int n, const float *bias, int activation, float *out, ptrdiff_t ldc) {
    const float *arow[F32_ROWS_CHUNK];
    float *orow[F32_ROWS_CHUNK];
    for (int i0 = 0; i0 < m; i0 += F32_ROWS_CHUNK) {
        const int rows = m - i0 < F32_ROWS_CHUNK ? m - i0 : F32_ROWS_CHUNK;
        for (int r = 0; r < rows; r++) {
            arow[r] = a + (ptrdiff_t)(i0 + r) * lda;
            orow[r] = out + (ptrdiff_t)(i0 + r) * ldc;
        }
        f32_gemm_rows(path, arow, orow, rows, packed, k, n, bias, activation);
    }
}

size_t intrs_f32_conv2d_scratch(const intrs_f32_conv_shape *s) {
    return (size_t)INTRS_F32_MB * (size_t)s->kernel_h * (size_t)s->kernel_w * (size_t)s->in_c;
}

void intrs_f32_conv2d(intrs_float_kernel_path path, const intrs_f32_conv_shape *s, const float *in, ptrdiff_t in_stride,
                      int items, const float *packed, const float *bias, int activation, float *out,
                      ptrdiff_t out_stride, float *scratch) {
    const int pixels = s->out_h * s->out_w;
    const int k = s->kernel_h * s->kernel_w * s->in_c;
    const size_t row_bytes = (size_t)s->in_c * sizeof(float);
    const int total = items * pixels;
    const float *arow[INTRS_F32_MB];
    float *orow[INTRS_F32_MB];
    for (int g0 = 0; g0 < total; g0 += INTRS_F32_MB) {
        const int rows = total - g0 < INTRS_F32_MB ? total - g0 : INTRS_F32_MB;
        for (int r = 0; r < rows; r++) {
            const int g = g0 + r, item = g / pixels, pix = g % pixels;
            const int oy = pix / s->out_w, ox = pix % s->out_w;
            const float *src = in + (ptrdiff_t)item * in_stride;
            float *dst = scratch + (size_t)r * (size_t)k;
            const int ix0 = ox * s->stride_w - s->pad_left;
            const int row_inside = s->dilation_w == 1 && ix0 >= 0 && ix0 + s->kernel_w <= s->in_w;
            for (int ky = 0; ky < s->kernel_h; ky++) {
                const int iy = oy * s->stride_h - s->pad_top + ky * s->dilation_h;
                if (row_inside && iy >= 0 && iy < s->in_h) {
                    // kernel_w taps side by side in the input: one copy, same floats in the same order.
                    memcpy(dst, src + ((size_t)iy * (size_t)s->in_w + (size_t)ix0) * (size_t)s->in_c,
                           row_bytes * (size_t)s->kernel_w);
                    dst += s->kernel_w * s->in_c;
                    continue;
                }
                for (int kx = 0; kx < s->kernel_w; kx++) {
                    const int ix = ox * s->stride_w - s->pad_left + kx * s->dilation_w;
                    if (iy >= 0 && iy < s->in_h && ix >= 0 && ix < s->in_w) {
                        memcpy(dst, src + ((size_t)iy * (size_t)s->in_w + (size_t)ix) * (size_t)s->in_c, row_bytes);
                    } else {
                        memset(dst, 0, row_bytes);
                    }
                    dst += s->in_c;
                }
            }
            arow[r] = scratch + (size_t)r * (size_t)k;
            orow[r] = out + (ptrdiff_t)item * out_stride + (ptrdiff_t)pix * s->out_c;
        }
        f32_gemm_rows(path, arow, orow, rows, packed, k, s->out_c, bias, activation);
    }
}

void intrs_f32_pool(const intrs_f32_pool_shape *s, int is_max, int activation, const float *in, float *out) {
    enum { CH = 256 };
    float sum[CH], best[CH], v[CH];
    for (int oy = 0; oy < s->out_h; oy++) {
        for (int ox = 0; ox < s->out_w; ox++) {
            float *o = out + ((size_t)oy * (size_t)s->out_w + (size_t)ox) * (size_t)s->channels;
            for (int c0 = 0; c0 < s->channels; c0 += CH) {
                const int w = s->channels - c0 < CH ? s->channels - c0 : CH;
                for (int c = 0; c < w; c++) {
                    sum[c] = 0.0f;
                    best[c] = -INFINITY;
                }
                float count = 0.0f;
                for (int ky = 0; ky < s->pool_h; ky++) {
                    const int iy = oy * s->stride_h - s->pad_top + ky;
                    if (iy < 0 || iy >= s->in_h) continue;
                    for (int kx = 0; kx < s->pool_w; kx++) {
                        const int ix = ox * s->stride_w - s->pad_left + kx;
                        if (ix < 0 || ix >= s->in_w) continue;
                        const float *x = in + ((size_t)iy * (size_t)s->in_w + (size_t)ix) * (size_t)s->channels + c0;
                        for (int c = 0; c < w; c++) {
                            sum[c] += x[c];
                            best[c] = x[c] >= best[c] ? x[c] : best[c];
                        }
                        count += 1.0f;
                    }
                }
                if (is_max) {
                    for (int c = 0; c < w; c++) v[c] = best[c];
                } else {
                    for (int c = 0; c < w; c++) v[c] = sum[c] / count;
                }
                f32_epilogue(o + c0, v, NULL, w, activation);
            }
        }
    }
}
