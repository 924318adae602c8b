// The float32 baseline's epilogue (bias, then activation) shared by its GEMM (float_gemm.c, float_fma.c) and its
// pools (float_pool.c): the scalar loop on every platform, and on x86-64 the same float operations on 8 lanes
// (AVX2) and 16 lanes (AVX-512F). Internal to CIntRSKernels.
#ifndef CINTRS_FLOAT_INTERNAL_H
#define CINTRS_FLOAT_INTERNAL_H
#include "CIntRSFloatKernels.h"

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

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define FATTR __attribute__((target("avx2,fma")))
#define ZATTR __attribute__((target("avx512f,avx2,fma")))

/// act(bias + acc) on 8 lanes, the float operations of f32_epilogue above lane by lane:
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

/// The same on 16 lanes with AVX-512 masks (same compares, same selections).
static inline ZATTR __m512 f32_act16(__m512 x, int activation) {
    switch (activation) {
    case INTRS_F32_ACT_RELU: return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ), x);
    case INTRS_F32_ACT_RELU6: {
        const __m512 six = _mm512_set1_ps(6.0f);
        const __m512 u = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ), x);
        return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(six, u, _CMP_LT_OQ), u, six);
    }
    case INTRS_F32_ACT_RELU_N1_TO_1: {
        const __m512 lo = _mm512_set1_ps(-1.0f), hi = _mm512_set1_ps(1.0f);
        const __m512 u = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, lo, _CMP_GE_OQ), lo, x);
        return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(hi, u, _CMP_LT_OQ), u, hi);
    }
    default: return x;
    }
}

#endif
#endif
