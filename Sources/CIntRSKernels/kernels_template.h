// The path-independent drivers of CIntRSKernels, compiled once per kernel path.
//
// Included by portable.c and avx2.c (the AVX-512 VNNI path has its own GEMM drivers in vnni.c) after they
// define:
//   KATTR           the function attribute of the path (empty, or __attribute__((target("avx2,fma"))))
//   KSUF(name)      name with the path's suffix
//   KSUF(ukernel)   static: tile[r][j] = sum_p <w pair (p, j), a[r] pair p> for r < 4, j < width (16 or 8),
//                   the tile's rows INTRS_GEMM_NR int32 apart
//   KSUF(requant)   static: intrs_requantize for this path
// Plain loops here are auto-vectorised by the compiler for the path's instruction set (the attribute
// applies to the whole function body, including inlined helpers).

#include <string.h>

// Patch values: int16 x - Z_in inside the image, 0 for a tap outside it.
#define KELEM int16_t
#define KIN(x, z) ((int16_t)((int16_t)(x) - (z)))
#define KOUT(z) ((int16_t)0)

/// GEMM of `rows` (<= INTRS_GEMM_MB) patch rows against every panel, requantised into the output rows.
static KATTR void KSUF(gemm_block)(const KELEM *a, ptrdiff_t lda, int rows, const int32_t *packed, int k_pairs,
                                   int n, const intrs_requant *rq, int8_t *const *orow) {
    const int n_pad = (n + 7) & ~7;
    int32_t tile[INTRS_GEMM_MR * INTRS_GEMM_NR];
    for (int c0 = 0; c0 < n_pad;) {
        const int width = n_pad - c0 >= 16 ? 16 : 8;
        const int32_t *wp = packed + (size_t)k_pairs * (size_t)c0;
        const int valid = n - c0 < width ? n - c0 : width;
        for (int r0 = 0; r0 < rows; r0 += INTRS_GEMM_MR) {
            const KELEM *ap[INTRS_GEMM_MR];
            for (int i = 0; i < INTRS_GEMM_MR; i++) {
                const int r = r0 + i < rows ? r0 + i : rows - 1;  // tail rows repeat the last one (discarded)
                ap[i] = a + (ptrdiff_t)r * lda;
            }
            KSUF(ukernel)(ap, wp, k_pairs, width, tile);
            const int live = rows - r0 < INTRS_GEMM_MR ? rows - r0 : INTRS_GEMM_MR;
            for (int i = 0; i < live; i++) KSUF(requant)(tile + i * INTRS_GEMM_NR, valid, rq, c0, orow[r0 + i] + c0);
        }
        c0 += width;
    }
}

/// One im2col row in OHWI tap order: KIN(x, Z_in) for taps inside the image, KOUT(Z_in) outside, 0 for the
/// pad elements from K up to the row length `lda`.
static inline KATTR void KSUF(im2col_row)(const intrs_conv_shape *s, const int8_t *in, int oy, int ox, KELEM *d,
                                          int k, ptrdiff_t lda) {
    const int c = s->in_c;
    const int16_t z = (int16_t)s->zero_in;
    KELEM *const start = d;
    const int x0 = ox * s->stride_w - s->pad_left;
    if (s->dilation_w == 1 && x0 >= 0 && x0 + s->kernel_w <= s->in_w) {
        // Every column of the window is inside the image: each kernel row is kw * c contiguous inputs.
        const int run = s->kernel_w * c;
        for (int ky = 0; ky < s->kernel_h; ky++) {
            const int iy = oy * s->stride_h - s->pad_top + ky * s->dilation_h;
            if (iy >= 0 && iy < s->in_h) {
                const int8_t *src = in + ((ptrdiff_t)iy * s->in_w + x0) * c;
                for (int i = 0; i < run; i++) d[i] = KIN(src[i], z);
            } else {
                for (int i = 0; i < run; i++) d[i] = KOUT(z);
            }
            d += run;
        }
        for (ptrdiff_t i = k; i < lda; i++) start[i] = 0;
        return;
    }
    for (int ky = 0; ky < s->kernel_h; ky++) {
        const int iy = oy * s->stride_h - s->pad_top + ky * s->dilation_h;
        const int row_in = iy >= 0 && iy < s->in_h;
        for (int kx = 0; kx < s->kernel_w; kx++) {
            const int ix = ox * s->stride_w - s->pad_left + kx * s->dilation_w;
            if (row_in && ix >= 0 && ix < s->in_w) {
                const int8_t *src = in + ((ptrdiff_t)iy * s->in_w + ix) * c;
                for (int i = 0; i < c; i++) d[i] = KIN(src[i], z);
            } else {
                for (int i = 0; i < c; i++) d[i] = KOUT(z);
            }
            d += c;
        }
    }
    for (ptrdiff_t i = k; i < lda; i++) start[i] = 0;
}

