// conv2d with output pixels in the lanes, on the AVX-512 VNNI path (it needs AVX512_VBMI too: AMD Zen 4, Intel Ice
// Lake and later), for convolutions with a short patch: K = kh * kw * in_c of at most 48 bytes, each kernel row
// (kw * in_c bytes, dilation 1 along x) at least 3 bytes long, the kernel rows of 16 neighbouring output pixels
// inside one 64-byte window, at least 16 output pixels per row (the first layer of an image CNN: 3 channels,
// 3 x 3, K = 27). vnni.c calls it from intrs_k_conv2d_vnni when intrs_k_conv_lanes_applies_vnni says so, on the
// padded images it builds for its own tiles; such a layer's weights are packed dense (one run of K inputs).
//
// Why. vnni.c's micro-kernel keeps 8 output pixels x 32 channels in registers and broadcasts one patch quad per
// pixel per quad of K: for K = 27 (9 quads there, 4 bytes of a 9-byte kernel row each) the 144 broadcasts and
// 288 vpdpbusd per 16 pixels x 32 channels, with the requantisation of 32 outputs per 27 multiply-adds, left
// conv1 of the benchmark CNN at about a third of the multiply-add limit. Here a register holds one output
// channel of 16 output pixels: K is dense (7 quads for K = 27: 224 vpdpbusd per 16 x 32), the weights enter
// vpdpbusd as {1to16} broadcasts of one quad straight from memory (no broadcast instruction), and the 16
// pixels' quad q is one vector, cut out of two kernel rows' 64-byte windows of the padded image by one vpermt2b.
// The requantisation constants are per register (broadcast from a per-channel table); the results are packed
// and transposed to NHWC bytes (vpackssdw, vpacksswb, vpshufb, dword and qword unpacks, vpermt2q) when stored.
// Output channels go in groups of 8 registers, software-pipelined across groups and 16-pixel blocks: the previous
// group is requantised one vector per quad of the current group's K loop, so that the requantisation's shifts,
// adds and shuffles run beside the vpdpbusd instead of after them (measured on conv1: 7.4 us per inference,
// against 8.1 with all of a 16-channel group requantised after its K loop; the variant with K = 7 quads,
// conv1's, is compiled with the quad count constant). An empty asm statement after each quad holds that order
// (clang otherwise sinks the whole requantisation below the K loop): 6.3 us on conv1, with the patch index
// table built without divisions (it is built per call, and vnni.c calls once per item for conv1).
//
// Exactness (Proofs/KERN-1.md, "Output pixels in lanes"): each lane accumulates bias - (Z_in + 128) sum w +
// sum w u over its pixel's dense K with wrapping int32 addition (the pad bytes of the last quad meet zero
// weights), as vnni.c's tiles do; the requantisation is KERN-1's one-64-bit-shift formula on uniform constants
// (the Z_out-folded form where it applies), packed as pack4z does. Equals ReferenceInt8Ops.conv.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include "CIntRSKernels.h"
#include "kernels_internal.h"

#define LATTR __attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni,avx512vbmi")))
#define LINLINE static inline __attribute__((always_inline)) LATTR

enum { LANES_MAX_QUADS = 12 };

/// The requantisation constants of one output channel (one table entry per channel of the padded count,
/// 64 bytes). With a = x << left (left = 0 for single rounding) and p = a M0 (exact in 64 bits):
///   r = (p + k - [p < 0] d) >> sh   (KERN-1, "one 64-bit shift"; double rounding: k = 2^30 + [e >= 1] 2^(e+30),
///   d = [e >= 1] 2^31, sh = 31 + e; single: k = 2^(s-1), d = 0, sh = s = 31 - shift).
/// fold = 1 when left = 0 and sh is in [32, 54]: kz = k + Z_out 2^sh, and r + Z_out is the high dword of
/// p + kz - [p < 0] d shifted right by cnt = sh - 32 (KERN-1, "Z_out folded" and "Output pixels in lanes");
/// otherwise kz = k, cnt = sh, and r is clamped to [-2^30, 2^30] before Z_out is added.
/// In the folded form without sign correction the caller adds bias M0 to kz (the accumulators then start at 0).
typedef struct {
    int64_t m, kz, kzd, cnt, left;
    int32_t bias, z, fold, cnt32, pad_[2];
} lane_rq;

