// The float32 baseline's vector micro-kernels (x86-64): FMA (AVX2 + FMA, 6 rows x 16 channels in 12 ymm) and
// AVX512 (AVX-512F, 8 rows x 16 channels in 8 zmm). Each is compiled with __attribute__((target(...))) on the
// function, so the package keeps its default flags, and is called only when the CPU check found its features (or
// INTRS_FLOAT_KERNEL forced it). Each lane of each accumulator is one fma chain in increasing k from +0,
// exactly the portable kernel's fmaf chain (include/CIntRSFloatKernels.h). The row loops are written once over
// arrays of vectors and fully unrolled, so the accumulators stay in registers.
#if defined(__x86_64__) || defined(__i386__)
#include "float_internal.h"
#define UNROLL _Pragma("clang loop unroll(full)")

/// The FMA tile: a: MR row pointers, each row's K values laid out as `g` says (runs of g->seg_len floats,
/// g->seg_stride apart); w: one packed 16-channel panel ([K][16]). out: NULL, or row pointers of which the first
/// `rows` are written at column `col` (act(bias + acc), 16 channels each; bias NULL or 16 floats). Without `out`,
/// the raw accumulators of all MR rows go to tile[MR][16] (the caller's scalar epilogue then runs).
static inline __attribute__((always_inline)) FATTR void f32_fma_body(const intrs_f32_rowk *g, const float *const *a,
                                                                     const float *w, float *tile, float *const *out,
                                                                     ptrdiff_t col, int rows, const float *bias,
                                                                     int activation) {
    enum { MR = INTRS_F32_MR };
    __m256 c[MR][2];
    UNROLL for (int r = 0; r < MR; r++) c[r][0] = c[r][1] = _mm256_setzero_ps();
    for (int s = 0; s < g->segs; s++) {
        const ptrdiff_t off = (ptrdiff_t)s * g->seg_stride;
        for (int p = 0; p < g->seg_len; p++, w += INTRS_F32_NR) {
            const __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
            UNROLL for (int r = 0; r < MR; r++) {
                const __m256 x = _mm256_broadcast_ss(a[r] + off + p);
                c[r][0] = _mm256_fmadd_ps(x, w0, c[r][0]);
                c[r][1] = _mm256_fmadd_ps(x, w1, c[r][1]);
            }
        }
    }
    const __m256 b0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps(), b1 = bias ? _mm256_loadu_ps(bias + 8) : b0;
    UNROLL for (int r = 0; r < MR; r++) {
        if (!out) {
            _mm256_storeu_ps(tile + r * INTRS_F32_NR, c[r][0]);
            _mm256_storeu_ps(tile + r * INTRS_F32_NR + 8, c[r][1]);
        } else if (r < rows) {
            _mm256_storeu_ps(out[r] + col, f32_act8(bias ? _mm256_add_ps(b0, c[r][0]) : c[r][0], activation));
            _mm256_storeu_ps(out[r] + col + 8, f32_act8(bias ? _mm256_add_ps(b1, c[r][1]) : c[r][1], activation));
        }
    }
}

/// One FMA tile into tile[MR][16] (raw accumulators; a partial panel, whose epilogue the caller runs).
FATTR void intrs_k_f32_ukernel_fma(const intrs_f32_rowk *g, const float *const a[INTRS_F32_MR], const float *w, float *tile) {
    f32_fma_body(g, a, w, tile, NULL, 0, INTRS_F32_MR, NULL, 0);
}

/// Rows [0, m) against one full panel on the FMA path: out row i gets columns [col, col + 16) of act(bias + acc);
/// tiles of MR rows, the last one short (its missing rows repeat its last row and are not written).
FATTR void intrs_k_f32_rows_fma(const intrs_f32_rowk *g, const float *const *arow, float *const *orow, int m,
                                ptrdiff_t col, const float *w, const float *bias, int activation) {
    enum { MR = INTRS_F32_MR };
    int i0 = 0;
    for (; i0 + MR <= m; i0 += MR) f32_fma_body(g, arow + i0, w, NULL, orow + i0, col, MR, bias, activation);
    if (i0 < m) {
        const float *a[MR];
        for (int r = 0; r < MR; r++) a[r] = arow[i0 + (i0 + r < m ? r : m - 1 - i0)];
        f32_fma_body(g, a, w, NULL, orow + i0, col, m - i0, bias, activation);
    }
}

