// The float32 baseline's FMA micro-kernel (x86-64 with AVX2 and FMA): __attribute__((target("avx2,fma"))) on the
// function, so the package keeps its default flags; called only when the CPU check found AVX2 and FMA (or
// INTRS_FLOAT_KERNEL=fma forced it). Each lane of each accumulator is one fma chain in increasing k from +0,
// exactly the portable kernel's fmaf chain (include/CIntRSFloatKernels.h).
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "CIntRSFloatKernels.h"

/// 6 rows x 16 channels: 12 ymm accumulators; per k, two weight loads, six broadcasts, twelve vfmadd231ps.
/// Full panels write act(bias + acc) straight to the output rows.
#define FATTR __attribute__((target("avx2,fma")))

/// act(bias + acc) on 8 lanes, the float operations of the scalar epilogue lane by lane (float_gemm.c):
/// RELU x >= 0 ? x : 0 (ordered compare, so NaN gives 0), RELU6 then 6 < u ? 6 : u, RELU_N1_TO_1 likewise.
static inline FATTR __m256 f32_act8(__m256 x, int activation) {
    const __m256 zero = _mm256_setzero_ps();
    switch (activation) {
    case INTRS_F32_ACT_RELU: return _mm256_and_ps(_mm256_cmp_ps(x, zero, _CMP_GE_OQ), x);
    case INTRS_F32_ACT_RELU6: {
        const __m256 six = _mm256_set1_ps(6.0f);
        const __m256 u = _mm256_and_ps(_mm256_cmp_ps(x, zero, _CMP_GE_OQ), x);
        return _mm256_blendv_ps(u, six, _mm256_cmp_ps(six, u, _CMP_LT_OQ));
    }
    case INTRS_F32_ACT_RELU_N1_TO_1: {
        const __m256 lo = _mm256_set1_ps(-1.0f), hi = _mm256_set1_ps(1.0f);
        const __m256 u = _mm256_blendv_ps(lo, x, _mm256_cmp_ps(x, lo, _CMP_GE_OQ));
        return _mm256_blendv_ps(u, hi, _mm256_cmp_ps(hi, u, _CMP_LT_OQ));
    }
    default: return x;
    }
}

/// Stores one row of the tile: act(bias + acc) into out[0..16) when `out` is set, else the raw accumulators
/// into tile[0..16) (the caller's scalar epilogue then runs).
static inline FATTR void f32_store_row(__m256 c0, __m256 c1, const float *bias, int activation, float *out, float *tile) {
    if (out) {
        if (bias) {
            c0 = _mm256_add_ps(_mm256_loadu_ps(bias), c0);
            c1 = _mm256_add_ps(_mm256_loadu_ps(bias + 8), c1);
        }
        _mm256_storeu_ps(out, f32_act8(c0, activation));
        _mm256_storeu_ps(out + 8, f32_act8(c1, activation));
    } else {
        _mm256_storeu_ps(tile, c0);
        _mm256_storeu_ps(tile + 8, c1);
    }
}

/// out: NULL, or MR row pointers of which the first `rows` are written (act(bias + acc), 16 channels each;
/// bias NULL or 16 floats). Without `out`, the raw accumulators go to tile[MR][16].
FATTR void intrs_k_f32_ukernel_fma(int k, const float *const a[INTRS_F32_MR], const float *w, float *tile,
                                   float *const *out, int rows, const float *bias, int activation) {
    const float *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (int p = 0; p < k; p++) {
        const __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
        w += INTRS_F32_NR;
        __m256 x = _mm256_broadcast_ss(a0 + p);
        c00 = _mm256_fmadd_ps(x, w0, c00);
        c01 = _mm256_fmadd_ps(x, w1, c01);
        x = _mm256_broadcast_ss(a1 + p);
        c10 = _mm256_fmadd_ps(x, w0, c10);
        c11 = _mm256_fmadd_ps(x, w1, c11);
        x = _mm256_broadcast_ss(a2 + p);
        c20 = _mm256_fmadd_ps(x, w0, c20);
        c21 = _mm256_fmadd_ps(x, w1, c21);
        x = _mm256_broadcast_ss(a3 + p);
        c30 = _mm256_fmadd_ps(x, w0, c30);
        c31 = _mm256_fmadd_ps(x, w1, c31);
        x = _mm256_broadcast_ss(a4 + p);
        c40 = _mm256_fmadd_ps(x, w0, c40);
        c41 = _mm256_fmadd_ps(x, w1, c41);
        x = _mm256_broadcast_ss(a5 + p);
        c50 = _mm256_fmadd_ps(x, w0, c50);
        c51 = _mm256_fmadd_ps(x, w1, c51);
    }
    f32_store_row(c00, c01, bias, activation, out ? out[0] : NULL, tile + 0);
    if (rows > 1) f32_store_row(c10, c11, bias, activation, out ? out[1] : NULL, tile + 16);
    if (rows > 2) f32_store_row(c20, c21, bias, activation, out ? out[2] : NULL, tile + 32);
    if (rows > 3) f32_store_row(c30, c31, bias, activation, out ? out[3] : NULL, tile + 48);
    if (rows > 4) f32_store_row(c40, c41, bias, activation, out ? out[4] : NULL, tile + 64);
    if (rows > 5) f32_store_row(c50, c51, bias, activation, out ? out[5] : NULL, tile + 80);
}
#endif