/// Activation bounds as bytes (the clamp skipped for [-128, 127]).
typedef struct {
    __m512i amin8, amax8;
    int clamp;
} lane_out;

/// Whether the kernel of this file runs the conv2d of shape `s` (it needs AVX512_VBMI besides the path's
/// features). The weights of such a layer are packed dense (one run of K inputs: intrs_k_conv2d_weight_runs_vnni).
int intrs_k_conv_lanes_applies_vnni(const intrs_conv_shape *s) {
    const int c = s->in_c, row = s->kernel_w * s->in_c, k = s->kernel_h * row;
    if (s->dilation_w != 1 || c < 1 || row < 3 || (k + 3) / 4 > LANES_MAX_QUADS) return 0;
    if (15 * s->stride_w * c + row > 64) return 0;  // lane 15's kernel row ends inside the 64-byte window
    if (s->out_w < 16) return 0;                    // fewer pixels per row than lanes: vnni.c's tiles span rows
    return intrs_vnni_lanes_enabled();
}

/// 1 when this CPU has AVX512_VBMI and the environment variable INTRS_VNNI_LANES is not "off"; read once per
/// process (so that a layer's weight packing and its runs always agree). "off" makes the avx512vnni path run
/// every convolution on vnni.c's tiles, as on a CPU with AVX-512 VNNI but no VBMI (Intel Cascade Lake, Cooper
/// Lake): CI runs the kernel tests once more that way, so both forms are tested on this machine.
int intrs_vnni_lanes_enabled(void) {
    static int cached = -1;  // -1 unknown; racing first calls compute the same value
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        const char *e = getenv("INTRS_VNNI_LANES");
        __builtin_cpu_init();
        v = __builtin_cpu_supports("avx512vbmi") != 0 && !(e != NULL && strcmp(e, "off") == 0);
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

/// Bytes of scratch this kernel needs after the padded images: 64 bytes of slack (the last windows of an image
/// read up to 64 bytes from their start), the constants table (64 bytes per channel) and a block's packed
/// vectors (16 bytes per channel).
size_t intrs_k_conv_lanes_scratch_vnni(const intrs_conv_shape *s) {
    return 64 + 64 + (sizeof(lane_rq) + 16) * (size_t)((s->out_c + 15) & ~15);
}

static void lane_rq_table(const intrs_requant *rq, int n, lane_rq *t) {
    const int n16 = (n + 15) & ~15;
    for (int c = 0; c < n16; c++) {
        lane_rq e;
        memset(&e, 0, sizeof e);
        if (c >= n) {  // padding channels: r = 0, never stored
            e.fold = 1;
            t[c] = e;
            continue;
        }
        int64_t k, d;
        int sh;
        if (rq->double_rounding) {
            const int r = rq->right[c];
            e.left = rq->left[c];
            k = ((int64_t)1 << 30) + (r >= 1 ? (int64_t)1 << (r + 30) : 0);
            d = r >= 1 ? (int64_t)1 << 31 : 0;
            sh = 31 + r;
        } else {
            sh = 31 - rq->shift[c];
            k = (int64_t)1 << (sh - 1);
            d = 0;
        }
        e.m = rq->multiplier[c];
        e.bias = rq->bias[c];
        e.z = rq->zero_out;
        e.fold = e.left == 0 && sh >= 32 && sh <= 54 && e.m > 0;
        e.kz = e.fold ? k + (int64_t)rq->zero_out * ((int64_t)1 << sh) : k;
        e.kzd = e.kz - d;
        e.cnt = e.fold ? sh - 32 : sh;
        e.cnt32 = (int32_t)e.cnt;
        t[c] = e;
    }
}

/// The requantisation of one channel's 16 lanes x (accumulators, bias included, or 0-based with the bias in kz
/// where the caller folds it: `zb` in lane_conv) to r + Z_out (int32; the form of
/// vnni.c's rescale16z), lanes reordered within each 128-bit lane as (0, 2, 1, 3) (vshufps takes the even lanes'
/// results from one vector and the odd lanes' from the other). `dbl`: apply the double rounding's sign
/// correction [p < 0] d (the caller leaves it out where it cannot change a byte: `corr` in intrs_k_conv_lanes_vnni); `mixed`:
/// some channel of the layer is not in the folded form, so this one may not be either.
LINLINE __m512i lane_requant(__m512i x, const lane_rq *c, int dbl, int mixed) {
    const __m512i m = _mm512_set1_epi32((int32_t)c->m);  // vpmuldq reads the low dword of each lane
    if (!mixed || c->fold) {
        const __m512i xo = _mm512_srli_epi64(x, 32);
        const __m512i pe = _mm512_mul_epi32(x, m);
        const __m512i po = _mm512_mul_epi32(xo, m);
        const __m512i kz = _mm512_set1_epi64(c->kz);
        __m512i te = _mm512_add_epi64(pe, kz), to = _mm512_add_epi64(po, kz);
        if (dbl) {
            // [p < 0] d = [x < 0] 2^31 (M0 > 0): the sign bit of the lane's dword, in place (bit 31); a
            // subtraction, not a select by p >> 63 (vpternlogq takes a multiply-pipe slot on Zen 4).
            const __m512i sbit = _mm512_set1_epi64((int64_t)1 << 31);
            te = _mm512_sub_epi64(te, _mm512_and_si512(x, sbit));
            to = _mm512_sub_epi64(to, _mm512_and_si512(xo, sbit));
        }
        // The high dwords (floor((p + kz - [p < 0] d) / 2^32)), then the rest of the shift on 32 bits
        // (vpsravd: a shift by an xmm count takes a multiply-pipe slot on Zen 4, this one not).
        const __m512i h = _mm512_castps_si512(_mm512_shuffle_ps(_mm512_castsi512_ps(te), _mm512_castsi512_ps(to), 0xDD));
        return _mm512_srav_epi32(h, _mm512_set1_epi32(c->cnt32));
    }
    const __m512i a = _mm512_sllv_epi32(x, _mm512_set1_epi32((int)c->left));
    const __m512i pe = _mm512_mul_epi32(a, m);
    const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), m);
    __m512i ke = _mm512_set1_epi64(c->kz), ko = ke;
    if (dbl) {
        const __m512i kd = _mm512_set1_epi64(c->kzd);
        ke = _mm512_ternarylogic_epi64(_mm512_srai_epi64(pe, 63), kd, ke, 0xCA);
        ko = _mm512_ternarylogic_epi64(_mm512_srai_epi64(po, 63), kd, ko, 0xCA);
    }
    const __m512i cnt = _mm512_set1_epi64(c->cnt);
    const __m512 re = _mm512_castsi512_ps(_mm512_srav_epi64(_mm512_add_epi64(pe, ke), cnt));
    const __m512 ro = _mm512_castsi512_ps(_mm512_srav_epi64(_mm512_add_epi64(po, ko), cnt));
    const __m512i r = _mm512_castps_si512(_mm512_shuffle_ps(re, ro, 0x88));  // the low dwords: r fits int32
    return _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(r, _mm512_set1_epi32(-(1 << 30))), _mm512_set1_epi32(1 << 30)),
                            _mm512_set1_epi32(c->z));
}

