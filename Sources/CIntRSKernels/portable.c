// The portable kernel path: plain C for any CPU (the compiler vectorises what it can for the baseline
// instruction set), except that on x86-64 the GEMM micro-kernel uses SSE2's pmaddwd, which every x86-64
// CPU has; other CPUs (arm64) run the plain C micro-kernel. Same results as the AVX2 path, bit for bit.
#include "CIntRSKernels.h"
#include "kernels_internal.h"
#include <string.h>

#define KATTR
#define KSUF(name) intrs_k_##name##_portable

#if defined(__SSE2__)
#include <emmintrin.h>
/// tile[r][j] = sum over pairs p of lo(w) * lo(x) + hi(w) * hi(x). On x86-64 the baseline instruction set
/// (SSE2, present on every x86-64 CPU) has pmaddwd, which is exactly this pair product on int16 halves
/// (exact: |w x| <= 127 * 255, see KERN-1), so the portable path uses it on 128-bit registers: 8 channels
/// per pass, 4 rows x 2 xmm accumulators, paddd wrapping (exact modulo 2^32).
static inline void intrs_k_ukernel_portable(const int16_t *const a[INTRS_GEMM_MR], const int32_t *w, int k_pairs, int width,
                                            int32_t *tile) {
    for (int h = 0; h < width; h += 8) {
        __m128i c00 = _mm_setzero_si128(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        const int32_t *wp = w + h;
        for (int p = 0; p < k_pairs; p++) {
            const __m128i w0 = _mm_loadu_si128((const __m128i *)wp), w1 = _mm_loadu_si128((const __m128i *)(wp + 4));
            wp += width;
            int32_t x;
            __m128i xv;
#define PAIR(r)                                                             \
    memcpy(&x, a[r] + 2 * p, sizeof x);                                     \
    xv = _mm_set1_epi32(x);                                                 \
    c##r##0 = _mm_add_epi32(c##r##0, _mm_madd_epi16(w0, xv));               \
    c##r##1 = _mm_add_epi32(c##r##1, _mm_madd_epi16(w1, xv));
            PAIR(0) PAIR(1) PAIR(2) PAIR(3)
#undef PAIR
        }
        int32_t *t = tile + h;
        _mm_storeu_si128((__m128i *)(t + 0), c00);
        _mm_storeu_si128((__m128i *)(t + 4), c01);
        _mm_storeu_si128((__m128i *)(t + INTRS_GEMM_NR), c10);
        _mm_storeu_si128((__m128i *)(t + INTRS_GEMM_NR + 4), c11);
        _mm_storeu_si128((__m128i *)(t + 2 * INTRS_GEMM_NR), c20);
        _mm_storeu_si128((__m128i *)(t + 2 * INTRS_GEMM_NR + 4), c21);
        _mm_storeu_si128((__m128i *)(t + 3 * INTRS_GEMM_NR), c30);
        _mm_storeu_si128((__m128i *)(t + 3 * INTRS_GEMM_NR + 4), c31);
    }
}
#else
/// tile[r][j] = sum over pairs p of lo(w) * lo(x) + hi(w) * hi(x), wrapping uint32 sums (exact mod 2^32).
static inline void intrs_k_ukernel_portable(const int16_t *const a[INTRS_GEMM_MR], const int32_t *w, int k_pairs, int width,
                                    int32_t *tile) {
    uint32_t t[INTRS_GEMM_MR][INTRS_GEMM_NR];
    for (int r = 0; r < INTRS_GEMM_MR; r++)
        for (int j = 0; j < INTRS_GEMM_NR; j++) t[r][j] = 0;
    for (int p = 0; p < k_pairs; p++) {
        const int32_t *wr = w + (ptrdiff_t)p * width;
        for (int r = 0; r < INTRS_GEMM_MR; r++) {
            const int32_t xl = a[r][2 * p], xh = a[r][2 * p + 1];
            for (int j = 0; j < width; j++) {
                const int32_t wl = (int16_t)(uint16_t)((uint32_t)wr[j] & 0xFFFFu), wh = wr[j] >> 16;
                t[r][j] += (uint32_t)(wl * xl) + (uint32_t)(wh * xh);
            }
        }
    }
    for (int r = 0; r < INTRS_GEMM_MR; r++)
        for (int j = 0; j < width; j++) tile[r * INTRS_GEMM_NR + j] = (int32_t)t[r][j];
}
#endif

static inline void intrs_k_requant_portable(const int32_t *acc, int count, const intrs_requant *rq, int c0, int8_t *out) {
    for (int j = 0; j < count; j++) {
        const int c = c0 + j;
        const int32_t v = (int32_t)((uint32_t)acc[j] + (uint32_t)rq->bias[c]);
        const int32_t r = rq->double_rounding ? intrs_rescale_double(v, rq->multiplier[c], rq->left[c], rq->right[c])
                                              : intrs_rescale_single(v, rq->multiplier[c], rq->shift[c]);
        out[j] = intrs_requant_clamp(r, rq);
    }
}

#include "kernels_template.h"

void intrs_k_rescale_portable(const int32_t *x, const int32_t *m, const int32_t *shift, int count, int dr, int32_t *out) {
    for (int i = 0; i < count; i++) {
        const int32_t sh = shift[i];
        out[i] = dr ? intrs_rescale_double(x[i], m[i], sh > 0 ? sh : 0, sh > 0 ? 0 : -sh)
                    : intrs_rescale_single(x[i], m[i], sh);
    }
}
