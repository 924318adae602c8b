// The AVX-512 VNNI kernel path (x86-64 with AVX512F/BW/VL and AVX512_VNNI, e.g. AMD Zen 4, Intel Ice Lake
// and later): conv2d and fullyConnected as an implicit GEMM on 512-bit registers, and max pool. Every function carries
// the target attribute below, so the package builds and runs without these features; dispatch.c calls
// this file only when the CPU has them (or INTRS_KERNEL=avx512vnni forced it). Depthwise, average pool
// and the stand-alone requantisation of this path run the AVX2 code.
//
// Layout. Activations enter as u = x + 128 (the byte x xor 0x80) in [0, 255]. A conv2d input is copied
// once per item into a padded image with a border of the value Z_in (byte Z_in + 128) wide enough for every
// tap, so the patch of an output pixel is a set of segments at fixed offsets from the pixel's base address:
// no im2col. With dilation 1 along x a segment is a whole kernel row (kw * C contiguous bytes, read as a
// multiple of 4), else one tap of c4 = roundup(C, 4) bytes (channels padded to c4); see vnni_geometry. The
// images of a group of items lie side by side, so the 8-row tiles of layers with few output pixels span
// items. Weights are packed once at load in the same segment order, padded with zero weights
// (intrs_pack_conv_weights with intrs_conv2d_weight_runs, layout in CIntRSKernels.h). The micro-kernel keeps 8 output
// pixels x 32 output channels in 16 zmm accumulators: per quad of K, two weight loads, 8 broadcasts and 16
// vpdpbusd; then the accumulators are requantised in registers, 16 channels per instruction, and stored.
// Convolutions with a short patch (K <= 48 bytes, e.g. 3 channels x 3x3) run vnni_lanes.c instead (16 output
// pixels in the lanes, one channel per register; its weights are packed dense), when the CPU also has
// AVX512_VBMI: intrs_k_conv_lanes_applies_vnni.
//
// Exactness (Proofs/KERN-1.md, "AVX-512 VNNI path"): vpdpbusd forms each u8 x s8 product exactly
// (|u w| <= 255 * 128) and adds the four to the lane with wrapping int32 addition (the non-saturating
// form), so the accumulator is sum(w u) modulo 2^32. Pad channels, pad K elements and the bytes a segment
// reads past its kernel row meet weight 0. The
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

INTRS_DECLARE_PATH(avx2)  // average pool falls back to the AVX2 code

enum { VR = 8 };  // rows (output pixels or items) per micro-kernel tile