/// Four channels' r + Z_out to bytes: vpackssdw and vpacksswb saturate to int16 and int8 (as vnni.c's pack4z),
/// the clamp to [act_min, act_max], then vpshufb turns each 128-bit lane's 4 channels x 4 lanes into 4 lanes x 4
/// channels: dword l of the result holds the 4 channels of lane l.
LINLINE __m512i lane_pack4(__m512i r0, __m512i r1, __m512i r2, __m512i r3, const lane_out *o) {
    __m512i b = _mm512_packs_epi16(_mm512_packs_epi32(r0, r1), _mm512_packs_epi32(r2, r3));
    if (o->clamp) b = _mm512_min_epi8(_mm512_max_epi8(b, o->amin8), o->amax8);
    const __m512i t = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
    return _mm512_shuffle_epi8(b, t);
}

/// The transpose of a 16-channel half: from g[0..4) (vector i: dword l holds channels 4i .. 4i + 3 of requantised
/// lane l) to B[0..4): 128-bit lane L of B[k] holds the 16 channel bytes of requantised lane 4L + k.
LINLINE void lane_transpose(const __m512i *g, __m512i *B) {
    const __m512i lo01 = _mm512_unpacklo_epi32(g[0], g[1]), hi01 = _mm512_unpackhi_epi32(g[0], g[1]);
    const __m512i lo23 = _mm512_unpacklo_epi32(g[2], g[3]), hi23 = _mm512_unpackhi_epi32(g[2], g[3]);
    B[0] = _mm512_unpacklo_epi64(lo01, lo23);
    B[1] = _mm512_unpackhi_epi64(lo01, lo23);
    B[2] = _mm512_unpacklo_epi64(hi01, hi23);
    B[3] = _mm512_unpackhi_epi64(hi01, hi23);
}


