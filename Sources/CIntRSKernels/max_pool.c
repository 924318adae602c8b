// MaxPool2D of a chunk of items, vectorised over channels in 32-, 16- and 8-byte pieces (GCC/Clang vector
// extensions: SSE2 or NEON on the baseline, one ymm per 32 bytes on the AVX2 build of the same body), for
// the portable and AVX2 paths (the AVX-512 VNNI path has its own, vnni.c). The drivers of kernels_template.h auto-vectorise the channel loop only for long
// channel runs: on the digits CNN (8 channels) their max pool ran byte by byte and took as long as both
// convolutions together.
//
// Semantics (equal to ReferenceInt8Ops.pool for a max pool, and to the template's pool): each output is
// the maximum of the int8 inputs under the window's taps inside the image (-128 when none is), then
// clamped to [act_min, act_max] (themselves clamped to the int8 range). Maxima of int8 values are exact.
#include <string.h>
#include "CIntRSKernels.h"
#include "kernels_internal.h"

typedef int8_t intrs_v32i8 __attribute__((vector_size(32)));
typedef int8_t intrs_v16i8 __attribute__((vector_size(16)));
typedef int8_t intrs_v8i8 __attribute__((vector_size(8)));

// One piece of W bytes of channels starting at ch: load, max over the taps, clamp, store.
#define INTRS_MAXPOOL_PIECE(V, W)                                                                             \
    for (; ch + (W) <= c; ch += (W)) {                                                                        \
        V m, v, lo_v, hi_v;                                                                                   \
        memset(&m, 0x80, sizeof m);                                                                           \
        memset(&lo_v, (unsigned char)lo, sizeof lo_v);                                                        \
        memset(&hi_v, (unsigned char)hi, sizeof hi_v);                                                        \
        for (int ky = ky0; ky < ky1; ky++)                                                                    \
            for (int kx = kx0; kx < kx1; kx++) {                                                              \
                memcpy(&v, in + ((ptrdiff_t)(y0 + ky) * s->in_w + x0 + kx) * c + ch, sizeof v);               \
                m = __builtin_elementwise_max(m, v);                                                          \
            }                                                                                                 \
        m = __builtin_elementwise_min(__builtin_elementwise_max(m, lo_v), hi_v);                              \
        memcpy(o + ch, &m, sizeof m);                                                                         \
    }

#define INTRS_MAXPOOL_BODY                                                                                    \
    const int c = s->channels;                                                                                \
    const int8_t lo = (int8_t)(s->act_min < -128 ? -128 : s->act_min > 127 ? 127 : s->act_min);               \
    const int8_t hi = (int8_t)(s->act_max < -128 ? -128 : s->act_max > 127 ? 127 : s->act_max);               \
    for (int b = 0; b < items; b++) {                                                                         \
        const int8_t *const in = in0 + (ptrdiff_t)b * in_stride;                                              \
        int8_t *const out = out0 + (ptrdiff_t)b * out_stride;                                                 \
        for (int oy = 0; oy < s->out_h; oy++) {                                                               \
            for (int ox = 0; ox < s->out_w; ox++) {                                                           \
                const intrs_pool_window pw = intrs_pool_taps(s, oy, ox);                                      \
                const int y0 = pw.y0, ky0 = pw.ky0, ky1 = pw.ky1, x0 = pw.x0, kx0 = pw.kx0, kx1 = pw.kx1;     \
                int8_t *const o = out + ((ptrdiff_t)oy * s->out_w + ox) * c;                                  \
                int ch = 0;                                                                                   \
                INTRS_MAXPOOL_PIECE(intrs_v32i8, 32)                                                          \
                INTRS_MAXPOOL_PIECE(intrs_v16i8, 16)                                                          \
                INTRS_MAXPOOL_PIECE(intrs_v8i8, 8)                                                            \
                for (; ch < c; ch++) {                                                                        \
                    int8_t m = -128;                                                                          \
                    for (int ky = ky0; ky < ky1; ky++)                                                        \
                        for (int kx = kx0; kx < kx1; kx++) {                                                  \
                            const int8_t v = in[((ptrdiff_t)(y0 + ky) * s->in_w + x0 + kx) * c + ch];         \
                            m = m > v ? m : v;                                                                \
                        }                                                                                     \
                    m = m < lo ? lo : m;                                                                      \
                    o[ch] = m > hi ? hi : m;                                                                  \
                }                                                                                             \
            }                                                                                                 \
        }                                                                                                     \
    }

void intrs_k_max_pool_items_portable(const intrs_pool_shape *s, const int8_t *in0, ptrdiff_t in_stride, int items,
                                     int8_t *out0, ptrdiff_t out_stride) {
    INTRS_MAXPOOL_BODY
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2"))) void intrs_k_max_pool_items_avx2(const intrs_pool_shape *s, const int8_t *in0,
                                                                  ptrdiff_t in_stride, int items, int8_t *out0,
                                                                  ptrdiff_t out_stride) {
    INTRS_MAXPOOL_BODY
}
#endif
