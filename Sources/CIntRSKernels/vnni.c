// The AVX-512 VNNI kernel path (x86-64 with AVX512F/BW/VL and AVX512_VNNI, e.g. AMD Zen 4, Intel Ice Lake
// and later): conv2d and fullyConnected as an implicit GEMM on 512-bit registers. Every function carries
// the target attribute below, so the package builds and runs without these features; dispatch.c calls
// this file only when the CPU has them (or INTRS_KERNEL=avx512vnni forced it). Depthwise, pools and the
// stand-alone requantisation of this path run the AVX2 code.
//
// Layout. Activations enter as u = x + 128 (the byte x xor 0x80) in [0, 255]. A conv2d input is copied
// once per item into a padded image: channels padded to c4 = roundup(C, 4), a border of the value Z_in
// (byte Z_in + 128) wide enough for every tap, so the patch of an output pixel is the set of kernel rows
// (kw * c4 contiguous bytes when the dilation along x is 1, else kw runs of c4 bytes) at fixed offsets from
// the pixel's base address: no im2col. Weights are packed once at load in the same tap order, channel-
// padded with zeros (intrs_pack_conv_weights, layout in CIntRSKernels.h). The micro-kernel keeps 8 output
// pixels x 32 output channels in 16 zmm accumulators: per quad of K, two weight loads, 8 broadcasts and 16
// vpdpbusd; then the accumulators are requantised in registers, 16 channels per instruction, and stored.
//
// Exactness (Proofs/KERN-1.md, "AVX-512 VNNI path"): vpdpbusd forms each u8 x s8 product exactly
// (|u w| <= 255 * 128) and adds the four to the lane with wrapping int32 addition (the non-saturating
// form), so the accumulator is sum(w u) modulo 2^32. Pad channels and pad K elements meet weight 0. The
// caller's bias already holds bias - (Z_in + 128) * sum(w) (wrapping), so bias + accumulator =
// sum w (x - Z_in) + bias modulo 2^32 over the taps inside the image (a border tap contributes
// w (Z_in + 128) - w (Z_in + 128) = 0, the reference's skipping), which is the true value because the
// validator bounds it inside int32. The requantisation is the lane-wise rescale of KERN-1 on 16 lanes.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>
#include "CIntRSKernels.h"
#include "kernels_internal.h"

#define KATTR __attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni")))

enum { VR = 8 };  // rows (output pixels or items) per micro-kernel tile

static inline KATTR int32_t ld32u8(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/// The per-channel constants of the requantisation of 16 channels, loaded once per panel.
typedef struct {
    __m512i bias, m, m_odd;
    __m512i left, right, mask, half;  // double rounding
    __m512i s_even, s_odd, rnd_even, rnd_odd;  // single rounding (64-bit lanes)
    __m512i lo, hi, z;  // clamp(r, act_min - Z_out, act_max - Z_out) + Z_out
} rq16;

/// Loads the constants of channels [c, c + valid) (valid <= 16; lanes beyond read nothing and are 0).
static inline KATTR void rq16_load(rq16 *q, const intrs_requant *rq, int c, int valid) {
    const __mmask16 k = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1u);
    q->bias = _mm512_maskz_loadu_epi32(k, rq->bias + c);
    q->m = _mm512_maskz_loadu_epi32(k, rq->multiplier + c);
    q->m_odd = _mm512_srli_epi64(q->m, 32);
    const __m512i one = _mm512_set1_epi32(1);
    if (rq->double_rounding) {
        q->left = _mm512_maskz_loadu_epi32(k, rq->left + c);
        q->right = _mm512_maskz_loadu_epi32(k, rq->right + c);
        q->mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, q->right), one);
        q->half = _mm512_srli_epi32(q->mask, 1);
    } else {
        // s = 31 - shift in [2, 62] (lanes beyond `valid`: shift 0, s = 31), per 64-bit lane.
        const __m512i s = _mm512_sub_epi32(_mm512_set1_epi32(31), _mm512_maskz_loadu_epi32(k, rq->shift + c));
        const __m512i one64 = _mm512_set1_epi64(1);
        q->s_even = _mm512_and_si512(s, _mm512_set1_epi64(0xFFFFFFFF));
        q->s_odd = _mm512_srli_epi64(s, 32);
        q->rnd_even = _mm512_sllv_epi64(one64, _mm512_sub_epi64(q->s_even, one64));
        q->rnd_odd = _mm512_sllv_epi64(one64, _mm512_sub_epi64(q->s_odd, one64));
    }
    q->z = _mm512_set1_epi32(rq->zero_out);
    q->lo = _mm512_set1_epi32(rq->act_min - rq->zero_out);
    q->hi = _mm512_set1_epi32(rq->act_max - rq->zero_out);
}