/// The output pixel (0..15 within a block) of accumulator lane d = 4L + k: lane_requant reorders k by
/// (0, 2, 1, 3) and the transpose puts requantised lane 4L + k' at pixel 4k' + L.
static inline int lane_pixel(int d) {
    static const int sigma[4] = {0, 2, 1, 3};
    return 4 * sigma[d & 3] + (d >> 2);
}

/// Stores the bytes of one block: B0 (channels c0 .. c0 + 15) and, for a 32-channel panel, B1 (c0 + 16 ..),
/// `count` pixels from `o` (pixel p at o + p * out_c), `valid` channels.
LINLINE void lane_store(const __m512i *B0, const __m512i *B1, int width, int valid, int count, int8_t *o, int out_c) {
    if (width == 32 && valid == 32 && count == 16) {
        const __m512i lo = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), hi = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
        for (int k = 0; k < 4; k++) {
            const __m512i xa = _mm512_permutex2var_epi64(B0[k], lo, B1[k]);  // pixels 4k, 4k + 1
            const __m512i xb = _mm512_permutex2var_epi64(B0[k], hi, B1[k]);  // pixels 4k + 2, 4k + 3
            int8_t *const p = o + (ptrdiff_t)(4 * k) * out_c;
            if (out_c == 32) {
                _mm512_storeu_si512((void *)p, xa);
                _mm512_storeu_si512((void *)(p + 64), xb);
            } else {
                _mm256_storeu_si256((__m256i *)(void *)p, _mm512_castsi512_si256(xa));
                _mm256_storeu_si256((__m256i *)(void *)(p + out_c), _mm512_extracti64x4_epi64(xa, 1));
                _mm256_storeu_si256((__m256i *)(void *)(p + 2 * out_c), _mm512_castsi512_si256(xb));
                _mm256_storeu_si256((__m256i *)(void *)(p + 3 * out_c), _mm512_extracti64x4_epi64(xb, 1));
            }
        }
        return;
    }
    // General: through a buffer, pixel by pixel, masked to the valid channels.
    uint8_t buf[2][4][64];
    for (int k = 0; k < 4; k++) {
        _mm512_storeu_si512((void *)buf[0][k], B0[k]);
        if (width == 32) _mm512_storeu_si512((void *)buf[1][k], B1[k]);
    }
    for (int h = 0; h * 16 < width && h * 16 < valid; h++) {
        const int n = valid - 16 * h < 16 ? valid - 16 * h : 16;
        const __mmask16 km = (__mmask16)((1u << n) - 1u);
        for (int px = 0; px < count; px++) {
            const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)&buf[h][px >> 2][16 * (px & 3)]);
            _mm_mask_storeu_epi8(o + (ptrdiff_t)px * out_c + 16 * h, km, v);
        }
    }
}

