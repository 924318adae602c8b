// ChaCha20 cores for x86-64 (chacha20_internal.h): AVX2, 8 blocks per call, and AVX-512F, 16 blocks per call;
// and the AVX2 table sampler fused with the AVX2 core (intrs_table_fill_avx2).
// Each function carries its own target attribute, so the package keeps the baseline instruction set and these
// run only on the kernel path whose CPU check passed (dispatch.c; INTRS_KERNEL forces a path).
//
// Layout: vector register x_i holds state word i of every block (lane l = block l), so one quarter round
// on four registers advances all blocks at once (the "vertical" form). Rotations: by 16 and 8 with a byte
// shuffle (AVX2) and by 12 and 7 with two shifts and an or; AVX-512 has a rotate instruction (vprold). After
// the 20 rounds and the feed-forward addition the 16 x width words are transposed so that each block's 16
// words are stored in order, as the portable core and RFC 8439 §2.3 give them.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "chacha20_internal.h"
#include "intrs_noise.h"

#define A2 __attribute__((target("avx2")))
#define A5 __attribute__((target("avx512f")))

static inline A2 __m256i rot16_avx2(__m256i v) {
    const __m256i m = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5,
                                       10, 11, 8, 9, 14, 15, 12, 13);
    return _mm256_shuffle_epi8(v, m);
}
static inline A2 __m256i rot8_avx2(__m256i v) {
    const __m256i m = _mm256_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, 3, 0, 1, 2, 7, 4, 5, 6,
                                       11, 8, 9, 10, 15, 12, 13, 14);
    return _mm256_shuffle_epi8(v, m);
}
static inline A2 __m256i rot12_avx2(__m256i v) { return _mm256_or_si256(_mm256_slli_epi32(v, 12), _mm256_srli_epi32(v, 20)); }
static inline A2 __m256i rot7_avx2(__m256i v) { return _mm256_or_si256(_mm256_slli_epi32(v, 7), _mm256_srli_epi32(v, 25)); }

#define QR2(a, b, c, d)                                                        \
    a = _mm256_add_epi32(a, b); d = rot16_avx2(_mm256_xor_si256(d, a));        \
    c = _mm256_add_epi32(c, d); b = rot12_avx2(_mm256_xor_si256(b, c));        \
    a = _mm256_add_epi32(a, b); d = rot8_avx2(_mm256_xor_si256(d, a));         \
    c = _mm256_add_epi32(c, d); b = rot7_avx2(_mm256_xor_si256(b, c));

