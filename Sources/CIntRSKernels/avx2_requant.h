// The AVX2 requantisation (8 channels per ymm), shared by the AVX2 and AVX-512 VNNI paths. Included by
// avx2.c and vnni.c after they define KATTR and KSUF; every function is static to its file.
#ifndef CINTRS_AVX2_REQUANT_H
#define CINTRS_AVX2_REQUANT_H
#include <immintrin.h>
#include <string.h>
#include "CIntRSKernels.h"

/// Double rounding on 8 lanes: a = x << left (vpsllvd); h = floor((a * M0 + 2^30) / 2^31) from the two
/// 64-bit vpmuldq products (even and odd lanes; the low 32 bits of a logical shift are the low 32 bits of
/// the floor, which fits int32); then RoundingDivideByPOT with per-lane exponent `right` (vpsravd).
static inline KATTR __m256i rescale_double_avx2(__m256i x, __m256i m, __m256i left, __m256i right) {
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i nudge = _mm256_set1_epi64x((int64_t)1 << 30);
    const __m256i a = _mm256_sllv_epi32(x, left);
    __m256i even = _mm256_add_epi64(_mm256_mul_epi32(a, m), nudge);
    __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(m, 32)), nudge);
    even = _mm256_srli_epi64(even, 31);  // bits 31..62 -> low dword
    odd = _mm256_slli_epi64(odd, 1);     // bits 31..62 -> high dword
    const __m256i h = _mm256_blend_epi32(even, odd, 0xAA);
    const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right), one);
    const __m256i rem = _mm256_and_si256(h, mask);
    // threshold = (mask >> 1) + (h < 0); cmpgt gives -1 for true, so subtract it.
    const __m256i threshold = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_cmpgt_epi32(_mm256_setzero_si256(), h));
    return _mm256_sub_epi32(_mm256_srav_epi32(h, right), _mm256_cmpgt_epi32(rem, threshold));
}

/// floor(v / 2^s) for 64-bit lanes, s in [2, 62] per lane, without an arithmetic 64-bit shift (AVX2 has
/// none): with u = v xor 2^63 = v + 2^63 as unsigned, u >> s = floor(v / 2^s) + 2^(63 - s).
static inline KATTR __m256i floor_shift64(__m256i v, __m256i s) {
    const __m256i one = _mm256_set1_epi64x(1);
    const __m256i u = _mm256_xor_si256(v, _mm256_set1_epi64x(INT64_MIN));
    return _mm256_sub_epi64(_mm256_srlv_epi64(u, s), _mm256_sllv_epi64(one, _mm256_sub_epi64(_mm256_set1_epi64x(63), s)));
}

/// Single rounding on 8 lanes: (x * M0 + 2^(s - 1)) >> s with s = 31 - shift, in 64 bits per lane.
static inline KATTR __m256i rescale_single_avx2(__m256i x, __m256i m, __m256i shift) {
    const __m256i one = _mm256_set1_epi64x(1);
    const __m256i s = _mm256_sub_epi32(_mm256_set1_epi32(31), shift);
    const __m256i s_even = _mm256_and_si256(s, _mm256_set1_epi64x(0xFFFFFFFF));
    const __m256i s_odd = _mm256_srli_epi64(s, 32);
    __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, m), _mm256_sllv_epi64(one, _mm256_sub_epi64(s_even, one)));
    __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(m, 32)),
                                   _mm256_sllv_epi64(one, _mm256_sub_epi64(s_odd, one)));
    even = floor_shift64(even, s_even);
    odd = _mm256_slli_epi64(floor_shift64(odd, s_odd), 32);
    return _mm256_blend_epi32(even, odd, 0xAA);
}

/// Requantisation of `count` channels, 8 lanes at a time. Reads acc[0 .. roundup8(count)) and the
/// parameters of channels [c0, c0 + roundup8(count)); writes exactly `count` bytes.
static inline KATTR void KSUF(requant)(const int32_t *acc, int count, const intrs_requant *rq, int c0,
                                              int8_t *out) {
    const __m256i lo = _mm256_set1_epi32(-512), hi = _mm256_set1_epi32(512);
    const __m256i z = _mm256_set1_epi32(rq->zero_out);
    const __m256i amin = _mm256_set1_epi32(rq->act_min), amax = _mm256_set1_epi32(rq->act_max);
    for (int j = 0; j < count; j += 8) {
        const int c = c0 + j;
        const __m256i v = _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(acc + j)),
                                           _mm256_loadu_si256((const __m256i *)(rq->bias + c)));
        const __m256i m = _mm256_loadu_si256((const __m256i *)(rq->multiplier + c));
        __m256i r;
        if (rq->double_rounding) {
            r = rescale_double_avx2(v, m, _mm256_loadu_si256((const __m256i *)(rq->left + c)),
                                    _mm256_loadu_si256((const __m256i *)(rq->right + c)));
        } else {
            r = rescale_single_avx2(v, m, _mm256_loadu_si256((const __m256i *)(rq->shift + c)));
        }
        r = _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(r, lo), hi), z);
        r = _mm256_min_epi32(_mm256_max_epi32(r, amin), amax);
        const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
        const __m128i p8 = _mm_packs_epi16(p16, p16);
        if (count - j >= 8) {
            _mm_storel_epi64((__m128i *)(out + j), p8);
        } else {
            int8_t tmp[16];
            _mm_storeu_si128((__m128i *)tmp, p8);
            memcpy(out + j, tmp, (size_t)(count - j));
        }
    }
}

#endif