/// Half of lane_block_store for a full block of a layer with out_c = 32 (16 pixels): part 0 stores pixels
/// 0-7 (B[0], B[1] of both 16-channel halves, lane_transpose's vectors), part 1 pixels 8-15 (B[2], B[3]); the
/// same bytes as lane_store's full path.
LINLINE void lane_store_part(const __m512i *g4, int part, int8_t *o) {
    __m512i B[2][2];
    for (int h = 0; h < 2; h++) {
        const __m512i *g = g4 + 4 * h;
        const __m512i x01 = part ? _mm512_unpackhi_epi32(g[0], g[1]) : _mm512_unpacklo_epi32(g[0], g[1]);
        const __m512i x23 = part ? _mm512_unpackhi_epi32(g[2], g[3]) : _mm512_unpacklo_epi32(g[2], g[3]);
        B[h][0] = _mm512_unpacklo_epi64(x01, x23);
        B[h][1] = _mm512_unpackhi_epi64(x01, x23);
    }
    const __m512i lo = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), hi = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    for (int i = 0; i < 2; i++) {
        int8_t *const p = o + (ptrdiff_t)(4 * (2 * part + i)) * 32;
        _mm512_storeu_si512((void *)p, _mm512_permutex2var_epi64(B[0][i], lo, B[1][i]));
        _mm512_storeu_si512((void *)(p + 64), _mm512_permutex2var_epi64(B[0][i], hi, B[1][i]));
    }
}

#define L8(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

/// Requantises the pipeline's previous group (vectors b, constants pq) after quad q of the current group's K loop:
/// vector q (the rest after the loop).
#define LANE_STEP(q)                                                                                            \
    do {                                                                                                        \
        switch (q) {                                                                                            \
        case 0: b0 = lane_requant(b0, pq + 0, dbl, mixed); break;                                               \
        case 1: b1 = lane_requant(b1, pq + 1, dbl, mixed); break;                                               \
        case 2: b2 = lane_requant(b2, pq + 2, dbl, mixed); break;                                               \
        case 3: b3 = lane_requant(b3, pq + 3, dbl, mixed); break;                                               \
        case 4: b4 = lane_requant(b4, pq + 4, dbl, mixed); break;                                               \
        case 5: b5 = lane_requant(b5, pq + 5, dbl, mixed); break;                                               \
        case 6: b6 = lane_requant(b6, pq + 6, dbl, mixed); break;                                               \
        case 7: b7 = lane_requant(b7, pq + 7, dbl, mixed); break;                                               \
        }                                                                                                       \
    } while (0)

/// Transposes and stores the bytes of a finished 16-pixel block (its packed 4-channel vectors g4[0 .. n16 / 4)).
LINLINE void lane_block_store(const __m512i *g4, int out_c, int count, int8_t *dst) {
    const int n16 = (out_c + 15) & ~15;
    for (int c0 = 0; c0 < n16;) {
        const int width = n16 - c0 >= 32 ? 32 : 16;
        const int valid = out_c - c0 < width ? out_c - c0 : width;
        __m512i B0[4], B1[4];
        lane_transpose(g4 + c0 / 4, B0);
        if (width == 32) lane_transpose(g4 + c0 / 4 + 4, B1);
        lane_store(B0, B1, width, valid, count, dst + c0, out_c);
        c0 += width;
    }
}