KATTR void KSUF(conv2d)(const intrs_conv_shape *s, const int8_t *in, ptrdiff_t in_stride, int items,
                        const int32_t *packed, const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride,
                        int16_t *scratch) {
    const int k = s->kernel_h * s->kernel_w * s->in_c;
    const int k_pairs = (k + 1) / 2;
    const ptrdiff_t lda = 2 * (ptrdiff_t)k_pairs;
    KELEM *const rows_buf = (KELEM *)(void *)scratch;
    const long pix = (long)s->out_h * s->out_w;
    const long m = (long)items * pix;
    int8_t *orow[INTRS_GEMM_MB];
    for (long m0 = 0; m0 < m; m0 += INTRS_GEMM_MB) {
        const int rows = m - m0 < INTRS_GEMM_MB ? (int)(m - m0) : INTRS_GEMM_MB;
        for (int r = 0; r < rows; r++) {
            const long p = m0 + r;
            const long b = p / pix, q = p % pix;
            const int oy = (int)(q / s->out_w), ox = (int)(q % s->out_w);
            KSUF(im2col_row)(s, in + b * in_stride, oy, ox, rows_buf + r * lda, k, lda);
            orow[r] = out + b * out_stride + q * s->out_c;
        }
        KSUF(gemm_block)(rows_buf, lda, rows, packed, k_pairs, s->out_c, rq, orow);
    }
}

KATTR void KSUF(fully_connected)(int in_count, int out_count, int32_t zero_in, const int8_t *in, ptrdiff_t in_stride,
                                 int items, const int32_t *packed, const intrs_requant *rq, int8_t *out,
                                 ptrdiff_t out_stride, int16_t *scratch) {
    const int k_pairs = (in_count + 1) / 2;
    const ptrdiff_t lda = 2 * (ptrdiff_t)k_pairs;
    const int16_t z = (int16_t)zero_in;
    KELEM *const rows_buf = (KELEM *)(void *)scratch;
    int8_t *orow[INTRS_GEMM_MB];
    for (int m0 = 0; m0 < items; m0 += INTRS_GEMM_MB) {
        const int rows = items - m0 < INTRS_GEMM_MB ? items - m0 : INTRS_GEMM_MB;
        for (int r = 0; r < rows; r++) {
            const int8_t *src = in + (ptrdiff_t)(m0 + r) * in_stride;
            KELEM *d = rows_buf + r * lda;
            for (int i = 0; i < in_count; i++) d[i] = KIN(src[i], z);
            for (ptrdiff_t i = in_count; i < lda; i++) d[i] = 0;
            orow[r] = out + (ptrdiff_t)(m0 + r) * out_stride;
        }
        KSUF(gemm_block)(rows_buf, lda, rows, packed, k_pairs, out_count, rq, orow);
    }
}

KATTR void KSUF(gemm_s16)(const int16_t *a, ptrdiff_t lda, int m, const int32_t *packed, int k, int n, int32_t *acc) {
    const int k_pairs = (k + 1) / 2;
    const int n_pad = (n + 7) & ~7;
    int32_t tile[INTRS_GEMM_MR * INTRS_GEMM_NR];
    for (int c0 = 0; c0 < n_pad;) {
        const int width = n_pad - c0 >= 16 ? 16 : 8;
        const int32_t *wp = packed + (size_t)k_pairs * (size_t)c0;
        for (int r0 = 0; r0 < m; r0 += INTRS_GEMM_MR) {
            const int16_t *ap[INTRS_GEMM_MR];
            for (int i = 0; i < INTRS_GEMM_MR; i++) ap[i] = a + (ptrdiff_t)(r0 + i < m ? r0 + i : m - 1) * lda;
            KSUF(ukernel)(ap, wp, k_pairs, width, tile);
            for (int i = 0; i < INTRS_GEMM_MR && r0 + i < m; i++)
                memcpy(acc + (ptrdiff_t)(r0 + i) * n_pad + c0, tile + i * INTRS_GEMM_NR, sizeof(int32_t) * (size_t)width);
        }
        c0 += width;
    }
}

