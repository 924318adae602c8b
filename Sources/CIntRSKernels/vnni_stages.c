// The stages around the convolutions on the AVX-512 VNNI path (x86-64 with AVX512F/BW/VL and AVX512_VNNI):
// the input stage and the max pool of a chunk of items, 64 bytes per instruction. Every function carries the
// target attribute below, so the package builds and runs without these features; dispatch.c calls this file
// only on the avx512vnni path. Anything these functions do not cover runs the general code (the scalar
// input stage of the AVX2 template, vnni.c's per-item max pool), so every shape stays valid.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "CIntRSKernels.h"
#include "kernels_internal.h"

#define SATTR __attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni")))

void intrs_k_pool_vnni(const intrs_pool_shape *s, int is_max, const int8_t *in, int8_t *out, int32_t *sum);
INTRS_DECLARE_PATH(avx2)

/// The input stage, 16 grid values per instruction: out[i] = clamp(zero + m * grid[i], -128, 127). Equals
/// ReferenceInt8Ops.quantizeInput (and the template's 64-bit scalar loop).
///
/// Exactness (Proofs/KERN-1.md, "Add and the input stage"): when 1 <= m <= 2^22 and zero is in [-128, 127],
/// clamping g to [-256, 256] first changes no output: for g > 256, zero + m g >= -128 + 257 > 127 and
/// zero + 256 m >= 128 > 127, so both clamp to 127 (g < -256: both <= -129, clamp to -128). On the clamped
/// g, |m g| <= 2^30 and zero + m g fits int32, so `vpmulld` and `vpaddd` are exact, and `vpmovsdb`
/// (int32 -> int8 with signed saturation) is the clamp to [-128, 127]. Other (m, zero) run the scalar loop.
SATTR void intrs_k_quantize_input_vnni(const int32_t *grid, long count, int32_t zero, int32_t grid_multiplier,
                                       int8_t *out) {
    if (grid_multiplier < 1 || grid_multiplier > (1 << 22) || zero < -128 || zero > 127) {
        intrs_k_quantize_input_avx2(grid, count, zero, grid_multiplier, out);
        return;
    }
    const __m512i lo = _mm512_set1_epi32(-256), hi = _mm512_set1_epi32(256);
    const __m512i z = _mm512_set1_epi32(zero), m = _mm512_set1_epi32(grid_multiplier);
    const int unit = grid_multiplier == 1;
#define QI(v) (unit ? _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(v, lo), hi), z)                          \
                    : _mm512_add_epi32(_mm512_mullo_epi32(_mm512_min_epi32(_mm512_max_epi32(v, lo), hi), m), z))
    long i = 0;
    for (; i + 64 <= count; i += 64) {
        const __m512i a = QI(_mm512_loadu_si512((const void *)(grid + i)));
        const __m512i b = QI(_mm512_loadu_si512((const void *)(grid + i + 16)));
        const __m512i c = QI(_mm512_loadu_si512((const void *)(grid + i + 32)));
        const __m512i d = QI(_mm512_loadu_si512((const void *)(grid + i + 48)));
        _mm_storeu_si128((__m128i *)(void *)(out + i), _mm512_cvtsepi32_epi8(a));
        _mm_storeu_si128((__m128i *)(void *)(out + i + 16), _mm512_cvtsepi32_epi8(b));
        _mm_storeu_si128((__m128i *)(void *)(out + i + 32), _mm512_cvtsepi32_epi8(c));
        _mm_storeu_si128((__m128i *)(void *)(out + i + 48), _mm512_cvtsepi32_epi8(d));
    }
    for (; i < count; i += 16) {
        const long n = count - i < 16 ? count - i : 16;
        const __mmask16 k = (__mmask16)(n >= 16 ? 0xFFFFu : (1u << n) - 1u);
        const __m512i a = QI(_mm512_maskz_loadu_epi32(k, grid + i));
        _mm_mask_storeu_epi8(out + i, k, _mm512_cvtsepi32_epi8(a));
    }
#undef QI
}