/// Transposes 8 registers (register i = word i of blocks 0..7) so that register l = words 0..7 of block l
/// (pairs of 32-bit, then 64-bit interleaves, then 128-bit halves).
static inline A2 void transpose8_avx2(__m256i r[8]) {
    const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    const __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
    const __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
    const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    const __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    const __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    // u0 = lanes (0 | 4) words 0-3 of blocks 0 and 4 in its two halves; u4 = words 4-7 of the same blocks.
    r[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
    r[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
    r[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    r[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
    r[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
    r[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

A2 void intrs_chacha20_core_avx2(const uint32_t key[8], const intrs_chacha_lanes *in, uint32_t *out) {
    __m256i s[16];
    s[0] = _mm256_set1_epi32(0x61707865);
    s[1] = _mm256_set1_epi32(0x3320646e);
    s[2] = _mm256_set1_epi32(0x79622d32);
    s[3] = _mm256_set1_epi32(0x6b206574);
    for (int i = 0; i < 8; i++) s[4 + i] = _mm256_set1_epi32((int)key[i]);
    s[12] = _mm256_loadu_si256((const __m256i *)in->counter);
    s[13] = _mm256_loadu_si256((const __m256i *)in->nonce0);
    s[14] = _mm256_loadu_si256((const __m256i *)in->nonce1);
    s[15] = _mm256_loadu_si256((const __m256i *)in->nonce2);
    __m256i x0 = s[0], x1 = s[1], x2 = s[2], x3 = s[3], x4 = s[4], x5 = s[5], x6 = s[6], x7 = s[7];
    __m256i x8 = s[8], x9 = s[9], x10 = s[10], x11 = s[11], x12 = s[12], x13 = s[13], x14 = s[14], x15 = s[15];
    for (int i = 0; i < 10; i++) {
        QR2(x0, x4, x8, x12) QR2(x1, x5, x9, x13) QR2(x2, x6, x10, x14) QR2(x3, x7, x11, x15)
        QR2(x0, x5, x10, x15) QR2(x1, x6, x11, x12) QR2(x2, x7, x8, x13) QR2(x3, x4, x9, x14)
    }
    __m256i lo[8] = {_mm256_add_epi32(x0, s[0]), _mm256_add_epi32(x1, s[1]), _mm256_add_epi32(x2, s[2]),
                     _mm256_add_epi32(x3, s[3]), _mm256_add_epi32(x4, s[4]), _mm256_add_epi32(x5, s[5]),
                     _mm256_add_epi32(x6, s[6]), _mm256_add_epi32(x7, s[7])};
    __m256i hi[8] = {_mm256_add_epi32(x8, s[8]), _mm256_add_epi32(x9, s[9]), _mm256_add_epi32(x10, s[10]),
                     _mm256_add_epi32(x11, s[11]), _mm256_add_epi32(x12, s[12]), _mm256_add_epi32(x13, s[13]),
                     _mm256_add_epi32(x14, s[14]), _mm256_add_epi32(x15, s[15])};
    transpose8_avx2(lo);
    transpose8_avx2(hi);
    for (int l = 0; l < 8; l++) {
        _mm256_storeu_si256((__m256i *)(out + 16 * l), lo[l]);
        _mm256_storeu_si256((__m256i *)(out + 16 * l + 8), hi[l]);
    }
}

/// One word of the table sampler: the loop of intrs_table_sample_words without its early exit (the index k, with
/// *tie set when hi[k] == w). The first step of the scan is a conditional increment, not a branch (a branch here
/// mispredicts often and the flush also discards the ChaCha20 rounds in flight; measured +10% for the whole).
static inline uint32_t table_index(uint32_t w, const uint32_t *hi, const uint32_t *guide, uint32_t shift, uint32_t *tie) {
    uint32_t k = guide[(uint64_t)w >> shift];  // shift 32 (a one-entry guide): index 0
    k += hi[k] < w;
    while (hi[k] < w) k++;
    *tie |= hi[k] == w;
    return k;
}

/// intrs_table_fill on the AVX2 path (chacha20_internal.h): the table sampler fused with the 8-block ChaCha20
/// core, software-pipelined. Batch b (8 blocks = 128 words) goes through its 20 rounds in registers while the 128
/// words of batch b - 1, stored (transposed into stream order) in a 512-byte buffer that stays in L1, are looked up
/// 13 per double round: the rounds keep the vector units busy and the lookups the load and integer units, so the
/// two overlap instead of adding up. No keystream goes through memory beyond that buffer.
A2 size_t intrs_table_fill_avx2(const uint32_t key[8], const uint32_t nonce[3], uint32_t counter, size_t count,
                                const uint32_t *hi, size_t hi_count, const uint32_t *guide, uint32_t guide_shift, int32_t min_value,
                                int32_t *out) {
    const uint32_t shift = guide_shift > 32 ? 32 : guide_shift;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    uint32_t buf[2][128] __attribute__((aligned(32)));
    uint32_t tie = 0;
    const size_t batches = (count + 127) / 128;
    // Batch b's rounds run while the words of batch b - 1 (in buf[(b - 1) & 1]) are looked up, 13 per double
    // round: vector ALU work and scalar loads side by side. Batch `batches` computes nothing new.
    for (size_t b = 0; b <= batches; b++) {
        const uint32_t *prev = buf[(b + 1) & 1];
        int32_t *o = b == 0 ? out : out + (b - 1) * 128;
        const size_t n = b == 0 ? 0 : (count - (b - 1) * 128 < 128 ? count - (b - 1) * 128 : 128);
        const __m256i c = _mm256_add_epi32(_mm256_set1_epi32((int)(counter + 8 * (uint32_t)b)), lane);
        __m256i x0 = _mm256_set1_epi32(0x61707865), x1 = _mm256_set1_epi32(0x3320646e);
        __m256i x2 = _mm256_set1_epi32(0x79622d32), x3 = _mm256_set1_epi32(0x6b206574);
        __m256i x4 = _mm256_set1_epi32((int)key[0]), x5 = _mm256_set1_epi32((int)key[1]);
        __m256i x6 = _mm256_set1_epi32((int)key[2]), x7 = _mm256_set1_epi32((int)key[3]);
        __m256i x8 = _mm256_set1_epi32((int)key[4]), x9 = _mm256_set1_epi32((int)key[5]);
        __m256i x10 = _mm256_set1_epi32((int)key[6]), x11 = _mm256_set1_epi32((int)key[7]);
        __m256i x12 = c, x13 = _mm256_set1_epi32((int)nonce[0]);
        __m256i x14 = _mm256_set1_epi32((int)nonce[1]), x15 = _mm256_set1_epi32((int)nonce[2]);
        size_t j = 0;
        for (int i = 0; i < 10; i++) {
            if (b < batches) {
                QR2(x0, x4, x8, x12) QR2(x1, x5, x9, x13) QR2(x2, x6, x10, x14) QR2(x3, x7, x11, x15)
                QR2(x0, x5, x10, x15) QR2(x1, x6, x11, x12) QR2(x2, x7, x8, x13) QR2(x3, x4, x9, x14)
            }
            const size_t end = n < j + 13 ? n : j + 13;
            for (; j < end; j++) o[j] = (int32_t)((uint32_t)min_value + table_index(prev[j], hi, guide, shift, &tie));
        }
        for (; j < n; j++) o[j] = (int32_t)((uint32_t)min_value + table_index(prev[j], hi, guide, shift, &tie));
        if (b == batches) break;
        __m256i lo[8] = {_mm256_add_epi32(x0, _mm256_set1_epi32(0x61707865)), _mm256_add_epi32(x1, _mm256_set1_epi32(0x3320646e)),
                         _mm256_add_epi32(x2, _mm256_set1_epi32(0x79622d32)), _mm256_add_epi32(x3, _mm256_set1_epi32(0x6b206574)),
                         _mm256_add_epi32(x4, _mm256_set1_epi32((int)key[0])), _mm256_add_epi32(x5, _mm256_set1_epi32((int)key[1])),
                         _mm256_add_epi32(x6, _mm256_set1_epi32((int)key[2])), _mm256_add_epi32(x7, _mm256_set1_epi32((int)key[3]))};
        __m256i hv[8] = {_mm256_add_epi32(x8, _mm256_set1_epi32((int)key[4])), _mm256_add_epi32(x9, _mm256_set1_epi32((int)key[5])),
                         _mm256_add_epi32(x10, _mm256_set1_epi32((int)key[6])), _mm256_add_epi32(x11, _mm256_set1_epi32((int)key[7])),
                         _mm256_add_epi32(x12, c), _mm256_add_epi32(x13, _mm256_set1_epi32((int)nonce[0])),
                         _mm256_add_epi32(x14, _mm256_set1_epi32((int)nonce[1])), _mm256_add_epi32(x15, _mm256_set1_epi32((int)nonce[2]))};
        transpose8_avx2(lo);
        transpose8_avx2(hv);
        uint32_t *dst = buf[b & 1];
        for (int l = 0; l < 8; l++) {
            _mm256_store_si256((__m256i *)(dst + 16 * l), lo[l]);
            _mm256_store_si256((__m256i *)(dst + 16 * l + 8), hv[l]);
        }
    }
    if (!tie) return count;
    // Rare (probability < 2^-20 per word at b = 64): some word tied with a threshold's top word. Redo the request
    // batch by batch with the plain loop, which stops at the first tie (and writes the samples before it).
    for (size_t done = 0; done < count; done += 128) {
        intrs_chacha_lanes lanes;
        for (int l = 0; l < 8; l++) {
            lanes.counter[l] = counter + (uint32_t)(done / 16) + (uint32_t)l;
            lanes.nonce0[l] = nonce[0];
            lanes.nonce1[l] = nonce[1];
            lanes.nonce2[l] = nonce[2];
        }
        intrs_chacha20_core_avx2(key, &lanes, buf[0]);
        const size_t n = count - done < 128 ? count - done : 128;
        const size_t r = intrs_table_sample_words(buf[0], n, hi, hi_count, guide, guide_shift, min_value, out + done);
        if (r < n) return done + r;
    }
    return count;
}

#define QR5(a, b, c, d)                                                        \
    a = _mm512_add_epi32(a, b); d = _mm512_rol_epi32(_mm512_xor_si512(d, a), 16); \
    c = _mm512_add_epi32(c, d); b = _mm512_rol_epi32(_mm512_xor_si512(b, c), 12); \
    a = _mm512_add_epi32(a, b); d = _mm512_rol_epi32(_mm512_xor_si512(d, a), 8);  \
    c = _mm512_add_epi32(c, d); b = _mm512_rol_epi32(_mm512_xor_si512(b, c), 7);

/// Transposes a 16 x 16 matrix of 32-bit words held in 16 registers (register i = word i of blocks 0..15)
/// into register l = the 16 words of block l: 32-bit and 64-bit interleaves within 128-bit lanes, then two
/// rounds of 128-bit lane shuffles.
static inline A5 void transpose16_avx512(__m512i r[16]) {
    __m512i t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        u[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
        u[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
        u[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
        u[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    // Now u[4q + m] holds, in its 128-bit lane k, words 4q .. 4q+3 of block 4k + m.
    // Gather lane k of u[4q + m] for q = 0..3 into one register: two shuffle_i32x4 rounds.
    for (int m = 0; m < 4; m++) {
        const __m512i a0 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0x44);       // lanes 0,1 of q0 | lanes 0,1 of q1
        const __m512i a1 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0xee);       // lanes 2,3 of q0 | lanes 2,3 of q1
        const __m512i b0 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0x44);  // lanes 0,1 of q2 | lanes 0,1 of q3
        const __m512i b1 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0xee);  // lanes 2,3 of q2 | lanes 2,3 of q3
        // a0 = (q0k0, q0k1, q1k0, q1k1); b0 = (q2k0, q2k1, q3k0, q3k1).
        r[0 * 4 + m] = _mm512_shuffle_i32x4(a0, b0, 0x88);  // (q0k0, q1k0, q2k0, q3k0): block m
        r[1 * 4 + m] = _mm512_shuffle_i32x4(a0, b0, 0xdd);  // k = 1: block 4 + m
        r[2 * 4 + m] = _mm512_shuffle_i32x4(a1, b1, 0x88);  // k = 2: block 8 + m
        r[3 * 4 + m] = _mm512_shuffle_i32x4(a1, b1, 0xdd);  // k = 3: block 12 + m
    }
}

A5 void intrs_chacha20_core_avx512(const uint32_t key[8], const intrs_chacha_lanes *in, uint32_t *out) {
    __m512i s[16];
    s[0] = _mm512_set1_epi32(0x61707865);
    s[1] = _mm512_set1_epi32(0x3320646e);
    s[2] = _mm512_set1_epi32(0x79622d32);
    s[3] = _mm512_set1_epi32(0x6b206574);
    for (int i = 0; i < 8; i++) s[4 + i] = _mm512_set1_epi32((int)key[i]);
    s[12] = _mm512_loadu_si512((const void *)in->counter);
    s[13] = _mm512_loadu_si512((const void *)in->nonce0);
    s[14] = _mm512_loadu_si512((const void *)in->nonce1);
    s[15] = _mm512_loadu_si512((const void *)in->nonce2);
    __m512i x0 = s[0], x1 = s[1], x2 = s[2], x3 = s[3], x4 = s[4], x5 = s[5], x6 = s[6], x7 = s[7];
    __m512i x8 = s[8], x9 = s[9], x10 = s[10], x11 = s[11], x12 = s[12], x13 = s[13], x14 = s[14], x15 = s[15];
    for (int i = 0; i < 10; i++) {
        QR5(x0, x4, x8, x12) QR5(x1, x5, x9, x13) QR5(x2, x6, x10, x14) QR5(x3, x7, x11, x15)
        QR5(x0, x5, x10, x15) QR5(x1, x6, x11, x12) QR5(x2, x7, x8, x13) QR5(x3, x4, x9, x14)
    }
    __m512i r[16] = {_mm512_add_epi32(x0, s[0]),   _mm512_add_epi32(x1, s[1]),   _mm512_add_epi32(x2, s[2]),
                     _mm512_add_epi32(x3, s[3]),   _mm512_add_epi32(x4, s[4]),   _mm512_add_epi32(x5, s[5]),
                     _mm512_add_epi32(x6, s[6]),   _mm512_add_epi32(x7, s[7]),   _mm512_add_epi32(x8, s[8]),
                     _mm512_add_epi32(x9, s[9]),   _mm512_add_epi32(x10, s[10]), _mm512_add_epi32(x11, s[11]),
                     _mm512_add_epi32(x12, s[12]), _mm512_add_epi32(x13, s[13]), _mm512_add_epi32(x14, s[14]),
                     _mm512_add_epi32(x15, s[15])};
    transpose16_avx512(r);
    for (int l = 0; l < 16; l++) _mm512_storeu_si512((void *)(out + 16 * l), r[l]);
}
/// intrs_table_fill on the AVX512_VNNI path (AVX-512F): intrs_table_fill_avx2's pipeline with the 16-block core,
/// 256 words per batch, 26 lookups per double round.
A5 size_t intrs_table_fill_avx512(const uint32_t key[8], const uint32_t nonce[3], uint32_t counter, size_t count,
                                  const uint32_t *hi, size_t hi_count, const uint32_t *guide, uint32_t guide_shift,
                                  int32_t min_value, int32_t *out) {
    const uint32_t shift = guide_shift > 32 ? 32 : guide_shift;
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    uint32_t buf[2][256] __attribute__((aligned(64)));
    uint32_t tie = 0;
    const size_t batches = (count + 255) / 256;
    for (size_t b = 0; b <= batches; b++) {
        const uint32_t *prev = buf[(b + 1) & 1];
        int32_t *o = b == 0 ? out : out + (b - 1) * 256;
        const size_t n = b == 0 ? 0 : (count - (b - 1) * 256 < 256 ? count - (b - 1) * 256 : 256);
        const __m512i c = _mm512_add_epi32(_mm512_set1_epi32((int)(counter + 16 * (uint32_t)b)), lane);
        __m512i x0 = _mm512_set1_epi32(0x61707865), x1 = _mm512_set1_epi32(0x3320646e);
        __m512i x2 = _mm512_set1_epi32(0x79622d32), x3 = _mm512_set1_epi32(0x6b206574);
        __m512i x4 = _mm512_set1_epi32((int)key[0]), x5 = _mm512_set1_epi32((int)key[1]);
        __m512i x6 = _mm512_set1_epi32((int)key[2]), x7 = _mm512_set1_epi32((int)key[3]);
        __m512i x8 = _mm512_set1_epi32((int)key[4]), x9 = _mm512_set1_epi32((int)key[5]);
        __m512i x10 = _mm512_set1_epi32((int)key[6]), x11 = _mm512_set1_epi32((int)key[7]);
        __m512i x12 = c, x13 = _mm512_set1_epi32((int)nonce[0]);
        __m512i x14 = _mm512_set1_epi32((int)nonce[1]), x15 = _mm512_set1_epi32((int)nonce[2]);
        size_t j = 0;
        for (int i = 0; i < 10; i++) {
            if (b < batches) {
                QR5(x0, x4, x8, x12) QR5(x1, x5, x9, x13) QR5(x2, x6, x10, x14) QR5(x3, x7, x11, x15)
                QR5(x0, x5, x10, x15) QR5(x1, x6, x11, x12) QR5(x2, x7, x8, x13) QR5(x3, x4, x9, x14)
            }
            const size_t end = n < j + 26 ? n : j + 26;
            for (; j < end; j++) o[j] = (int32_t)((uint32_t)min_value + table_index(prev[j], hi, guide, shift, &tie));
        }
        for (; j < n; j++) o[j] = (int32_t)((uint32_t)min_value + table_index(prev[j], hi, guide, shift, &tie));
        if (b == batches) break;
        __m512i r[16] = {_mm512_add_epi32(x0, _mm512_set1_epi32(0x61707865)), _mm512_add_epi32(x1, _mm512_set1_epi32(0x3320646e)),
                         _mm512_add_epi32(x2, _mm512_set1_epi32(0x79622d32)), _mm512_add_epi32(x3, _mm512_set1_epi32(0x6b206574)),
                         _mm512_add_epi32(x4, _mm512_set1_epi32((int)key[0])), _mm512_add_epi32(x5, _mm512_set1_epi32((int)key[1])),
                         _mm512_add_epi32(x6, _mm512_set1_epi32((int)key[2])), _mm512_add_epi32(x7, _mm512_set1_epi32((int)key[3])),
                         _mm512_add_epi32(x8, _mm512_set1_epi32((int)key[4])), _mm512_add_epi32(x9, _mm512_set1_epi32((int)key[5])),
                         _mm512_add_epi32(x10, _mm512_set1_epi32((int)key[6])), _mm512_add_epi32(x11, _mm512_set1_epi32((int)key[7])),
                         _mm512_add_epi32(x12, c), _mm512_add_epi32(x13, _mm512_set1_epi32((int)nonce[0])),
                         _mm512_add_epi32(x14, _mm512_set1_epi32((int)nonce[1])), _mm512_add_epi32(x15, _mm512_set1_epi32((int)nonce[2]))};
        transpose16_avx512(r);
        uint32_t *dst = buf[b & 1];
        for (int l = 0; l < 16; l++) _mm512_store_si512((void *)(dst + 16 * l), r[l]);
    }
    if (!tie) return count;
    // Rare: redo batch by batch with the plain loop (stops at the first tie), as intrs_table_fill_avx2 does.
    for (size_t done = 0; done < count; done += 256) {
        intrs_chacha_lanes lanes;
        for (int l = 0; l < 16; l++) {
            lanes.counter[l] = counter + (uint32_t)(done / 16) + (uint32_t)l;
            lanes.nonce0[l] = nonce[0];
            lanes.nonce1[l] = nonce[1];
            lanes.nonce2[l] = nonce[2];
        }
        intrs_chacha20_core_avx512(key, &lanes, buf[0]);
        const size_t n = count - done < 256 ? count - done : 256;
        const size_t r = intrs_table_sample_words(buf[0], n, hi, hi_count, guide, guide_shift, min_value, out + done);
        if (r < n) return done + r;
    }
    return count;
}
#endif
