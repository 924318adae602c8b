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

#include "avx2_requant.h"

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

/// 8 independent chains of vpmaddwd ymm, `iterations` rounds (for measuring throughput per cycle): each
/// register multiplies itself by ymm8, so every chain depends on its own previous result.
INTRS_DEFINE_BURST8(KATTR, intrs_k_vpmaddwd_burst_avx2, "vpmaddwd", "ymm", SELF)

/// 8 independent chains of vfmadd231ps ymm (8 float32 multiply-adds each), `iterations` rounds: the float32
/// paths' limit. With a 4-cycle fma latency, 8 chains keep two fma pipes busy (Zen 2-4, Intel since Haswell).
INTRS_DEFINE_BURST8(KATTR, intrs_k_vfmadd231ps_burst_avx2, "vfmadd231ps", "ymm", ACC)

/// The same with zmm registers (16 multiply-adds each; AVX-512F): CPUs with two 512-bit fma pipes do twice
/// the ymm rate, AMD Zen 4 splits each into two 256-bit halves (the same rate as ymm).
INTRS_DEFINE_BURST8(__attribute__((target("avx512f,avx2,fma"))), intrs_k_vfmadd231ps512_burst_avx2, "vfmadd231ps",
                    "zmm", ACC)
#endif