/// Max pool of `items` inputs (`in_stride` bytes apart) into `items` outputs (`out_stride` apart). Equals
/// ReferenceInt8Ops.pool for a max pool (and vnni.c's intrs_k_pool_vnni, which runs every shape not covered
/// here).
///
/// Covered here: 2 x 2 windows with stride 2 that all lie inside the image (no padding, 2 out_h <= in_h,
/// 2 out_w <= in_w), channels a multiple of 32 (the usual pool after a convolution). Every window then has
/// exactly its four taps, so the output is max(max(r0[x], r0[x + C]), max(r1[x], r1[x + C])) with r0, r1
/// the window's two input rows, then the clamp to [act_min, act_max] (skipped when that is [-128, 127], where
/// it changes nothing): the reference's maximum over the valid taps, then its clamp. With 32 channels two
/// output pixels are formed per 64-byte vector: the row maxima of input pixels 2x .. 2x + 3 (two vectors
/// of two pixels each) are regrouped by 128-bit lanes (`vshufi64x2`) into (pixel 2x, pixel 2x + 2) and
/// (pixel 2x + 1, pixel 2x + 3), whose maximum is output pixels x and x + 1 side by side.
SATTR void intrs_k_max_pool_items_vnni(const intrs_pool_shape *s, const int8_t *in0, ptrdiff_t in_stride, int items,
                                       int8_t *out0, ptrdiff_t out_stride) {
    const int c = s->channels;
    const int regular = s->pool_h == 2 && s->pool_w == 2 && s->stride_h == 2 && s->stride_w == 2 && s->pad_top == 0 &&
                        s->pad_left == 0 && 2 * s->out_h <= s->in_h && 2 * s->out_w <= s->in_w && c > 0 && c % 32 == 0;
    if (!regular) {
        for (int b = 0; b < items; b++) intrs_k_pool_vnni(s, 1, in0 + (ptrdiff_t)b * in_stride, out0 + (ptrdiff_t)b * out_stride, 0);
        return;
    }
    const int8_t lo = (int8_t)(s->act_min < -128 ? -128 : s->act_min > 127 ? 127 : s->act_min);
    const int8_t hi = (int8_t)(s->act_max < -128 ? -128 : s->act_max > 127 ? 127 : s->act_max);
    const int clamp = !(lo == -128 && hi == 127);
    const __m512i vlo = _mm512_set1_epi8((char)lo), vhi = _mm512_set1_epi8((char)hi);
    const __m256i ylo = _mm512_castsi512_si256(vlo), yhi = _mm512_castsi512_si256(vhi);
    const ptrdiff_t row = (ptrdiff_t)s->in_w * c, orow = (ptrdiff_t)s->out_w * c;
#define LD(p) _mm512_loadu_si512((const void *)(p))
#define LDY(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
    for (int b = 0; b < items; b++) {
        const int8_t *const in = in0 + (ptrdiff_t)b * in_stride;
        int8_t *const out = out0 + (ptrdiff_t)b * out_stride;
        for (int oy = 0; oy < s->out_h; oy++) {
            const int8_t *const r0 = in + (ptrdiff_t)(2 * oy) * row, *const r1 = r0 + row;
            int8_t *const o = out + (ptrdiff_t)oy * orow;
            int ox = 0;
            if (c == 32) {
                for (; ox + 2 <= s->out_w; ox += 2) {
                    const ptrdiff_t at = (ptrdiff_t)ox * 64;  // input pixel 2 ox
                    const __m512i a = _mm512_max_epi8(LD(r0 + at), LD(r1 + at));            // pixels 2ox, 2ox+1
                    const __m512i d = _mm512_max_epi8(LD(r0 + at + 64), LD(r1 + at + 64));  // pixels 2ox+2, 2ox+3
                    __m512i m = _mm512_max_epi8(_mm512_shuffle_i64x2(a, d, 0x44), _mm512_shuffle_i64x2(a, d, 0xEE));
                    if (clamp) m = _mm512_min_epi8(_mm512_max_epi8(m, vlo), vhi);
                    _mm512_storeu_si512((void *)(o + (ptrdiff_t)ox * 32), m);
                }
            }
            for (; ox < s->out_w; ox++) {
                const ptrdiff_t at = (ptrdiff_t)ox * 2 * c;  // input pixel 2 ox
                int k = 0;
                for (; k + 64 <= c; k += 64) {
                    __m512i m = _mm512_max_epi8(_mm512_max_epi8(LD(r0 + at + k), LD(r0 + at + c + k)),
                                                _mm512_max_epi8(LD(r1 + at + k), LD(r1 + at + c + k)));
                    if (clamp) m = _mm512_min_epi8(_mm512_max_epi8(m, vlo), vhi);
                    _mm512_storeu_si512((void *)(o + (ptrdiff_t)ox * c + k), m);
                }
                if (k < c) {  // 32 channels left
                    __m256i m = _mm256_max_epi8(_mm256_max_epi8(LDY(r0 + at + k), LDY(r0 + at + c + k)),
                                                _mm256_max_epi8(LDY(r1 + at + k), LDY(r1 + at + c + k)));
                    if (clamp) m = _mm256_min_epi8(_mm256_max_epi8(m, ylo), yhi);
                    _mm256_storeu_si256((__m256i *)(void *)(o + (ptrdiff_t)ox * c + k), m);
                }
            }
        }
    }
#undef LD
#undef LDY
}
#endif
