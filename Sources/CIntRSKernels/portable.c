// The portable kernel path: plain C for any CPU (the compiler vectorises what it can for the baseline
// instruction set). Same results as the AVX2 path, bit for bit.
#include "CIntRSKernels.h"
#include "kernels_internal.h"

#define KATTR
#define KSUF(name) intrs_k_##name##_portable

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