static inline KATTR int32_t ld32u8(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/// The per-channel constants of the requantisation of 16 channels, computed once per panel. Both roundings
/// are one formula on 64-bit lanes (even channels in `*_even`, odd channels in `*_odd`):
///   r = (a * M0 + k - [a * M0 < 0] * d) >> sh    (arithmetic shift, exact in 64 bits)
/// single rounding: a = x, k = 2^(s-1), d = 0, sh = s = 31 - shift;
/// double rounding: a = x << left (int32), k = 2^30 + [e >= 1] 2^(e+30), d = [e >= 1] 2^31, sh = 31 + e,
/// e = right. Proofs/KERN-1.md ("one 64-bit shift") shows both equal the scalar rescale.
typedef struct {
    __m512i bias;                 // the accumulators start here (bias - (Z_in + 128) sum w, wrapping)
    __m512i m, m_odd;             // M0 (even lanes read by vpmuldq), M0 of odd lanes moved to the low dword
    __m512i left;                 // double rounding: x << left; unused when has_left = 0
    __m512i k_even, k_odd, d_even, d_odd, sh_even, sh_odd;
    int has_left;
    // The Z-folded form of rescale16z (lanes where it applies: `zlanes`; all valid lanes: zfold = 1):
    // kz = k + Z_out 2^sh, sho = sh - 32 (odd lanes: the result lands in the high dword); corr: the sign
    // correction [p < 0] 2^31 is subtracted (double rounding with Z_out > act_min; left out under a ReLU
    // floor, Z_out <= act_min, and in single rounding, where d = 0); otherwise z32 = Z_out, added after the
    // rescale (has_z: Z_out != 0).
    __m512i kz_even, kz_odd, sho, z32;
    __mmask16 zlanes;
    int zfold, corr, has_z;
} rq16;

/// Per layer: the activation bounds as bytes (Z_out enters through rq16: rescale16z).
typedef struct {
    __m512i amin8, amax8;
    int clamp;  // 0 when [act_min, act_max] = [-128, 127]: the byte max and min change nothing
} rqout;

static inline KATTR void rqout_load(rqout *o, const intrs_requant *rq) {
    o->amin8 = _mm512_set1_epi8((char)rq->act_min);
    o->amax8 = _mm512_set1_epi8((char)rq->act_max);
    o->clamp = !(rq->act_min == -128 && rq->act_max == 127);
}

/// Loads the constants of channels [c, c + valid) (valid <= 16; lanes beyond read nothing: bias, M0 and
/// shift 0, never stored).
static inline KATTR void rq16_load(rq16 *q, const intrs_requant *rq, int c, int valid) {
    const __mmask16 k = valid >= 16 ? (__mmask16)0xFFFF : valid <= 0 ? (__mmask16)0 : (__mmask16)((1u << valid) - 1u);
    const __m512i lo32 = _mm512_set1_epi64(0xFFFFFFFF);
    const __m512i one64 = _mm512_set1_epi64(1);
    q->bias = _mm512_maskz_loadu_epi32(k, rq->bias + c);
    q->m = _mm512_maskz_loadu_epi32(k, rq->multiplier + c);
    q->m_odd = _mm512_srli_epi64(q->m, 32);
    if (rq->double_rounding) {
        q->left = _mm512_maskz_loadu_epi32(k, rq->left + c);
        q->has_left = _mm512_test_epi32_mask(q->left, q->left) != 0;
        const __m512i e = _mm512_maskz_loadu_epi32(k, rq->right + c);
        const __m512i ee = _mm512_and_si512(e, lo32), eo = _mm512_srli_epi64(e, 32);
        const __m512i base = _mm512_set1_epi64((int64_t)1 << 30), d = _mm512_set1_epi64((int64_t)1 << 31);
        const __m512i e30 = _mm512_set1_epi64(30), e31 = _mm512_set1_epi64(31);
        const __mmask8 ge = _mm512_test_epi64_mask(ee, ee), go = _mm512_test_epi64_mask(eo, eo);
        q->k_even = _mm512_add_epi64(base, _mm512_maskz_sllv_epi64(ge, one64, _mm512_add_epi64(ee, e30)));
        q->k_odd = _mm512_add_epi64(base, _mm512_maskz_sllv_epi64(go, one64, _mm512_add_epi64(eo, e30)));
        q->d_even = _mm512_maskz_mov_epi64(ge, d);
        q->d_odd = _mm512_maskz_mov_epi64(go, d);
        q->sh_even = _mm512_add_epi64(ee, e31);
        q->sh_odd = _mm512_add_epi64(eo, e31);
    } else {
        // s = 31 - shift in [2, 62] (lanes beyond `valid`: shift 0, s = 31).
        const __m512i s = _mm512_sub_epi32(_mm512_set1_epi32(31), _mm512_maskz_loadu_epi32(k, rq->shift + c));
        q->left = _mm512_setzero_si512();
        q->has_left = 0;
        q->sh_even = _mm512_and_si512(s, lo32);
        q->sh_odd = _mm512_srli_epi64(s, 32);
        q->k_even = _mm512_sllv_epi64(one64, _mm512_sub_epi64(q->sh_even, one64));
        q->k_odd = _mm512_sllv_epi64(one64, _mm512_sub_epi64(q->sh_odd, one64));
        q->d_even = q->d_odd = _mm512_setzero_si512();
    }
    // The Z-folded form applies to a lane when sh is in [32, 54]: double rounding with left = 0 and
    // e = right in [1, 23], single rounding with s = 31 - shift in [32, 54] (Proofs/KERN-1.md, "Z_out folded").
    const __m512i z64 = _mm512_set1_epi64(rq->zero_out);
    q->kz_even = _mm512_add_epi64(q->k_even, _mm512_sllv_epi64(z64, q->sh_even));
    q->kz_odd = _mm512_add_epi64(q->k_odd, _mm512_sllv_epi64(z64, q->sh_odd));
    const __m512i sh32 = _mm512_mask_blend_epi32((__mmask16)0xAAAA, q->sh_even, _mm512_slli_epi64(q->sh_odd, 32));
    const __mmask16 in_range = _mm512_cmpge_epi32_mask(sh32, _mm512_set1_epi32(32)) &
                               _mm512_cmple_epi32_mask(sh32, _mm512_set1_epi32(54)) &
                               _mm512_cmpeq_epi32_mask(q->left, _mm512_setzero_si512());
    q->sho = _mm512_sub_epi64(q->sh_odd, _mm512_set1_epi64(32));
    q->zlanes = in_range;
    q->zfold = (in_range & k) == k;
    q->corr = rq->double_rounding && rq->zero_out > rq->act_min;
    q->z32 = _mm512_set1_epi32(rq->zero_out);
    q->has_z = rq->zero_out != 0;
}

/// rescale16 with Z_out added: lane c holds r_c + Z_out, r_c the rescale of x_c (= rescale16's), where the
/// Z-folded form applies (q->zfold) and q->corr is set or d = 0 (single rounding), else clamp(r_c, -2^30, 2^30)
/// + Z_out (r_c itself when Z_out = 0). Under a ReLU floor (q->corr = 0 in double rounding) a lane with
/// x < 0 may instead hold a value <= Z_out <= act_min where r_c + Z_out <= Z_out too: pack4z gives both the
/// same byte. pack4z turns each into the requantised byte (Proofs/KERN-1.md, "Z_out folded"). The folded
/// form is
///   r + Z_out = (p + kz - [p < 0] d) >> sh,  kz = k + Z_out 2^sh,  p = x M0,
/// where d = 2^31 (double rounding, e >= 1) and [p < 0] = [x < 0] (M0 >= 2^30 > 0), so [p < 0] d is the
/// sign bit of x kept in place: x AND 2^31 on the 64-bit lane of an even channel, (x >> 32) AND 2^31 for an
/// odd one (vpandq and vpsubq, which leave vpdpbusd's pipes free); the odd lanes are shifted by sh - 32 so that
/// their result is the high dword, merged with the even lanes' low dwords by one blend. Equals
/// FastInt8Rescale (double or single) + Z_out lane by lane when the correction is applied.
static inline KATTR __m512i rescale16z_folded(__m512i x, const rq16 *q) {
    const __m512i xo = _mm512_srli_epi64(x, 32);
    const __m512i pe = _mm512_mul_epi32(x, q->m);
    const __m512i po = _mm512_mul_epi32(xo, q->m_odd);
    __m512i te = _mm512_add_epi64(pe, q->kz_even), to = _mm512_add_epi64(po, q->kz_odd);
    if (q->corr) {
        const __m512i d = _mm512_set1_epi64((int64_t)1 << 31);
        te = _mm512_sub_epi64(te, _mm512_and_si512(x, d));
        to = _mm512_sub_epi64(to, _mm512_and_si512(xo, d));
    }
    return _mm512_mask_mov_epi32(_mm512_srav_epi64(te, q->sh_even), (__mmask16)0xAAAA, _mm512_srav_epi64(to, q->sho));
}

/// The rescale of 16 lanes (bias already in x): the formula of `rq16`. vpmuldq forms the exact 64-bit
/// products of the even lanes and (after moving them down) of the odd lanes; the result fits int32, so its
/// low dword is the value, and vpermt2d interleaves the even and odd results back into channel order.
static inline KATTR __m512i rescale16(__m512i x, const rq16 *q, int dbl) {
    const __m512i a = q->has_left ? _mm512_sllv_epi32(x, q->left) : x;
    const __m512i pe = _mm512_mul_epi32(a, q->m);
    const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), q->m_odd);
    __m512i te = _mm512_add_epi64(pe, q->k_even), to = _mm512_add_epi64(po, q->k_odd);
    if (dbl) {
        const __m512i zero = _mm512_setzero_si512();
        te = _mm512_mask_sub_epi64(te, _mm512_cmplt_epi64_mask(pe, zero), te, q->d_even);
        to = _mm512_mask_sub_epi64(to, _mm512_cmplt_epi64_mask(po, zero), to, q->d_odd);
    }
    const __m512i idx = _mm512_set_epi32(30, 14, 28, 12, 26, 10, 24, 8, 22, 6, 20, 4, 18, 2, 16, 0);
    return _mm512_permutex2var_epi32(_mm512_srav_epi64(te, q->sh_even), idx, _mm512_srav_epi64(to, q->sh_odd));
}