KATTR void KSUF(requantize)(const int32_t *acc, int count, const intrs_requant *rq, int c0, int8_t *out) {
    KSUF(requant)(acc, count, rq, c0, out);
}

/// Depthwise: int32 accumulators over channels (wrapping, exact under the static bound), bias added by the
/// requantisation.
KATTR void KSUF(depthwise)(const intrs_conv_shape *s, int mult, const int32_t *w, const int8_t *in, int8_t *out,
                           const intrs_requant *rq, int32_t *acc) {
    const int oc = s->out_c;
    const int32_t z = s->zero_in;
    uint32_t *uacc = (uint32_t *)acc;
    for (int oy = 0; oy < s->out_h; oy++) {
        for (int ox = 0; ox < s->out_w; ox++) {
            for (int j = 0; j < oc; j++) uacc[j] = 0;
            for (int ky = 0; ky < s->kernel_h; ky++) {
                const int iy = oy * s->stride_h - s->pad_top + ky * s->dilation_h;
                if (iy < 0 || iy >= s->in_h) continue;
                for (int kx = 0; kx < s->kernel_w; kx++) {
                    const int ix = ox * s->stride_w - s->pad_left + kx * s->dilation_w;
                    if (ix < 0 || ix >= s->in_w) continue;
                    const int8_t *src = in + ((ptrdiff_t)iy * s->in_w + ix) * s->in_c;
                    const int32_t *wt = w + (ptrdiff_t)(ky * s->kernel_w + kx) * oc;
                    if (mult == 1) {
                        for (int j = 0; j < oc; j++) uacc[j] += (uint32_t)(wt[j] * ((int32_t)src[j] - z));
                    } else {
                        for (int j = 0; j < oc; j++) uacc[j] += (uint32_t)(wt[j] * ((int32_t)src[j / mult] - z));
                    }
                }
            }
            KSUF(requant)(acc, oc, rq, 0, out);
            out += oc;
        }
    }
}

KATTR void KSUF(pool)(const intrs_pool_shape *s, int is_max, const int8_t *in, int8_t *out, int32_t *sum) {
    const int c = s->channels;
    for (int oy = 0; oy < s->out_h; oy++) {
        for (int ox = 0; ox < s->out_w; ox++) {
            const intrs_pool_window pw = intrs_pool_taps(s, oy, ox);
            const int y0 = pw.y0, ky0 = pw.ky0, ky1 = pw.ky1, x0 = pw.x0, kx0 = pw.kx0, kx1 = pw.kx1;
            const int32_t count = (ky1 - ky0) * (kx1 - kx0);
            int8_t *o = out + ((ptrdiff_t)oy * s->out_w + ox) * c;
            if (is_max) {
                // Max on the int8 values themselves (vectorises to byte max), then the clamp.
                for (int ch = 0; ch < c; ch++) o[ch] = -128;
                for (int ky = ky0; ky < ky1; ky++)
                    for (int kx = kx0; kx < kx1; kx++) {
                        const int8_t *src = in + ((ptrdiff_t)(y0 + ky) * s->in_w + x0 + kx) * c;
                        for (int ch = 0; ch < c; ch++) o[ch] = o[ch] > src[ch] ? o[ch] : src[ch];
                    }
                const int8_t lo = (int8_t)(s->act_min < -128 ? -128 : s->act_min > 127 ? 127 : s->act_min);
                const int8_t hi = (int8_t)(s->act_max < -128 ? -128 : s->act_max > 127 ? 127 : s->act_max);
                for (int ch = 0; ch < c; ch++) {
                    int8_t v = o[ch] < lo ? lo : o[ch];
                    o[ch] = v > hi ? hi : v;
                }
                continue;
            } else {
                for (int ch = 0; ch < c; ch++) sum[ch] = 0;
                for (int ky = ky0; ky < ky1; ky++)
                    for (int kx = kx0; kx < kx1; kx++) {
                        const int8_t *src = in + ((ptrdiff_t)(y0 + ky) * s->in_w + x0 + kx) * c;
                        for (int ch = 0; ch < c; ch++) sum[ch] += src[ch];
                    }
                // Rounded half away from zero, as ReferenceInt8Ops.pool (|sum| <= 128 * count <= 2^31 for
                // count <= 4096 * 4096 taps; the rounding is done in 64 bits).
                for (int ch = 0; ch < c; ch++) {
                    const int64_t v = sum[ch], n = count;
                    sum[ch] = (int32_t)(v > 0 ? (v + n / 2) / n : (v - n / 2) / n);
                }
            }
            for (int ch = 0; ch < c; ch++) {
                int32_t v = sum[ch];
                v = v < s->act_min ? s->act_min : v;
                v = v > s->act_max ? s->act_max : v;
                o[ch] = (int8_t)v;
            }
        }
    }
}