/// The AVX512 tile over NP = 1 or 2 consecutive panels (the second `panel_stride` floats after the first):
/// INTRS_F32_MR_AVX512 rows, one zmm (16 channels) per row and panel; per k one weight load per panel and eight
/// broadcast fmas per panel. Output as f32_fma_body (16 NP columns from `col`); the tile (raw accumulators) is
/// written only with NP = 1 and out NULL.
static inline __attribute__((always_inline)) ZATTR void f32_avx512_body(const int np, const intrs_f32_rowk *g,
                                                                        const float *const *a, const float *w,
                                                                        ptrdiff_t panel_stride, float *tile,
                                                                        float *const *out, ptrdiff_t col, int rows,
                                                                        const float *bias, int activation) {
    enum { MR = INTRS_F32_MR_AVX512 };
    __m512 c[MR][2];
    UNROLL for (int r = 0; r < MR; r++) c[r][0] = c[r][1] = _mm512_setzero_ps();
    for (int s = 0; s < g->segs; s++) {
        const ptrdiff_t off = (ptrdiff_t)s * g->seg_stride;
        for (int p = 0; p < g->seg_len; p++, w += INTRS_F32_NR) {
            const __m512 w0 = _mm512_loadu_ps(w), w1 = np > 1 ? _mm512_loadu_ps(w + panel_stride) : w0;
            UNROLL for (int r = 0; r < MR; r++) {
                const __m512 x = _mm512_set1_ps(a[r][off + p]);
                c[r][0] = _mm512_fmadd_ps(x, w0, c[r][0]);
                if (np > 1) c[r][1] = _mm512_fmadd_ps(x, w1, c[r][1]);
            }
        }
    }
    UNROLL for (int q = 0; q < np; q++) {
        const __m512 b = bias ? _mm512_loadu_ps(bias + q * INTRS_F32_NR) : _mm512_setzero_ps();
        UNROLL for (int r = 0; r < MR; r++) {
            if (!out) {
                _mm512_storeu_ps(tile + r * INTRS_F32_NR, c[r][q]);
            } else if (r < rows) {
                _mm512_storeu_ps(out[r] + col + q * INTRS_F32_NR, f32_act16(bias ? _mm512_add_ps(b, c[r][q]) : c[r][q], activation));
            }
        }
    }
}

/// One AVX512 tile into tile[MR_AVX512][16] (raw accumulators; a partial panel).
ZATTR void intrs_k_f32_ukernel_avx512(const intrs_f32_rowk *g, const float *const a[INTRS_F32_MR_AVX512], const float *w,
                                      float *tile) {
    f32_avx512_body(1, g, a, w, 0, tile, NULL, 0, INTRS_F32_MR_AVX512, NULL, 0);
}

/// Rows [0, m) against np = 1 or 2 full panels on the AVX512 path (the second panel `panel_stride` floats after
/// the first; out and bias cover 16 np channels from `col`), tiles of MR_AVX512 rows as intrs_k_f32_rows_fma. With
/// np = 2 the rows are read once for both panels (16 zmm accumulators).
ZATTR void intrs_k_f32_rows_avx512(int np, const intrs_f32_rowk *g, const float *const *arow, float *const *orow, int m,
                                   ptrdiff_t col, const float *w, ptrdiff_t panel_stride, const float *bias,
                                   int activation) {
    enum { MR = INTRS_F32_MR_AVX512 };
    int i0 = 0;
    if (np > 1) {
        for (; i0 + MR <= m; i0 += MR) f32_avx512_body(2, g, arow + i0, w, panel_stride, NULL, orow + i0, col, MR, bias, activation);
    } else {
        for (; i0 + MR <= m; i0 += MR) f32_avx512_body(1, g, arow + i0, w, 0, NULL, orow + i0, col, MR, bias, activation);
    }
    if (i0 < m) {
        const float *a[MR];
        for (int r = 0; r < MR; r++) a[r] = arow[i0 + (i0 + r < m ? r : m - 1 - i0)];
        if (np > 1) f32_avx512_body(2, g, a, w, panel_stride, NULL, orow + i0, col, m - i0, bias, activation);
        else f32_avx512_body(1, g, a, w, 0, NULL, orow + i0, col, m - i0, bias, activation);
    }
}
#endif
