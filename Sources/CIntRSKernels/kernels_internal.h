// Internal helpers of CIntRSKernels shared by the paths (not part of the public header).
#ifndef CINTRS_KERNELS_INTERNAL_H
#define CINTRS_KERNELS_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "CIntRSKernels.h"

/// Double rounding, scalar: RoundingDivideByPOT(SRDHM(x << left, M0), right) with SRDHM in its floor form
/// floor((a * M0 + 2^30) / 2^31) (Proofs/int8-rescale.md, Lemma A; M0 > 0 so the saturating case cannot occur).
/// Equals FastInt8Rescale.double.
static inline int32_t intrs_rescale_double(int32_t x, int32_t m, int32_t left, int32_t right) {
    const int32_t a = (int32_t)((uint32_t)x << left);
    const int64_t ab = (int64_t)a * (int64_t)m;
    const int32_t h = (int32_t)((ab + ((int64_t)1 << 30)) >> 31);
    const int32_t mask = (int32_t)((((uint32_t)1) << right) - 1u);
    const int32_t rem = h & mask;
    const int32_t threshold = (mask >> 1) + (h < 0 ? 1 : 0);
    return (h >> right) + (rem > threshold ? 1 : 0);
}

/// Single rounding, scalar: (x * M0 + 2^(30 - shift)) >> (31 - shift) in 64 bits. Equals FastInt8Rescale.single.
static inline int32_t intrs_rescale_single(int32_t x, int32_t m, int32_t shift) {
    const int s = 31 - shift;
    const int64_t v = (int64_t)x * (int64_t)m + ((int64_t)1 << (s - 1));
    return (int32_t)(v >> s);
}

/// clamp(Z_out + clamp(r, -512, 512), act_min, act_max) as int8.
static inline int8_t intrs_requant_clamp(int32_t r, const intrs_requant *rq) {
    r = r < -512 ? -512 : (r > 512 ? 512 : r);
    int32_t v = r + rq->zero_out;
    v = v < rq->act_min ? rq->act_min : v;
    v = v > rq->act_max ? rq->act_max : v;
    return (int8_t)v;
}

/// vnni_lanes.c: conv2d with output pixels in the lanes on the AVX-512 VNNI path (short K; see there).
int intrs_k_conv_lanes_applies_vnni(const intrs_conv_shape *s);
size_t intrs_k_conv_lanes_scratch_vnni(const intrs_conv_shape *s);
void intrs_k_conv_lanes_vnni(const intrs_conv_shape *s, const uint8_t *pad, size_t img, int wp, int items,
                             const int32_t *packed, const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride,
                             void *tail);

#define INTRS_DECLARE_PATH(SUF)                                                                                     \
    void intrs_k_conv2d_##SUF(const intrs_conv_shape *s, const int8_t *in, ptrdiff_t in_stride, int items,            \
                            const int32_t *packed, const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride,       \
                            int16_t *scratch);                                                                      \
    void intrs_k_fully_connected_##SUF(int in_count, int out_count, int32_t zero_in, const int8_t *in, ptrdiff_t in_stride, \
                               int items, const int32_t *packed, const intrs_requant *rq, int8_t *out,             \
                               ptrdiff_t out_stride, int16_t *scratch);                                            \
    void intrs_k_gemm_s16_##SUF(const int16_t *a, ptrdiff_t lda, int m, const int32_t *packed, int k, int n, int32_t *acc); \
    void intrs_k_requantize_##SUF(const int32_t *acc, int count, const intrs_requant *rq, int c0, int8_t *out);            \
    void intrs_k_depthwise_##SUF(const intrs_conv_shape *s, int mult, const int32_t *w, const int8_t *in, int8_t *out,     \
                         const intrs_requant *rq, int32_t *acc);                                                    \
    void intrs_k_rescale_##SUF(const int32_t *x, const int32_t *m, const int32_t *shift, int count, int dr,        \
                               int32_t *out);                                                                      \
    void intrs_k_pool_##SUF(const intrs_pool_shape *s, int is_max, const int8_t *in, int8_t *out, int32_t *sum);    \
    void intrs_k_add_##SUF(const intrs_add_params *p, const int8_t *a, const int8_t *b, int8_t *out, long count);     \
    void intrs_k_quantize_input_##SUF(const int32_t *grid, long count, int32_t zero, int32_t grid_multiplier,       \
                                      int8_t *out);

/// The pool window of output pixel (oy, ox): its first input row y0 = oy * stride_h - pad_top and column x0
/// (likewise), and the valid taps (ky, kx) in [ky0, ky1) x [kx0, kx1), those inside the image (an empty range,
/// k1 <= k0, when there is none).
typedef struct {
    int y0, ky0, ky1, x0, kx0, kx1;
} intrs_pool_window;

static inline intrs_pool_window intrs_pool_taps(const intrs_pool_shape *s, int oy, int ox) {
    intrs_pool_window w;
    w.y0 = oy * s->stride_h - s->pad_top;
    w.ky0 = w.y0 < 0 ? -w.y0 : 0;
    w.ky1 = s->pool_h < s->in_h - w.y0 ? s->pool_h : s->in_h - w.y0;
    w.x0 = ox * s->stride_w - s->pad_left;
    w.kx0 = w.x0 < 0 ? -w.x0 : 0;
    w.kx1 = s->pool_w < s->in_w - w.x0 ? s->pool_w : s->in_w - w.x0;
    return w;
}

/// Defines `ATTR uint64_t NAME(uint64_t iterations)`: `iterations` rounds of 8 independent chains of the
/// instruction OP on registers R0..R7 (R = "ymm" or "zmm") with R8 as the other operand. KIND ACC: R0..R7
/// accumulate R8 x R9 (vpdpbusd); KIND SELF: each register is replaced by itself x R8 (vpmaddwd), so every
/// chain depends on its own previous result. Returns the instruction count.
#define INTRS_BURST_LINE_ACC(OP, R, N) OP " %%" R "8, %%" R "9, %%" R N "\n\t"
#define INTRS_BURST_LINE_SELF(OP, R, N) OP " %%" R "8, %%" R N ", %%" R N "\n\t"
#define INTRS_DEFINE_BURST8(ATTR, NAME, OP, R, KIND)                                                                  \
    ATTR uint64_t NAME(uint64_t iterations) {                                                                      \
        for (uint64_t i = 0; i < iterations; i++) {                                                                \
            __asm__ volatile(INTRS_BURST_LINE_##KIND(OP, R, "0") INTRS_BURST_LINE_##KIND(OP, R, "1")                   \
                             INTRS_BURST_LINE_##KIND(OP, R, "2") INTRS_BURST_LINE_##KIND(OP, R, "3")                   \
                             INTRS_BURST_LINE_##KIND(OP, R, "4") INTRS_BURST_LINE_##KIND(OP, R, "5")                   \
                             INTRS_BURST_LINE_##KIND(OP, R, "6") INTRS_BURST_LINE_##KIND(OP, R, "7")                   \
                             :                                                                                     \
                             :                                                                                     \
                             : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9");    \
        }                                                                                                          \
        __asm__ volatile("vzeroupper" ::: "memory");                                                               \
        return iterations * 8;                                                                                     \
    }

#endif