static inline KATTR __m512i rescale16z(__m512i x, const rq16 *q, int dbl) {
    if (q->zfold) return rescale16z_folded(x, q);
    __m512i r = rescale16(x, q, dbl);
    if (q->has_z)
        r = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(r, _mm512_set1_epi32(-(1 << 30))), _mm512_set1_epi32(1 << 30)), q->z32);
    return r;
}

/// Four vectors of rescale16z (r + Z_out) to 64 int8 in the order r0, r1, r2, r3 (16 bytes each): vpackssdw
/// and vpacksswb saturate to int16 and int8, then the byte max with act_min and min with act_max (skipped
/// for [-128, 127]); vpermd undoes the packs' per-128-bit-lane interleaving. Each byte is
/// min(max(clamp(r, -512, 512) + Z_out, act_min), act_max), the scalar requantisation (KERN-1, "Z_out folded").
static inline KATTR __m512i pack4z(__m512i r0, __m512i r1, __m512i r2, __m512i r3, const rqout *o) {
    __m512i b = _mm512_packs_epi16(_mm512_packs_epi32(r0, r1), _mm512_packs_epi32(r2, r3));
    if (o->clamp) b = _mm512_min_epi8(_mm512_max_epi8(b, o->amin8), o->amax8);
    const __m512i t = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
    return _mm512_permutexvar_epi32(t, b);
}

/// The K structure of a tile: `nseg` runs of `seg_q` quads at byte offsets `seg_off[i]` from each row's
/// base address; the weights follow the same order.
typedef struct {
    int nseg;
    int seg_q;
    const ptrdiff_t *seg_off;
} kplan;

/// One panel (32 or 16 channels, constants q0 [, q1]) for a tile of rows base[0..8) (tail rows repeat the
/// last live row, and so do their output pointers: storing them again writes the same bytes).
typedef struct {
    const kplan *kp;
    const int32_t *w;  // the panel's words, [quad][width]
    const rq16 *q0, *q1;
    const rqout *o;
    int dbl;
    int c0;            // first channel of the panel
    __mmask32 store;   // the panel's valid channels (bit j: channel c0 + j)
} panel;

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
#define ROWPTRS                                                                                               \
    const ptrdiff_t off = kp->seg_off[s];                                                                     \
    const uint8_t *p0 = base[0] + off, *p1 = base[1] + off, *p2 = base[2] + off, *p3 = base[3] + off;         \
    const uint8_t *p4 = base[4] + off, *p5 = base[5] + off, *p6 = base[6] + off, *p7 = base[7] + off

/// Stores 64 packed bytes as two rows of 32 channels.
static inline KATTR void store2x32(__m512i v, const panel *P, int8_t *ra, int8_t *rb) {
    if (P->store == 0xFFFFFFFFu) {
        _mm256_storeu_si256((__m256i *)(void *)(ra + P->c0), _mm512_castsi512_si256(v));
        _mm256_storeu_si256((__m256i *)(void *)(rb + P->c0), _mm512_extracti64x4_epi64(v, 1));
    } else {
        _mm256_mask_storeu_epi8(ra + P->c0, P->store, _mm512_castsi512_si256(v));
        _mm256_mask_storeu_epi8(rb + P->c0, P->store, _mm512_extracti64x4_epi64(v, 1));
    }
}

/// Stores 64 packed bytes as four rows of 16 channels.
static inline KATTR void store4x16(__m512i v, const panel *P, int8_t *const *r) {
    const __mmask16 k = (__mmask16)P->store;
    _mm_mask_storeu_epi8(r[0] + P->c0, k, _mm512_castsi512_si128(v));
    _mm_mask_storeu_epi8(r[1] + P->c0, k, _mm512_extracti32x4_epi32(v, 1));
    _mm_mask_storeu_epi8(r[2] + P->c0, k, _mm512_extracti32x4_epi32(v, 2));
    _mm_mask_storeu_epi8(r[3] + P->c0, k, _mm512_extracti32x4_epi32(v, 3));
}