LINLINE void lane_conv(const intrs_conv_shape *s, const uint8_t *pad, size_t img, int wp, int items,
                            const int32_t *packed, const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride,
                            const lane_rq *tab, int dbl, int mixed, int ZB, int NQ) {
    const int c = s->in_c, row = s->kernel_w * c, k = s->kernel_h * row, nq = NQ;
    const int zb = ZB;  // folded form without the sign correction, biases in range: the bias is in kz (see the caller)
    const ptrdiff_t rowb = (ptrdiff_t)wp * c;  // bytes per padded image row
    // Quad q of a pixel's dense patch (bytes 4q .. 4q + 3 of K, in kernel-row order) comes from kernel rows
    // ky0(q) and ky0(q) + 1 (a kernel row is at least 3 bytes long): index bytes < 64 pick from the first
    // window, >= 64 from the second; bytes past K pick anything (they meet zero weights).
    __m512i idx[LANES_MAX_QUADS];
    ptrdiff_t off_a[LANES_MAX_QUADS], off_b[LANES_MAX_QUADS];
    int one_row[LANES_MAX_QUADS];  // every byte of quad q below K is in kernel row ky0: vpermb of one window
    // (Built once per call, that is per item for a layer as large as conv1: no division, and each index vector
    // formed in registers, as dword d = pix_off(d) * mul + add with byte j of mul 1 and of add second + r for
    // e < K, both 0 for e >= K; each byte is at most 64 + 63, so no carry crosses bytes. A byte array read back
    // as one vector stalled on store forwarding: a quarter of the call's setup.)
    int pix_off[16];
    for (int d = 0; d < 16; d++) pix_off[d] = lane_pixel(d) * s->stride_w * c;
    const __m512i pixv = _mm512_loadu_si512((const void *)pix_off);
    for (int q = 0, ky0 = 0; q < nq; q++) {
        while (4 * q >= (ky0 + 1) * row) ky0++;  // ky0 = floor(4q / row)
        uint32_t mul = 0, add = 0;
        one_row[q] = 1;
        for (int j = 0; j < 4; j++) {
            const int e = 4 * q + j;
            int r = e - ky0 * row, second = 0;  // e < 4q + 4 <= (ky0 + 1) row + 3 < (ky0 + 2) row
            if (r >= row) r -= row, second = 64;
            if (e >= k) continue;
            if (second) one_row[q] = 0;
            mul |= 1u << (8 * j);
            add |= (uint32_t)(second + r) << (8 * j);
        }
        idx[q] = _mm512_add_epi32(_mm512_mullo_epi32(pixv, _mm512_set1_epi32((int)mul)), _mm512_set1_epi32((int)add));
        off_a[q] = (ptrdiff_t)ky0 * s->dilation_h * rowb;
        off_b[q] = (ptrdiff_t)(ky0 + 1 < s->kernel_h ? ky0 + 1 : ky0) * s->dilation_h * rowb;
    }
    lane_out o;
    o.amin8 = _mm512_set1_epi8((char)rq->act_min);
    o.amax8 = _mm512_set1_epi8((char)rq->act_max);
    o.clamp = !(rq->act_min == -128 && rq->act_max == 127);
    const int out_c = s->out_c, n16 = (out_c + 15) & ~15, groups = n16 / 8;
    // The packed 4-channel vectors of a block (vector i: dword l holds channels 4i .. 4i + 3 of requantised lane
    // l). A block's last group is packed, and the block stored, during the next block's first group, before that
    // group is packed (during the second), so one buffer serves both blocks.
    __m512i *const g4 = (__m512i *)(void *)(tab + n16);
    // The software pipeline, across groups and blocks: the previous group's accumulators b0..b7 (zero and
    // never stored before the first group: pg < 0), its constants pq, its group index pg, its block's output and
    // pixel count.
#define ZERO(i) __m512i b##i = _mm512_setzero_si512();
    L8(ZERO)
#undef ZERO
    const lane_rq *pq = tab;
    int pg = -1, pcount = 0, pend = 0;
    // out_c = 32 (conv1): a full block's store is pending (`pend`, to `pend_dst`) after its last group is
    // packed, and done in two halves during the next group's K loop, after quads qa and qb (measured on conv1:
    // 6.1 -> 5.9 us; quads 2 and 5 of 7 were best), before that group's packing overwrites g4; other layers
    // store the block at once.
    int8_t *pend_dst = out;
    const int split = out_c == 32;
    const int qa = nq > 6 ? 2 : 0, qb = nq > 6 ? 5 : nq - 1;
    int8_t *pdst = out;
    for (int j = 0; j < items; j++) {
        const uint8_t *const im = pad + (size_t)j * img;
        int8_t *const oj = out + (ptrdiff_t)j * out_stride;
        for (int oy = 0; oy < s->out_h; oy++) {
            for (int ox0 = 0; ox0 < s->out_w; ox0 += 16) {
                const int count = s->out_w - ox0 < 16 ? s->out_w - ox0 : 16;
                const uint8_t *const base = im + (ptrdiff_t)oy * s->stride_h * rowb + (ptrdiff_t)ox0 * s->stride_w * c;
                int8_t *const dst = oj + ((ptrdiff_t)oy * s->out_w + ox0) * out_c;
                __m512i patch[LANES_MAX_QUADS];
                // vpermb (a shuffle) where the quad lies in one kernel row (5 of conv1's 7), else vpermt2b (it
                // takes a vpdpbusd slot on Zen 4); both read index bytes < 64 from the first window alike.
                for (int q = 0; q < nq; q++)
                    patch[q] = one_row[q]
                                   ? _mm512_permutexvar_epi8(idx[q], _mm512_loadu_si512((const void *)(base + off_a[q])))
                                   : _mm512_permutex2var_epi8(_mm512_loadu_si512((const void *)(base + off_a[q])),
                                                              idx[q], _mm512_loadu_si512((const void *)(base + off_b[q])));
                for (int gi = 0; gi < groups; gi++) {
                    // Group gi's weights: panel c0 = 32 floor(8 gi / 32) of width 32 (16 for the last panel of
                    // a layer with n16 = 16 mod 32), channel 8 gi - c0 within it.
                    const int ch = 8 * gi, c0 = ch & ~31, width = n16 - c0 >= 32 ? 32 : 16;
                    const int32_t *const w = packed + (size_t)nq * (size_t)c0 + (ch - c0);
                    const lane_rq *const cq = tab + ch;
                    // The accumulators start at the bias, or at 0 where the bias is folded into kz (`zb`).
#define INIT(i) __m512i a##i = zb ? _mm512_setzero_si512() : _mm512_set1_epi32(cq[i].bias);
                    L8(INIT)
#undef INIT
#pragma clang loop unroll(full)
                    for (int q = 0; q < LANES_MAX_QUADS; q++) {
                        if (q < nq) {
                            const __m512i p = patch[q];
                            const int32_t *const wq = w + (ptrdiff_t)q * width;
#define DP(i) a##i = _mm512_dpbusd_epi32(a##i, p, _mm512_set1_epi32(wq[i]));
                            L8(DP)
#undef DP
                            if (q < 8) LANE_STEP(q);
                            if (pend && q == qa) lane_store_part(g4, 0, pend_dst);
                            if (pend && q == qb) lane_store_part(g4, 1, pend_dst), pend = 0;
                            // A scheduling fence (no instruction): the previous group's vector q is requantised
                            // between this quad's vpdpbusd and the next quad's, as written (clang otherwise
                            // moves the whole requantisation after the K loop, where the out-of-order window
                            // no longer overlaps it with vpdpbusd).
                            __asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5),
                                             "+v"(a6), "+v"(a7), "+v"(b0), "+v"(b1), "+v"(b2), "+v"(b3), "+v"(b4),
                                             "+v"(b5), "+v"(b6), "+v"(b7));
                        }
                    }
#pragma clang loop unroll(full)
                    for (int q = 0; q < 8; q++)
                        if (q >= nq) LANE_STEP(q);
                    if (pg >= 0) {
                        g4[2 * pg] = lane_pack4(b0, b1, b2, b3, &o);
                        g4[2 * pg + 1] = lane_pack4(b4, b5, b6, b7, &o);
                        if (pg == groups - 1) {
                            if (split && pcount == 16) pend = 1, pend_dst = pdst;
                            else lane_block_store(g4, out_c, pcount, pdst);
                        }
                    }
#define MOVE(i) b##i = a##i;
                    L8(MOVE)
#undef MOVE
                    pq = cq, pg = gi, pdst = dst, pcount = count;
                }
            }
        }
    }
    if (pend) lane_block_store(g4, out_c, 16, pend_dst);
    if (pg >= 0) {  // the last group
#pragma clang loop unroll(full)
        for (int q = 0; q < 8; q++) LANE_STEP(q);
        g4[2 * pg] = lane_pack4(b0, b1, b2, b3, &o);
        g4[2 * pg + 1] = lane_pack4(b4, b5, b6, b7, &o);
        lane_block_store(g4, out_c, pcount, pdst);
    }
}