/// Double rounding on 16 lanes: a = x << left; h = floor((a * M0 + 2^30) / 2^31) from the two vpmuldq
/// products (even and odd lanes, bits 31..62 kept: the floor fits int32, Lemma A); then
/// RoundingDivideByPOT(h, right) = (h >> right) + (rem > (mask >> 1) + (h < 0)) (Lemma B).
static inline KATTR __m512i rescale16_double(__m512i x, const rq16 *q) {
    const __m512i nudge = _mm512_set1_epi64((int64_t)1 << 30);
    const __m512i a = _mm512_sllv_epi32(x, q->left);
    const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(a, q->m), nudge);
    const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(a, 32), q->m_odd), nudge);
    const __m512i h = _mm512_mask_blend_epi32((__mmask16)0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
    const __m512i rem = _mm512_and_si512(h, q->mask);
    const __m512i threshold = _mm512_sub_epi32(q->half, _mm512_srai_epi32(h, 31));
    const __mmask16 up = _mm512_cmpgt_epi32_mask(rem, threshold);
    const __m512i r = _mm512_srav_epi32(h, q->right);
    return _mm512_mask_add_epi32(r, up, r, _mm512_set1_epi32(1));
}

/// Single rounding on 16 lanes: floor((x * M0 + 2^(s - 1)) / 2^s), s = 31 - shift, exact in 64-bit lanes
/// (|x M0| < 2^62) with the arithmetic 64-bit shift vpsravq; the result fits int32, so its low dword is it.
static inline KATTR __m512i rescale16_single(__m512i x, const rq16 *q) {
    const __m512i even = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, q->m), q->rnd_even), q->s_even);
    const __m512i odd = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), q->m_odd), q->rnd_odd), q->s_odd);
    return _mm512_mask_blend_epi32((__mmask16)0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

/// Requantises 16 accumulators and stores the `k` lanes (mask) as int8 at `out`.
/// clamp(clamp(r, -512, 512) + Z, amin, amax) = clamp(r, amin - Z, amax - Z) + Z because
/// [amin - Z, amax - Z] lies inside [-512, 512]; the result is in [-128, 127], so vpmovsdb does not saturate.
static inline KATTR void requant16_store(__m512i acc, const rq16 *q, int dbl, __mmask16 k, int8_t *out) {
    const __m512i v = _mm512_add_epi32(acc, q->bias);
    __m512i r = dbl ? rescale16_double(v, q) : rescale16_single(v, q);
    r = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(r, q->lo), q->hi), q->z);
    _mm_mask_storeu_epi8(out, k, _mm512_cvtsepi32_epi8(r));
}

/// The K structure of a tile: `nseg` runs of `seg_q` quads at byte offsets `seg_off[i]` from each row's
/// base address; the weights follow the same order.
typedef struct {
    int nseg;
    int seg_q;
    const ptrdiff_t *seg_off;
} kplan;

