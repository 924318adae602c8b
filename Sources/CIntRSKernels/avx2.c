// The AVX2 kernel path (x86-64 with AVX2 and FMA): every function carries
// __attribute__((target("avx2,fma"))), so the rest of the package keeps the baseline instruction set and
// this code runs only when dispatch.c found AVX2 at start-up (or INTRS_KERNEL=avx2 forced it).
//
// Products: vpmaddwd (int16 x int16 -> int32, two products summed per lane, exact; no saturation: only
// (-32768)^2 * 2 would exceed int32 and operands here are weights in [-127, 127] times (x - Z_in) in
// [-255, 255]). Accumulation: vpaddd, wrapping, exact under the static bound (Proofs/KERN-1.md).
// Requantisation: the rescale of Proofs/int8-rescale.md, 8 channels per ymm (KERN-1, "lane-wise").
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>
#include "CIntRSKernels.h"
#include "kernels_internal.h"

#define KATTR __attribute__((target("avx2,fma")))
#define KSUF(name) intrs_k_##name##_avx2

static inline KATTR int32_t ld32(const int16_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/// The 4 x 16 (or 4 x 8) register-blocked micro-kernel: 8 (or 4) ymm accumulators; per int16 pair of the
/// patch rows, two (one) weight loads, four broadcasts and eight (four) vpmaddwd + vpaddd.
static inline KATTR void intrs_k_ukernel_avx2(const int16_t *const a[INTRS_GEMM_MR], const int32_t *w, int k_pairs,
                                              int width, int32_t *tile) {
    const int16_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3];
    if (width == 16) {
        __m256i c00 = _mm256_setzero_si256(), c01 = _mm256_setzero_si256();
        __m256i c10 = _mm256_setzero_si256(), c11 = _mm256_setzero_si256();
        __m256i c20 = _mm256_setzero_si256(), c21 = _mm256_setzero_si256();
        __m256i c30 = _mm256_setzero_si256(), c31 = _mm256_setzero_si256();
        for (int p = 0; p < k_pairs; p++) {
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
            const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 8));
            w += 16;
            __m256i x = _mm256_set1_epi32(ld32(a0 + 2 * p));
            c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(w0, x));
            c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(w1, x));
            x = _mm256_set1_epi32(ld32(a1 + 2 * p));
            c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(w0, x));
            c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(w1, x));
            x = _mm256_set1_epi32(ld32(a2 + 2 * p));
            c20 = _mm256_add_epi32(c20, _mm256_madd_epi16(w0, x));
            c21 = _mm256_add_epi32(c21, _mm256_madd_epi16(w1, x));
            x = _mm256_set1_epi32(ld32(a3 + 2 * p));
            c30 = _mm256_add_epi32(c30, _mm256_madd_epi16(w0, x));
            c31 = _mm256_add_epi32(c31, _mm256_madd_epi16(w1, x));
        }
        _mm256_storeu_si256((__m256i *)(tile + 0), c00);
        _mm256_storeu_si256((__m256i *)(tile + 8), c01);
        _mm256_storeu_si256((__m256i *)(tile + 16), c10);
        _mm256_storeu_si256((__m256i *)(tile + 24), c11);
        _mm256_storeu_si256((__m256i *)(tile + 32), c20);
        _mm256_storeu_si256((__m256i *)(tile + 40), c21);
        _mm256_storeu_si256((__m256i *)(tile + 48), c30);
        _mm256_storeu_si256((__m256i *)(tile + 56), c31);
    } else {
        __m256i c0 = _mm256_setzero_si256(), c1 = _mm256_setzero_si256();
        __m256i c2 = _mm256_setzero_si256(), c3 = _mm256_setzero_si256();
        for (int p = 0; p < k_pairs; p++) {
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
            w += 8;
            c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(w0, _mm256_set1_epi32(ld32(a0 + 2 * p))));
            c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(w0, _mm256_set1_epi32(ld32(a1 + 2 * p))));
            c2 = _mm256_add_epi32(c2, _mm256_madd_epi16(w0, _mm256_set1_epi32(ld32(a2 + 2 * p))));
            c3 = _mm256_add_epi32(c3, _mm256_madd_epi16(w0, _mm256_set1_epi32(ld32(a3 + 2 * p))));
        }
        _mm256_storeu_si256((__m256i *)(tile + 0), c0);
        _mm256_storeu_si256((__m256i *)(tile + 16), c1);
        _mm256_storeu_si256((__m256i *)(tile + 32), c2);
        _mm256_storeu_si256((__m256i *)(tile + 48), c3);
    }
}

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
static inline KATTR void intrs_k_requant_avx2(const int32_t *acc, int count, const intrs_requant *rq, int c0,
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

#include "kernels_template.h"

KATTR void intrs_k_rescale_avx2(const int32_t *x, const int32_t *m, const int32_t *shift, int count, int dr,
                                int32_t *out) {
    const __m256i zero = _mm256_setzero_si256();
    for (int i = 0; i + 8 <= count; i += 8) {
        const __m256i xv = _mm256_loadu_si256((const __m256i *)(x + i));
        const __m256i mv = _mm256_loadu_si256((const __m256i *)(m + i));
        const __m256i sv = _mm256_loadu_si256((const __m256i *)(shift + i));
        const __m256i r = dr ? rescale_double_avx2(xv, mv, _mm256_max_epi32(sv, zero), _mm256_max_epi32(_mm256_sub_epi32(zero, sv), zero))
                             : rescale_single_avx2(xv, mv, sv);
        _mm256_storeu_si256((__m256i *)(out + i), r);
    }
}

/// 8 independent chains of vpmaddwd ymm, `iterations` rounds (for measuring throughput per cycle).
KATTR uint64_t intrs_k_vpmaddwd_burst_avx2(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(
            "vpmaddwd %%ymm8, %%ymm0, %%ymm0\n\t"
            "vpmaddwd %%ymm8, %%ymm1, %%ymm1\n\t"
            "vpmaddwd %%ymm8, %%ymm2, %%ymm2\n\t"
            "vpmaddwd %%ymm8, %%ymm3, %%ymm3\n\t"
            "vpmaddwd %%ymm8, %%ymm4, %%ymm4\n\t"
            "vpmaddwd %%ymm8, %%ymm5, %%ymm5\n\t"
            "vpmaddwd %%ymm8, %%ymm6, %%ymm6\n\t"
            "vpmaddwd %%ymm8, %%ymm7, %%ymm7\n\t"
            :
            :
            : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8");
    }
    __asm__ volatile("vzeroupper" ::: "memory");
    return iterations * 8;
}
#endif