/// Declared here, defined by the path's file after this template (the add kernel uses it).
KATTR void KSUF(rescale)(const int32_t *x, const int32_t *m, const int32_t *shift, int count, int dr, int32_t *out);

/// Elementwise add of two int8 tensors of `count` values (same shape), 8 at a time: each input
/// (x - Z) << left_shift rescaled with its own (M0, shift), the sum requantised with the output's
/// (M0, shift), Z_out and the activation clamp. Equals ReferenceInt8Ops.add.
KATTR void KSUF(add)(const intrs_add_params *p, const int8_t *a, const int8_t *b, int8_t *out, long count) {
    int32_t m0[8], s0[8], m1[8], s1[8], mo[8], so[8], lo[8], ro[8], zero[8];
    for (int j = 0; j < 8; j++) {
        m0[j] = p->multiplier_a; s0[j] = p->shift_a; m1[j] = p->multiplier_b; s1[j] = p->shift_b;
        mo[j] = p->multiplier_out; so[j] = p->shift_out;
        lo[j] = p->shift_out > 0 ? p->shift_out : 0; ro[j] = p->shift_out > 0 ? 0 : -p->shift_out; zero[j] = 0;
    }
    const intrs_requant rq = {zero, mo, so, lo, ro, p->zero_out, p->act_min, p->act_max, p->double_rounding};
    for (long i = 0; i < count; i += 8) {
        const int n = count - i < 8 ? (int)(count - i) : 8;
        int32_t va[8], vb[8], ra[8], rb[8];
        for (int j = 0; j < 8; j++) {
            const int32_t xa = j < n ? a[i + j] : p->zero_a, xb = j < n ? b[i + j] : p->zero_b;
            va[j] = (int32_t)((uint32_t)(xa - p->zero_a) << p->left_shift);
            vb[j] = (int32_t)((uint32_t)(xb - p->zero_b) << p->left_shift);
        }
        KSUF(rescale)(va, m0, s0, 8, p->double_rounding, ra);
        KSUF(rescale)(vb, m1, s1, 8, p->double_rounding, rb);
        for (int j = 0; j < 8; j++) ra[j] = (int32_t)((uint32_t)ra[j] + (uint32_t)rb[j]);
        KSUF(requant)(ra, n, &rq, 0, out + i);
    }
}

/// The input stage: out[i] = clamp(Z + gridMultiplier * grid[i], -128, 127), exact in 64 bits. Equals
/// ReferenceInt8Ops.quantizeInput.
KATTR void KSUF(quantize_input)(const int32_t *grid, long count, int32_t zero, int32_t grid_multiplier, int8_t *out) {
    for (long i = 0; i < count; i++) {
        int64_t v = (int64_t)zero + (int64_t)grid_multiplier * (int64_t)grid[i];
        v = v < -128 ? -128 : v;
        v = v > 127 ? 127 : v;
        out[i] = (int8_t)v;
    }
}