static KATTR void tile32(const uint8_t *const base[VR], const panel *P_, int8_t *const *orow_) {
    // Local copies: the int8 stores below may alias anything, so values read through pointers would be
    // reloaded after each store.
    panel Pl = *P_;
    const panel *const P = &Pl;
    const kplan *kp = P->kp;
    const int32_t *w = P->w;
    const rq16 Q0 = *P->q0, Q1 = *P->q1, *const q0 = &Q0, *const q1 = &Q1;
    const rqout O = *P->o;
    Pl.o = &O;
    int8_t *const orow[VR] = {orow_[0], orow_[1], orow_[2], orow_[3], orow_[4], orow_[5], orow_[6], orow_[7]};
    __m512i c00 = q0->bias, c01 = q1->bias, c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
    __m512i c40 = c00, c41 = c01, c50 = c00, c51 = c01, c60 = c00, c61 = c01, c70 = c00, c71 = c01;
    for (int s = 0; s < kp->nseg; s++) {
        ROWPTRS;
        for (int q = 0; q < kp->seg_q; q++) {
            const __m512i w0 = _mm512_loadu_si512((const void *)w);
            const __m512i w1 = _mm512_loadu_si512((const void *)(w + 16));
            w += 32;
            DP2(0); DP2(1); DP2(2); DP2(3); DP2(4); DP2(5); DP2(6); DP2(7);
        }
    }
    const int dbl = P->dbl;
#define PAIR(i, j)                                                                                              \
    store2x32(pack4z(rescale16z(c##i##0, q0, dbl), rescale16z(c##i##1, q1, dbl), rescale16z(c##j##0, q0, dbl),  \
                     rescale16z(c##j##1, q1, dbl), P->o),                                                       \
              P, orow[i], orow[j])
    PAIR(0, 1); PAIR(2, 3); PAIR(4, 5); PAIR(6, 7);
#undef PAIR
}

static KATTR void tile16(const uint8_t *const base[VR], const panel *P_, int8_t *const *orow_) {
    panel Pl = *P_;  // local copies, as in tile32
    const panel *const P = &Pl;
    const kplan *kp = P->kp;
    const int32_t *w = P->w;
    const rq16 Q0 = *P->q0, *const q0 = &Q0;
    const rqout O = *P->o;
    Pl.o = &O;
    int8_t *const orow[VR] = {orow_[0], orow_[1], orow_[2], orow_[3], orow_[4], orow_[5], orow_[6], orow_[7]};
    __m512i c00 = q0->bias, c10 = c00, c20 = c00, c30 = c00, c40 = c00, c50 = c00, c60 = c00, c70 = c00;
    for (int s = 0; s < kp->nseg; s++) {
        ROWPTRS;
        for (int q = 0; q < kp->seg_q; q++) {
            const __m512i w0 = _mm512_loadu_si512((const void *)w);
            w += 16;
            DP1(0); DP1(1); DP1(2); DP1(3); DP1(4); DP1(5); DP1(6); DP1(7);
        }
    }
    const int dbl = P->dbl;
    store4x16(pack4z(rescale16z(c00, q0, dbl), rescale16z(c10, q0, dbl), rescale16z(c20, q0, dbl), rescale16z(c30, q0, dbl), P->o),
              P, orow);
    store4x16(pack4z(rescale16z(c40, q0, dbl), rescale16z(c50, q0, dbl), rescale16z(c60, q0, dbl), rescale16z(c70, q0, dbl), P->o),
              P, orow + 4);
}

/// The rows of a conv2d group for the panel loops: row m = j * pix + p is output pixel p of item j, whose
/// patch starts at pad + j * img + pix_off[p] and whose output is out + j * out_stride + p * out_c; K is
/// `kq` quads at byte offsets koff[0..kq) from the patch start (the segments of the kplan, flattened).
typedef struct {
    const uint8_t *pad;
    size_t img;
    const ptrdiff_t *pix_off;
    int pix, rows;
    int8_t *out;
    ptrdiff_t out_stride;
    int out_c;
    const ptrdiff_t *koff;
    int kq;
} prows;

#define BQ(i) const __m512i x##i = _mm512_set1_epi32(ld32u8(p##i + o))
#define DQ2(i)                                                                 \
    do {                                                                       \
        BQ(i);                                                                 \
        c##i##0 = _mm512_dpbusd_epi32(c##i##0, x##i, w0);                      \
        c##i##1 = _mm512_dpbusd_epi32(c##i##1, x##i, w1);                      \
    } while (0)
#define DQ1(i)                                                                 \
    do {                                                                       \
        BQ(i);                                                                 \
        c##i##0 = _mm512_dpbusd_epi32(c##i##0, x##i, w0);                      \
    } while (0)

/// The base addresses and output rows of the 8-row tile starting at row m0 (tail rows repeat the last live
/// row, and so do their output pointers: storing them again writes the same bytes); advances the item and
/// pixel counters *j, *p.
static inline KATTR void tile_rows(const prows *R, int m0, int *j, int *p, const uint8_t **base, int8_t **orow) {
    const int live = R->rows - m0 < VR ? R->rows - m0 : VR;
    for (int i = 0; i < live; i++) {
        base[i] = R->pad + (size_t)*j * R->img + R->pix_off[*p];
        orow[i] = R->out + (ptrdiff_t)*j * R->out_stride + (ptrdiff_t)*p * R->out_c;
        if (++*p == R->pix) {
            *p = 0;
            ++*j;
        }
    }
    for (int i = live; i < VR; i++) {
        base[i] = base[live - 1];
        orow[i] = orow[live - 1];
    }
}

/// Step v (0..15) of requantising a saved tile: vector v (row v / 2, channels of q0 or q1 by parity for a
/// 32-channel panel; row v for a 16-channel panel, v < 8) is rescaled in place (rescale16z), and after
/// every fourth vector the four are packed (pack4z) and stored (32 channels: rows 2i, 2i + 1; 16 channels:
/// rows 4i..4i + 3).
static inline KATTR void requant_step(__m512i *prev, int8_t *const *prow, int v, const panel *P, int width) {
    const rq16 *const q = (width == 32 && (v & 1)) ? P->q1 : P->q0;
    prev[v] = rescale16z(prev[v], q, P->dbl);
    if ((v & 3) == 3) {
        const __m512i b = pack4z(prev[v - 3], prev[v - 2], prev[v - 1], prev[v], P->o);
        if (width == 32) store2x32(b, P, prow[(v >> 1) - 1], prow[v >> 1]);
        else store4x16(b, P, prow + (v - 3));
    }
}

/// Every 8-row tile of a 32-channel panel, software-pipelined: the K loop of tile t runs in 16 chunks, and
/// after chunk v vector v of tile t - 1 (its accumulators saved in `prev`) is requantised (requant_step),
/// so that the requantisation (about 20 vector instructions per 16 outputs, nearly all on other pipes than
/// vpdpbusd) is spread thinly over the multiply-adds instead of following them in a burst that the
/// out-of-order window cannot hide (measured: the burst form cost 10% on a K = 288 layer); the last tile
/// is drained at the end. Per output element the arithmetic is tile32's: the same accumulation from the
/// same start value, rescale16z and pack4z, so it equals ReferenceInt8Ops.conv as
/// tile32 does (KERN-1).
static KATTR void panel_rows32(const prows *R, const panel *P) {
    const rq16 *const q0 = P->q0, *const q1 = P->q1;
    const int kq = R->kq;
    const ptrdiff_t *const koff = R->koff;
    __m512i prev[16];
    int8_t *prow[VR] = {0};
    int have_prev = 0, j = 0, p = 0;
    for (int m0 = 0; m0 < R->rows; m0 += VR) {
        const uint8_t *base[VR];
        int8_t *orow[VR];
        tile_rows(R, m0, &j, &p, base, orow);
        const uint8_t *const p0 = base[0], *const p1 = base[1], *const p2 = base[2], *const p3 = base[3];
        const uint8_t *const p4 = base[4], *const p5 = base[5], *const p6 = base[6], *const p7 = base[7];
        const int32_t *w = P->w;
        __m512i c00 = q0->bias, c01 = q1->bias, c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        __m512i c40 = c00, c41 = c01, c50 = c00, c51 = c01, c60 = c00, c61 = c01, c70 = c00, c71 = c01;
        // Unrolled (16 copies of the K chunk loop), so that each requant_step has a constant v: its channel
        // half, pack condition and rows are then fixed (measured: clang -O2, the package's level, does not
        // unroll this loop by itself and conv2 ran at 89% instead of 92%).
        int i = 0;
#pragma clang loop unroll(full)
        for (int v = 0; v < 16; v++) {
            for (const int end = (kq * (v + 1)) >> 4; i < end; i++) {
                const ptrdiff_t o = koff[i];
                const __m512i w0 = _mm512_loadu_si512((const void *)w);
                const __m512i w1 = _mm512_loadu_si512((const void *)(w + 16));
                w += 32;
                DQ2(0); DQ2(1); DQ2(2); DQ2(3); DQ2(4); DQ2(5); DQ2(6); DQ2(7);
            }
            if (have_prev) requant_step(prev, prow, v, P, 32);
        }
        prev[0] = c00; prev[1] = c01; prev[2] = c10; prev[3] = c11; prev[4] = c20; prev[5] = c21;
        prev[6] = c30; prev[7] = c31; prev[8] = c40; prev[9] = c41; prev[10] = c50; prev[11] = c51;
        prev[12] = c60; prev[13] = c61; prev[14] = c70; prev[15] = c71;
        for (int i = 0; i < VR; i++) prow[i] = orow[i];
        have_prev = 1;
    }
    if (have_prev)
        for (int v = 0; v < 16; v++) requant_step(prev, prow, v, P, 32);
}

/// panel_rows32 for a 16-channel panel (the last panel when out_c is not a multiple of 32): 8 chunks, one
/// saved vector (row) requantised after each. Equals tile16 element by element (and so
/// ReferenceInt8Ops.conv).
static KATTR void panel_rows16(const prows *R, const panel *P) {
    const rq16 *const q0 = P->q0;
    const int kq = R->kq;
    const ptrdiff_t *const koff = R->koff;
    __m512i prev[8];
    int8_t *prow[VR] = {0};
    int have_prev = 0, j = 0, p = 0;
    for (int m0 = 0; m0 < R->rows; m0 += VR) {
        const uint8_t *base[VR];
        int8_t *orow[VR];
        tile_rows(R, m0, &j, &p, base, orow);
        const uint8_t *const p0 = base[0], *const p1 = base[1], *const p2 = base[2], *const p3 = base[3];
        const uint8_t *const p4 = base[4], *const p5 = base[5], *const p6 = base[6], *const p7 = base[7];
        const int32_t *w = P->w;
        __m512i c00 = q0->bias, c10 = c00, c20 = c00, c30 = c00, c40 = c00, c50 = c00, c60 = c00, c70 = c00;
        int i = 0;
#pragma clang loop unroll(full)
        for (int v = 0; v < 8; v++) {
            for (const int end = (kq * (v + 1)) >> 3; i < end; i++) {
                const ptrdiff_t o = koff[i];
                const __m512i w0 = _mm512_loadu_si512((const void *)w);
                w += 16;
                DQ1(0); DQ1(1); DQ1(2); DQ1(3); DQ1(4); DQ1(5); DQ1(6); DQ1(7);
            }
            if (have_prev) requant_step(prev, prow, v, P, 16);
        }
        prev[0] = c00; prev[1] = c10; prev[2] = c20; prev[3] = c30;
        prev[4] = c40; prev[5] = c50; prev[6] = c60; prev[7] = c70;
        for (int i = 0; i < VR; i++) prow[i] = orow[i];
        have_prev = 1;
    }
    if (have_prev)
        for (int v = 0; v < 8; v++) requant_step(prev, prow, v, P, 16);
}

/// Sets up panel `P` for channels [c0, c0 + width) of an n-channel layer (constants into q0, q1).
static inline KATTR int panel_setup(panel *P, rq16 *q0, rq16 *q1, const rqout *o, const kplan *kp, int k_quads,
                                    const int32_t *packed, int n, const intrs_requant *rq, int c0) {
    const int n16 = (n + 15) & ~15;
    const int width = n16 - c0 >= 32 ? 32 : 16;
    const int valid = n - c0 < width ? n - c0 : width;
    rq16_load(q0, rq, c0, valid < 16 ? valid : 16);
    if (width == 32) rq16_load(q1, rq, c0 + 16, valid - 16);
    P->kp = kp;
    P->w = packed + (size_t)k_quads * (size_t)c0;
    P->q0 = q0;
    P->q1 = q1;
    P->o = o;
    P->dbl = rq->double_rounding;
    P->c0 = c0;
    P->store = valid >= 32 ? 0xFFFFFFFFu : (__mmask32)((1u << valid) - 1u);
    return width;
}

/// The geometry of the padded images of a conv2d on this path. With dilation 1 along x (the usual case)
/// every kernel row of a patch is kw * in_c contiguous bytes of the padded image (channels not padded), read
/// as roundup(kw * in_c, 4) bytes: one K segment per kernel row, weights packed with kh runs of kw * in_c
/// inputs, each run padded with zero weights to a multiple of 4 (so a 3x3 conv on 1 channel costs 3 quads
/// per pixel, not 9). A segment may read up to 3 bytes past the last byte of its kernel row: they meet zero
/// weights, and every image is followed by at least 4 initialised bytes. Otherwise (dilation along x) each
/// tap is one segment of c4 = roundup(in_c, 4) bytes of an image whose channels are padded to c4.
typedef struct {
    int hp, wp, cimg;   // padded image height, width, bytes per pixel
    int nseg, seg_q;    // K segments per patch, quads per segment
    int runs, run_len;  // the weight packing's runs (intrs_pack_conv_weights: taps, c)
    size_t img;         // bytes from one item's padded image to the next (>= hp * wp * cimg + 4, multiple of 64)
    int group;          // items whose images are built side by side, so that 8-row tiles span items
} vgeom;

static inline void vnni_geometry(const intrs_conv_shape *s, vgeom *g) {
    g->hp = (s->out_h - 1) * s->stride_h + (s->kernel_h - 1) * s->dilation_h + 1;
    g->wp = (s->out_w - 1) * s->stride_w + (s->kernel_w - 1) * s->dilation_w + 1;
    if (s->dilation_w == 1) {
        g->cimg = s->in_c;
        g->nseg = s->kernel_h;
        g->seg_q = (s->kernel_w * s->in_c + 3) / 4;
        g->runs = s->kernel_h;
        g->run_len = s->kernel_w * s->in_c;
    } else {
        g->cimg = (s->in_c + 3) & ~3;
        g->nseg = s->kernel_h * s->kernel_w;
        g->seg_q = g->cimg / 4;
        g->runs = s->kernel_h * s->kernel_w;
        g->run_len = s->in_c;
    }
    g->img = ((size_t)g->hp * (size_t)g->wp * (size_t)g->cimg + 4 + 63) & ~(size_t)63;
    // Enough items per group that the tiles of layers with few output pixels are full (64 rows), while the
    // group's images stay within 256 KiB.
    const long pix = (long)s->out_h * s->out_w;
    long group = pix >= 64 ? 1 : (64 + pix - 1) / pix;
    const long cap = (long)(((size_t)1 << 18) / g->img);
    if (group > cap) group = cap;
    g->group = group < 1 ? 1 : (int)group;
}

/// Scratch bytes: the segment offsets, the base offset of every output pixel in its image, the byte offset
/// of every quad of K in a patch, then the padded images of one group (64-byte aligned).
size_t intrs_k_conv2d_scratch_vnni(const intrs_conv_shape *s) {
    vgeom g;
    vnni_geometry(s, &g);
    return sizeof(ptrdiff_t) * (size_t)g.nseg + sizeof(ptrdiff_t) * (size_t)(s->out_h * s->out_w) +
           sizeof(ptrdiff_t) * (size_t)(g.nseg * g.seg_q) + 64 + (size_t)g.group * g.img +
           (intrs_k_conv_lanes_applies_vnni(s) ? intrs_k_conv_lanes_scratch_vnni(s) : 0);
}

void intrs_k_conv2d_weight_runs_vnni(const intrs_conv_shape *s, int *runs, int *run_length) {
    if (intrs_k_conv_lanes_applies_vnni(s)) {  // vnni_lanes.c: K dense, one run
        *runs = 1;
        *run_length = s->kernel_h * s->kernel_w * s->in_c;
        return;
    }
    vgeom g;
    vnni_geometry(s, &g);
    *runs = g.runs;
    *run_length = g.run_len;
}

/// Writes one input row of `count` pixels of c channels as u = x + 128 into padded pixels of c4 bytes. When
/// c < c4 the channel pad bytes receive arbitrary values (the next pixel's bytes): they meet zero weights.
/// `avail` is how many input bytes may be read from `src` (at least count * c).
static inline KATTR void copy_row_u8(uint8_t *dst, const int8_t *src, int count, int c, int c4, ptrdiff_t avail) {
    if (c == c4) {
        int i = 0;
        const int n = count * c;
        const __m512i flip = _mm512_set1_epi8((char)0x80);
        for (; i + 64 <= n; i += 64)
            _mm512_storeu_si512((void *)(dst + i), _mm512_xor_si512(_mm512_loadu_si512((const void *)(src + i)), flip));
        if (i < n) {
            const __mmask64 k = ((__mmask64)1 << (n - i)) - 1;
            _mm512_mask_storeu_epi8(dst + i, k, _mm512_xor_si512(_mm512_maskz_loadu_epi8(k, src + i), flip));
        }
    } else if (c4 == 4) {
        // c in 1..3: one 4-byte load per pixel (the bytes past c are the next pixel's, or not read at the end).
        int ix = 0;
        for (; ix < count && (ptrdiff_t)ix * c + 4 <= avail; ix++) {
            uint32_t v;
            memcpy(&v, src + (ptrdiff_t)ix * c, 4);
            v ^= 0x80808080u;
            memcpy(dst + (ptrdiff_t)ix * 4, &v, 4);
        }
        for (; ix < count; ix++)
            for (int ch = 0; ch < c; ch++) dst[ix * 4 + ch] = (uint8_t)src[ix * c + ch] ^ 0x80u;
    } else {
        for (int ix = 0; ix < count; ix++)
            for (int ch = 0; ch < c; ch++) dst[ix * c4 + ch] = (uint8_t)src[ix * c + ch] ^ 0x80u;
    }
}

/// Sets the n >= 0 bytes at dst to the bytes of v (64-byte stores, the last one masked).
static inline KATTR void fill_u8(uint8_t *dst, ptrdiff_t n, __m512i v) {
    ptrdiff_t i = 0;
    for (; i + 64 <= n; i += 64) _mm512_storeu_si512((void *)(dst + i), v);
    if (i < n) _mm512_mask_storeu_epi8(dst + i, ((__mmask64)1 << (n - i)) - 1, v);
}

KATTR void intrs_k_conv2d_vnni(const intrs_conv_shape *s, const int8_t *in, ptrdiff_t in_stride, int items,
                               const int32_t *packed, const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride,
                               int16_t *scratch) {
    vgeom g;
    vnni_geometry(s, &g);
    const int c = s->in_c, cimg = g.cimg, wp = g.wp, hp = g.hp;
    const int k_quads = g.nseg * g.seg_q;
    const int pix = s->out_h * s->out_w;
    ptrdiff_t *const seg_off = (ptrdiff_t *)(void *)scratch;
    ptrdiff_t *const pix_off = seg_off + g.nseg;
    ptrdiff_t *const koff = pix_off + pix;
    uint8_t *const pad = (uint8_t *)(((uintptr_t)(koff + k_quads) + 63) & ~(uintptr_t)63);
    const kplan kp = {g.nseg, g.seg_q, seg_off};
    if (s->dilation_w == 1) {
        for (int ky = 0; ky < s->kernel_h; ky++) seg_off[ky] = (ptrdiff_t)ky * s->dilation_h * wp * cimg;
    } else {
        for (int ky = 0; ky < s->kernel_h; ky++)
            for (int kx = 0; kx < s->kernel_w; kx++)
                seg_off[ky * s->kernel_w + kx] = ((ptrdiff_t)ky * s->dilation_h * wp + (ptrdiff_t)kx * s->dilation_w) * cimg;
    }
    for (int sg = 0, i = 0; sg < g.nseg; sg++)
        for (int q = 0; q < g.seg_q; q++, i++) koff[i] = seg_off[sg] + 4 * q;
    for (int oy = 0, p = 0; oy < s->out_h; oy++)
        for (int ox = 0; ox < s->out_w; ox++, p++)
            pix_off[p] = ((ptrdiff_t)oy * s->stride_h * wp + (ptrdiff_t)ox * s->stride_w) * cimg;
    rqout o;
    rqout_load(&o, rq);
    const uint8_t fill = (uint8_t)(s->zero_in + 128);
    const __m512i vfill = _mm512_set1_epi8((char)fill);
    const ptrdiff_t in_bytes = (ptrdiff_t)s->in_h * s->in_w * c;
    const int x_end = s->in_w < wp - s->pad_left ? s->in_w : wp - s->pad_left;
    const int lanes = intrs_k_conv_lanes_applies_vnni(s);
    for (int b0 = 0; b0 < items; b0 += g.group) {
        const int gi = items - b0 < g.group ? items - b0 : g.group;
        // The padded image of each item of the group: x + 128 inside (rows and columns the taps never reach are
        // left out), Z_in + 128 everywhere else (and in the slack after it). With unpadded channels (cimg = c) a
        // copied row is exactly x_end * c bytes, so only the bytes between copied rows are filled (measured: the
        // memset of the whole image first cost 1 to 2% on the benchmark CNN's convolutions); else the whole
        // image is filled first, as the copy leaves channel pad bytes unwritten.
        for (int j = 0; j < gi; j++) {
            const int8_t *src = in + (ptrdiff_t)(b0 + j) * in_stride;
            uint8_t *const im = pad + (size_t)j * g.img;
            const int gaps = cimg == c;
            if (!gaps) memset(im, fill, g.img);
            ptrdiff_t done = 0;  // im[0, done) is set (gaps only)
            for (int iy = 0; iy < s->in_h && iy + s->pad_top < hp && x_end > 0; iy++) {
                const ptrdiff_t at = (ptrdiff_t)iy * s->in_w * c;
                const ptrdiff_t to = ((ptrdiff_t)(iy + s->pad_top) * wp + s->pad_left) * cimg;
                if (gaps) fill_u8(im + done, to - done, vfill);
                copy_row_u8(im + to, src + at, x_end, c, cimg, in_bytes - at);
                done = to + (ptrdiff_t)x_end * c;
            }
            if (gaps) fill_u8(im + done, (ptrdiff_t)g.img - done, vfill);
        }
        if (lanes) {  // output pixels in the lanes (vnni_lanes.c), on the padded images just built
            intrs_k_conv_lanes_vnni(s, pad, g.img, wp, gi, packed, rq, out + (ptrdiff_t)b0 * out_stride, out_stride,
                                    pad + (size_t)g.group * g.img);
            continue;
        }
        // Rows m = j * pix + p of the group (item b0 + j, output pixel p), 8 per tile; a tile may span items.
        const int rows = gi * pix;
        const prows R = {pad, g.img, pix_off, pix, rows, out + (ptrdiff_t)b0 * out_stride, out_stride, s->out_c, koff,
                         k_quads};
        for (int c0 = 0; c0 < s->out_c;) {
            panel P;
            rq16 q0, q1;
            const int width = panel_setup(&P, &q0, &q1, &o, &kp, k_quads, packed, s->out_c, rq, c0);
            c0 += width;
            if (k_quads >= 16) {  // software-pipelined panel loops
                if (width == 32) panel_rows32(&R, &P);
                else panel_rows16(&R, &P);
                continue;
            }
            // Short K (under 16 quads): the requantisation outweighs vpdpbusd, so the variant with fewer
            // instructions, one tile at a time (measured: the panel loops were slower on K = 27).
            int j = 0, p = 0;
            for (int m0 = 0; m0 < rows; m0 += VR) {
                const uint8_t *base[VR];
                int8_t *orow[VR];
                tile_rows(&R, m0, &j, &p, base, orow);
                if (width == 32) tile32(base, &P, orow);
                else tile16(base, &P, orow);
            }
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
    rqout o;
    rqout_load(&o, rq);
    for (int m0 = 0; m0 < items; m0 += VR) {
        const int live = items - m0 < VR ? items - m0 : VR;
        const uint8_t *base[VR];
        int8_t *orow[VR];
        for (int i = 0; i < live; i++) {
            uint8_t *d = rows + (ptrdiff_t)i * k4;
            copy_row_u8(d, in + (ptrdiff_t)(m0 + i) * in_stride, in_count, 1, 1, in_count);
            for (int j = in_count; j < k4; j++) d[j] = 0;
        }
        for (int i = 0; i < VR; i++) {
            base[i] = rows + (ptrdiff_t)(i < live ? i : live - 1) * k4;
            orow[i] = out + (ptrdiff_t)(m0 + (i < live ? i : live - 1)) * out_stride;
        }
        for (int c0 = 0; c0 < out_count;) {
            panel P;
            rq16 q0, q1;
            const int width = panel_setup(&P, &q0, &q1, &o, &kp, k4 / 4, packed, out_count, rq, c0);
            if (width == 32) tile32(base, &P, orow);
            else tile16(base, &P, orow);
            c0 += width;
        }
    }
}

/// Pools of this path: max pool, 64 (or 32) channels per instruction: the byte max over the valid taps,
/// starting at -128, then the clamp, as the template's; average pool runs the AVX2 code. Equals
/// ReferenceInt8Ops.pool. Full chunks use plain loads (masked byte loads are slow on AMD Zen 4); only the last
/// chunk of fewer than 32 channels is masked.
KATTR void intrs_k_pool_vnni(const intrs_pool_shape *s, int is_max, const int8_t *in, int8_t *out, int32_t *sum) {
    if (!is_max) {
        intrs_k_pool_avx2(s, is_max, in, out, sum);
        return;
    }
    const int c = s->channels;
    const int8_t lo = (int8_t)(s->act_min < -128 ? -128 : s->act_min > 127 ? 127 : s->act_min);
    const int8_t hi = (int8_t)(s->act_max < -128 ? -128 : s->act_max > 127 ? 127 : s->act_max);
    const __m512i vlo = _mm512_set1_epi8((char)lo), vhi = _mm512_set1_epi8((char)hi), floor8 = _mm512_set1_epi8(-128);
    const ptrdiff_t row = (ptrdiff_t)s->in_w * c;
    for (int oy = 0; oy < s->out_h; oy++) {
        for (int ox = 0; ox < s->out_w; ox++) {
            const intrs_pool_window pw = intrs_pool_taps(s, oy, ox);
            const int y0 = pw.y0, ky0 = pw.ky0, ky1 = pw.ky1, x0 = pw.x0, kx0 = pw.kx0, kx1 = pw.kx1;
            int8_t *o = out + ((ptrdiff_t)oy * s->out_w + ox) * c;
            // Offsets of the first valid tap; the taps are (ky, kx) in [ky0, ky1) x [kx0, kx1).
            const ptrdiff_t first = (ptrdiff_t)(y0 + ky0) * row + (ptrdiff_t)(x0 + kx0) * c;
            const int nky = ky1 - ky0, nkx = kx1 - kx0;
            int c0 = 0;
            if (nky == 2 && nkx == 2) {
                // Exactly 2 x 2 valid taps (the usual 2x2 pool): unrolled, 32 channels per instruction, plain
                // loads for full chunks, masked for a tail of fewer than 32.
                const int8_t *t = in + first;
                for (; c0 + 32 <= c; c0 += 32) {
                    __m256i m = _mm256_max_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(t + c0)),
                                                _mm256_loadu_si256((const __m256i *)(const void *)(t + c + c0)));
                    m = _mm256_max_epi8(m, _mm256_max_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(t + row + c0)),
                                                           _mm256_loadu_si256((const __m256i *)(const void *)(t + row + c + c0))));
                    m = _mm256_min_epi8(_mm256_max_epi8(m, _mm512_castsi512_si256(vlo)), _mm512_castsi512_si256(vhi));
                    _mm256_storeu_si256((__m256i *)(void *)(o + c0), m);
                }
                if (c0 < c) {
                    const __mmask32 k = ((__mmask32)1 << (c - c0)) - 1;
                    __m256i m = _mm256_max_epi8(_mm256_maskz_loadu_epi8(k, t + c0), _mm256_maskz_loadu_epi8(k, t + c + c0));
                    m = _mm256_max_epi8(m, _mm256_max_epi8(_mm256_maskz_loadu_epi8(k, t + row + c0), _mm256_maskz_loadu_epi8(k, t + row + c + c0)));
                    m = _mm256_min_epi8(_mm256_max_epi8(m, _mm512_castsi512_si256(vlo)), _mm512_castsi512_si256(vhi));
                    _mm256_mask_storeu_epi8(o + c0, k, m);
                }
                continue;
            }
            for (; c0 + 64 <= c; c0 += 64) {
                __m512i m = floor8;
                for (int ky = 0; ky < nky; ky++)
                    for (int kx = 0; kx < nkx; kx++)
                        m = _mm512_max_epi8(m, _mm512_loadu_si512((const void *)(in + first + ky * row + (ptrdiff_t)kx * c + c0)));
                _mm512_storeu_si512((void *)(o + c0), _mm512_min_epi8(_mm512_max_epi8(m, vlo), vhi));
            }
            for (; c0 + 32 <= c; c0 += 32) {
                __m256i m = _mm512_castsi512_si256(floor8);
                for (int ky = 0; ky < nky; ky++)
                    for (int kx = 0; kx < nkx; kx++)
                        m = _mm256_max_epi8(m, _mm256_loadu_si256((const __m256i *)(const void *)(in + first + ky * row + (ptrdiff_t)kx * c + c0)));
                m = _mm256_min_epi8(_mm256_max_epi8(m, _mm512_castsi512_si256(vlo)), _mm512_castsi512_si256(vhi));
                _mm256_storeu_si256((__m256i *)(void *)(o + c0), m);
            }
            if (c0 < c) {
                const __mmask64 k = ((__mmask64)1 << (c - c0)) - 1;
                __m512i m = floor8;
                for (int ky = 0; ky < nky; ky++)
                    for (int kx = 0; kx < nkx; kx++)
                        m = _mm512_max_epi8(m, _mm512_maskz_loadu_epi8(k, in + first + ky * row + (ptrdiff_t)kx * c + c0));
                _mm512_mask_storeu_epi8(o + c0, k, _mm512_min_epi8(_mm512_max_epi8(m, vlo), vhi));
            }
        }
    }
}

/// The lane-wise rescale of this path (for tests): 16 lanes at a time, `count` a multiple of 8. Even blocks of
/// 16 run rescale16; odd blocks run the Z-folded form of rescale16z on the lanes where it applies (with Z_out
/// cycling through -128, 127, 0, -37, 1, subtracted again afterwards: the result must be the bare rescale)
/// and rescale16 on the others, so the lane tests check both forms.
KATTR void intrs_k_rescale_vnni(const int32_t *x, const int32_t *m, const int32_t *shift, int count, int dr,
                                int32_t *out) {
    for (int i = 0; i < count; i += 16) {
        const int n = count - i < 16 ? count - i : 16;
        int32_t left[16], right[16], zero[16] = {0};
        for (int j = 0; j < n; j++) {
            left[j] = shift[i + j] > 0 ? shift[i + j] : 0;
            right[j] = shift[i + j] > 0 ? 0 : -shift[i + j];
        }
        static const int32_t zs[5] = {-128, 127, 0, -37, 1};
        const int odd = (i >> 4) & 1;
        const int32_t z = odd ? zs[(i >> 5) % 5] : 0;
        const intrs_requant rq = {zero, m + i, shift + i, left, right, z, -128, 127, dr};
        rq16 q;
        rq16_load(&q, &rq, 0, n);
        const __mmask16 k = (__mmask16)(n >= 16 ? 0xFFFFu : (1u << n) - 1u);
        const __m512i v = _mm512_maskz_loadu_epi32(k, x + i);
        __m512i r = rescale16(v, &q, dr);
        q.corr = dr;  // the exact rescale: the sign correction kept whatever Z_out
        if (odd) r = _mm512_mask_mov_epi32(r, q.zlanes, _mm512_sub_epi32(rescale16z_folded(v, &q), q.z32));
        _mm512_mask_storeu_epi32(out + i, k, r);
    }
}

/// 8 independent chains of vpdpbusd ymm (32 multiply-adds each), `iterations` rounds (for measuring throughput
/// per cycle).
INTRS_DEFINE_BURST8(KATTR, intrs_k_vpdpbusd_burst_vnni, "vpdpbusd", "ymm", ACC)

/// 8 independent chains of vpdpbusd zmm (64 multiply-adds each), `iterations` rounds. On AMD Zen 4 a 512-bit
/// instruction occupies two 256-bit pipe slots, so this measures whether zmm doubles the work per cycle.
INTRS_DEFINE_BURST8(KATTR, intrs_k_vpdpbusd512_burst_vnni, "vpdpbusd", "zmm", ACC)

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