#define DP2(i)                                                                 \
    do {                                                                       \
        const __m512i x = _mm512_set1_epi32(ld32u8(p##i + 4 * q));             \
        c##i##0 = _mm512_dpbusd_epi32(c##i##0, x, w0);                         \
        c##i##1 = _mm512_dpbusd_epi32(c##i##1, x, w1);                         \
    } while (0)
#define DP1(i)                                                                 \
    do {                                                                       \
        c##i##0 = _mm512_dpbusd_epi32(c##i##0, _mm512_set1_epi32(ld32u8(p##i + 4 * q)), w0); \
    } while (0)

/// One tile: rows base[0..8) (tail rows repeat a live row), panel of `width` (32 or 16) channels starting at
/// channel c0 with words `w`; requantised into orow[i] + c0 for the `live` rows, `valid` channels.
static KATTR void tile_vnni(const uint8_t *const base[VR], const kplan *kp, const int32_t *w, int width,
                            const intrs_requant *rq, int c0, int valid, int8_t *const *orow, int live) {
    const int dbl = rq->double_rounding;
    if (width == 32) {
        __m512i c00 = _mm512_setzero_si512(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00,
                c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int s = 0; s < kp->nseg; s++) {
            const ptrdiff_t off = kp->seg_off[s];
            const uint8_t *p0 = base[0] + off, *p1 = base[1] + off, *p2 = base[2] + off, *p3 = base[3] + off;
            const uint8_t *p4 = base[4] + off, *p5 = base[5] + off, *p6 = base[6] + off, *p7 = base[7] + off;
            for (int q = 0; q < kp->seg_q; q++) {
                const __m512i w0 = _mm512_loadu_si512((const void *)w);
                const __m512i w1 = _mm512_loadu_si512((const void *)(w + 16));
                w += 32;
                DP2(0); DP2(1); DP2(2); DP2(3); DP2(4); DP2(5); DP2(6); DP2(7);
            }
        }
        rq16 q0, q1;
        const int v0 = valid < 16 ? valid : 16, v1 = valid - 16;
        rq16_load(&q0, rq, c0, v0);
        const __mmask16 k0 = (__mmask16)(v0 >= 16 ? 0xFFFFu : (1u << v0) - 1u);
        const __mmask16 k1 = (__mmask16)(v1 >= 16 ? 0xFFFFu : v1 <= 0 ? 0u : (1u << v1) - 1u);
        rq16_load(&q1, rq, c0 + 16, v1 > 0 ? v1 : 0);
        const __m512i a0[VR] = {c00, c10, c20, c30, c40, c50, c60, c70};
        const __m512i a1[VR] = {c01, c11, c21, c31, c41, c51, c61, c71};
        for (int i = 0; i < live; i++) {
            requant16_store(a0[i], &q0, dbl, k0, orow[i] + c0);
            requant16_store(a1[i], &q1, dbl, k1, orow[i] + c0 + 16);
        }
    } else {
        __m512i c00 = _mm512_setzero_si512(), c10 = c00, c20 = c00, c30 = c00, c40 = c00, c50 = c00, c60 = c00,
                c70 = c00;
        for (int s = 0; s < kp->nseg; s++) {
            const ptrdiff_t off = kp->seg_off[s];
            const uint8_t *p0 = base[0] + off, *p1 = base[1] + off, *p2 = base[2] + off, *p3 = base[3] + off;
            const uint8_t *p4 = base[4] + off, *p5 = base[5] + off, *p6 = base[6] + off, *p7 = base[7] + off;
            for (int q = 0; q < kp->seg_q; q++) {
                const __m512i w0 = _mm512_loadu_si512((const void *)w);
                w += 16;
                DP1(0); DP1(1); DP1(2); DP1(3); DP1(4); DP1(5); DP1(6); DP1(7);
            }
        }
        rq16 q0;
        rq16_load(&q0, rq, c0, valid);
        const __mmask16 k0 = (__mmask16)(valid >= 16 ? 0xFFFFu : (1u << valid) - 1u);
        const __m512i a0[VR] = {c00, c10, c20, c30, c40, c50, c60, c70};
        for (int i = 0; i < live; i++) requant16_store(a0[i], &q0, dbl, k0, orow[i] + c0);
    }
}

/// Every panel of the layer for one tile of rows.
static inline KATTR void tile_all_panels(const uint8_t *const base[VR], const kplan *kp, int k_quads,
                                         const int32_t *packed, int n, const intrs_requant *rq, int8_t *const *orow,
                                         int live) {
    const int n16 = (n + 15) & ~15;
    for (int c0 = 0; c0 < n16;) {
        const int width = n16 - c0 >= 32 ? 32 : 16;
        const int valid = n - c0 < width ? n - c0 : width;
        tile_vnni(base, kp, packed + (size_t)k_quads * (size_t)c0, width, rq, c0, valid, orow, live);
        c0 += width;
    }
}

/// The padded image's geometry: every tap of every output pixel lands inside it.
static inline void vnni_padded_dims(const intrs_conv_shape *s, int *hp, int *wp, int *c4) {
    *hp = (s->out_h - 1) * s->stride_h + (s->kernel_h - 1) * s->dilation_h + 1;
    *wp = (s->out_w - 1) * s->stride_w + (s->kernel_w - 1) * s->dilation_w + 1;
    *c4 = (s->in_c + 3) & ~3;
}

/// Scratch bytes: the segment offsets (one per tap at most), then the padded image.
size_t intrs_k_conv2d_scratch_vnni(const intrs_conv_shape *s) {
    int hp, wp, c4;
    vnni_padded_dims(s, &hp, &wp, &c4);
    return sizeof(ptrdiff_t) * (size_t)(s->kernel_h * s->kernel_w) + (size_t)hp * (size_t)wp * (size_t)c4 + 64;
}

KATTR void intrs_k_conv2d_vnni(const intrs_conv_shape *s, const int8_t *in, ptrdiff_t in_stride, int items,
                               const int32_t *packed, const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride,
                               int16_t *scratch) {
    int hp, wp, c4;
    vnni_padded_dims(s, &hp, &wp, &c4);
    const int c = s->in_c;
    const int taps = s->kernel_h * s->kernel_w;
    const int k_quads = taps * c4 / 4;
    ptrdiff_t *const seg_off = (ptrdiff_t *)(void *)scratch;
    uint8_t *const pad = (uint8_t *)(seg_off + taps);
    kplan kp = {0, 0, seg_off};
    if (s->dilation_w == 1) {
        // Each kernel row is kw * c4 contiguous bytes of the padded image.
        kp.nseg = s->kernel_h;
        kp.seg_q = s->kernel_w * c4 / 4;
        for (int ky = 0; ky < s->kernel_h; ky++) seg_off[ky] = (ptrdiff_t)ky * s->dilation_h * wp * c4;
    } else {
        kp.nseg = taps;
        kp.seg_q = c4 / 4;
        for (int ky = 0; ky < s->kernel_h; ky++)
            for (int kx = 0; kx < s->kernel_w; kx++)
                seg_off[ky * s->kernel_w + kx] = ((ptrdiff_t)ky * s->dilation_h * wp + (ptrdiff_t)kx * s->dilation_w) * c4;
    }
    const uint8_t fill = (uint8_t)(s->zero_in + 128);
    const int pix = s->out_h * s->out_w;
    for (int b = 0; b < items; b++) {
        // The padded image of item b: Z_in + 128 everywhere, then x + 128 inside (rows and columns the taps
        // never reach are left out).
        memset(pad, fill, (size_t)hp * (size_t)wp * (size_t)c4);
        const int8_t *src = in + (ptrdiff_t)b * in_stride;
        const int x_end = s->in_w < wp - s->pad_left ? s->in_w : wp - s->pad_left;
        for (int iy = 0; iy < s->in_h && iy + s->pad_top < hp && x_end > 0; iy++) {
            const int8_t *srow = src + (ptrdiff_t)iy * s->in_w * c;
            uint8_t *drow = pad + ((ptrdiff_t)(iy + s->pad_top) * wp + s->pad_left) * c4;
            if (c == c4) {
                for (int i = 0; i < x_end * c; i++) drow[i] = (uint8_t)srow[i] ^ 0x80u;
            } else {
                for (int ix = 0; ix < x_end; ix++)
                    for (int ch = 0; ch < c; ch++) drow[ix * c4 + ch] = (uint8_t)srow[ix * c + ch] ^ 0x80u;
            }
        }
        int8_t *const obase = out + (ptrdiff_t)b * out_stride;
        for (int p0 = 0; p0 < pix; p0 += VR) {
            const int live = pix - p0 < VR ? pix - p0 : VR;
            const uint8_t *base[VR];
            int8_t *orow[VR];
            for (int i = 0; i < VR; i++) {
                const int p = p0 + (i < live ? i : live - 1);
                const int oy = p / s->out_w, ox = p % s->out_w;
                base[i] = pad + ((ptrdiff_t)oy * s->stride_h * wp + (ptrdiff_t)ox * s->stride_w) * c4;
                orow[i] = obase + (ptrdiff_t)p * s->out_c;
            }
            tile_all_panels(base, &kp, k_quads, packed, s->out_c, rq, orow, live);
        }
    }
}

/// FullyConnected: rows are the items, each copied once as u = x + 128 with K padded to k4 = roundup(K, 4).
KATTR void intrs_k_fully_connected_vnni(int in_count, int out_count, int32_t zero_in, const int8_t *in,
                                        ptrdiff_t in_stride, int items, const int32_t *packed, const intrs_requant *rq,
                                        int8_t *out, ptrdiff_t out_stride, int16_t *scratch) {
    (void)zero_in;  // folded into the bias
    const int k4 = (in_count + 3) & ~3;
    uint8_t *const rows = (uint8_t *)(void *)scratch;
    const ptrdiff_t zero = 0;
    const kplan kp = {1, k4 / 4, &zero};
    for (int m0 = 0; m0 < items; m0 += VR) {
        const int live = items - m0 < VR ? items - m0 : VR;
        const uint8_t *base[VR];
        int8_t *orow[VR];
        for (int i = 0; i < live; i++) {
            const int8_t *src = in + (ptrdiff_t)(m0 + i) * in_stride;
            uint8_t *d = rows + (ptrdiff_t)i * k4;
            for (int j = 0; j < in_count; j++) d[j] = (uint8_t)src[j] ^ 0x80u;
            for (int j = in_count; j < k4; j++) d[j] = 0;
        }
        for (int i = 0; i < VR; i++) {
            base[i] = rows + (ptrdiff_t)(i < live ? i : live - 1) * k4;
            orow[i] = out + (ptrdiff_t)(m0 + (i < live ? i : live - 1)) * out_stride;
        }
        tile_all_panels(base, &kp, k4 / 4, packed, out_count, rq, orow, live);
    }
}

/// The lane-wise rescale of this path (for tests): 16 lanes at a time, `count` a multiple of 8.
KATTR void intrs_k_rescale_vnni(const int32_t *x, const int32_t *m, const int32_t *shift, int count, int dr,
                                int32_t *out) {
    for (int i = 0; i < count; i += 16) {
        const int n = count - i < 16 ? count - i : 16;
        int32_t left[16], right[16], zero[16] = {0};
        for (int j = 0; j < n; j++) {
            left[j] = shift[i + j] > 0 ? shift[i + j] : 0;
            right[j] = shift[i + j] > 0 ? 0 : -shift[i + j];
        }
        const intrs_requant rq = {zero, m + i, shift + i, left, right, 0, -128, 127, dr};
        rq16 q;
        rq16_load(&q, &rq, 0, n);
        const __mmask16 k = (__mmask16)(n >= 16 ? 0xFFFFu : (1u << n) - 1u);
        const __m512i v = _mm512_maskz_loadu_epi32(k, x + i);
        _mm512_mask_storeu_epi32(out + i, k, dr ? rescale16_double(v, &q) : rescale16_single(v, &q));
    }
}

/// 8 independent chains of vpdpbusd ymm, `iterations` rounds (for measuring throughput per cycle).
KATTR uint64_t intrs_k_vpdpbusd_burst_vnni(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(
            "vpdpbusd %%ymm8, %%ymm9, %%ymm0\n\t"
            "vpdpbusd %%ymm8, %%ymm9, %%ymm1\n\t"
            "vpdpbusd %%ymm8, %%ymm9, %%ymm2\n\t"
            "vpdpbusd %%ymm8, %%ymm9, %%ymm3\n\t"
            "vpdpbusd %%ymm8, %%ymm9, %%ymm4\n\t"
            "vpdpbusd %%ymm8, %%ymm9, %%ymm5\n\t"
            "vpdpbusd %%ymm8, %%ymm9, %%ymm6\n\t"
            "vpdpbusd %%ymm8, %%ymm9, %%ymm7\n\t"
            :
            :
            : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9");
    }
    __asm__ volatile("vzeroupper" ::: "memory");
    return iterations * 8;
}

/// 8 independent chains of vpdpbusd zmm (64 multiply-adds each), `iterations` rounds. On AMD Zen 4 a 512-bit
/// instruction occupies two 256-bit pipe slots, so this measures whether zmm doubles the work per cycle.
KATTR uint64_t intrs_k_vpdpbusd512_burst_vnni(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(
            "vpdpbusd %%zmm8, %%zmm9, %%zmm0\n\t"
            "vpdpbusd %%zmm8, %%zmm9, %%zmm1\n\t"
            "vpdpbusd %%zmm8, %%zmm9, %%zmm2\n\t"
            "vpdpbusd %%zmm8, %%zmm9, %%zmm3\n\t"
            "vpdpbusd %%zmm8, %%zmm9, %%zmm4\n\t"
            "vpdpbusd %%zmm8, %%zmm9, %%zmm5\n\t"
            "vpdpbusd %%zmm8, %%zmm9, %%zmm6\n\t"
            "vpdpbusd %%zmm8, %%zmm9, %%zmm7\n\t"
            :
            :
            : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9");
    }
    __asm__ volatile("vzeroupper" ::: "memory");
    return iterations * 8;
}

/// Weight packing of this path (see intrs_pack_conv_weights): channels padded to 16, panels of 32 (the last
/// one 16), each [quad][width] words; K in tap order with each tap's channels padded to c4.
size_t intrs_k_packed_words_vnni(int n, int taps, int c) {
    return (size_t)taps * (size_t)(((c + 3) & ~3) / 4) * (size_t)((n + 15) & ~15);
}

void intrs_k_pack_vnni(const int8_t *w, int n, int taps, int c, int32_t *packed) {
    const int c4 = (c + 3) & ~3, k = taps * c;
    const int k_quads = taps * c4 / 4;
    const int n16 = (n + 15) & ~15;
    for (int c0 = 0; c0 < n16;) {
        const int width = n16 - c0 >= 32 ? 32 : 16;
        int32_t *panel = packed + (size_t)k_quads * (size_t)c0;
        for (int q = 0; q < k_quads; q++) {
            const int tap = 4 * q / c4, ci0 = 4 * q % c4;
            for (int j = 0; j < width; j++) {
                const int oc = c0 + j;
                uint32_t word = 0;
                for (int b = 0; b < 4; b++) {
                    const int ci = ci0 + b;
                    const uint8_t byte = (oc < n && ci < c) ? (uint8_t)w[(size_t)oc * (size_t)k + (size_t)tap * (size_t)c + (size_t)ci] : 0;
                    word |= (uint32_t)byte << (8 * b);
                }
                panel[(size_t)q * (size_t)width + (size_t)j] = (int32_t)word;
            }
        }
        c0 += width;
    }
}
#endif