/// The conv2d of `items` inputs whose padded images (vnni.c: Z_in + 128 outside the input, x + 128 inside,
/// `wp` pixels of in_c bytes per row, no channel padding) lie `img` bytes apart from `pad`, followed by at
/// least intrs_k_conv_lanes_scratch_vnni(s) bytes of scratch (`tail`, 64-byte aligned); weights packed
/// dense. Equals ReferenceInt8Ops.conv (Proofs/KERN-1.md, "Output pixels in lanes").
LATTR void intrs_k_conv_lanes_vnni(const intrs_conv_shape *s, const uint8_t *pad, size_t img, int wp, int items,
                                   const int32_t *packed, const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride,
                                   void *tail) {
    lane_rq *const tab = (lane_rq *)(void *)(((uintptr_t)tail + 64 + 63) & ~(uintptr_t)63);
    lane_rq_table(rq, s->out_c, tab);
    int mixed = 0;
    for (int c = 0; c < s->out_c; c++) mixed |= !tab[c].fold;
    const int dbl = rq->double_rounding != 0;
    // The folded form's sign correction ([p < 0] d) changes only lanes with x < 0, whose r and corrected r are
    // both <= 0; when Z_out <= act_min (a fused ReLU) every such lane's byte is min(act_min, act_max) either
    // way, so the correction is left out (Proofs/KERN-1.md, "Output pixels in lanes").
    const int corr = dbl && rq->zero_out > rq->act_min;
    // Without `mixed` or `corr` the lanes' value is floor((x M0 + kz) / 2^sh) with x = bias + a, a the sum of
    // the products (|a| <= 255 * 127 * 48 < 2^21) and x = S exactly (|S| <= 2^31 - 1, validator). The bias here
    // is bias - (Z_in + 128) sum w reduced modulo 2^32: it is that integer only where the validator's bound
    // covers the all -128 input, which it does not when the layer's input range excludes -128 (a conv after a
    // ReLU with Z > -128: bias' can exceed 2^31 - 1 while S fits). Where |bias'| <= 2^30 it is the integer
    // (else the true value differs by a multiple of 2^32, so its magnitude is >= 3 * 2^30, while it is
    // S - a, below 2^31 + 2^21); then the accumulators start at 0 and kz takes bias M0:
    // a M0 + (kz + bias M0) = x M0 + kz, every term and partial sum below 2^63 in magnitude (Proofs/KERN-1.md,
    // "Output pixels in lanes"). Otherwise the accumulators start at the bias (wrapping int32: x = S exactly).
    int zb = !mixed && !corr;
    for (int c = 0; c < s->out_c; c++)
        if (tab[c].bias > (1 << 30) || tab[c].bias < -(1 << 30)) zb = 0;
    if (zb)
        for (int c = 0; c < s->out_c; c++) tab[c].kz += (int64_t)tab[c].bias * tab[c].m;
    // Constant arguments, so that each variant is compiled without the others' branches (K = 7 quads: 3 channels,
    // 3x3, the usual first layer, with the K loop and requantisation steps fully resolved).
    const int nq = (s->kernel_h * s->kernel_w * s->in_c + 3) / 4;
    if (mixed) lane_conv(s, pad, img, wp, items, packed, rq, out, out_stride, tab, dbl, 1, 0, nq);
    else if (corr && nq == 7) lane_conv(s, pad, img, wp, items, packed, rq, out, out_stride, tab, 1, 0, 0, 7);
    else if (corr) lane_conv(s, pad, img, wp, items, packed, rq, out, out_stride, tab, 1, 0, 0, nq);
    else if (!zb) lane_conv(s, pad, img, wp, items, packed, rq, out, out_stride, tab, 0, 0, 0, nq);
    else if (nq == 7) lane_conv(s, pad, img, wp, items, packed, rq, out, out_stride, tab, 0, 0, 1, 7);
    else lane_conv(s, pad, img, wp, items, packed, rq, out, out_stride, tab, 0, 0, 1, nq);
}
#else
int intrs_vnni_lanes_enabled(void) { return 0; }
#endif
