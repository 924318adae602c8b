// Internal interface of the ChaCha20 paths (chacha20.c: portable core and drivers; chacha20_avx2.c: AVX2 and
// AVX-512 cores). Not part of the public header.
#ifndef CINTRS_CHACHA20_INTERNAL_H
#define CINTRS_CHACHA20_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

/// Lane inputs of one call of a core, structure of arrays: block l (l < lanes) has state words 12-15 =
/// (counter[l], nonce0[l], nonce1[l], nonce2[l]).
typedef struct {
    uint32_t counter[16];
    uint32_t nonce0[16];
    uint32_t nonce1[16];
    uint32_t nonce2[16];
} intrs_chacha_lanes;

/// A core computes `lanes` whole blocks (its fixed width) and writes block l's 16 output words, in order, to
/// out[16 l .. 16 l + 15].
typedef void (*intrs_chacha_core)(const uint32_t key[8], const intrs_chacha_lanes *in, uint32_t *out);

/// RFC 8439 §2.3 on one block at a time, plain C (width 1).
void intrs_chacha20_core_portable(const uint32_t key[8], const intrs_chacha_lanes *in, uint32_t *out);
#if defined(__x86_64__) || defined(__i386__)
/// 8 blocks per call (width 8), AVX2.
void intrs_chacha20_core_avx2(const uint32_t key[8], const intrs_chacha_lanes *in, uint32_t *out);
/// 16 blocks per call (width 16), AVX-512F.
void intrs_chacha20_core_avx512(const uint32_t key[8], const intrs_chacha_lanes *in, uint32_t *out);
/// intrs_table_fill (intrs_noise.h) on the AVX2 path: ChaCha20 rounds of one 8-block batch interleaved with the
/// table lookups of the previous batch's words (same samples, same return value).
size_t intrs_table_fill_avx2(const uint32_t key[8], const uint32_t nonce[3], uint32_t counter, size_t count, const uint32_t *hi,
                             size_t hi_count, const uint32_t *guide, uint32_t guide_shift, int32_t min_value, int32_t *out);
/// The same on the AVX512_VNNI path (AVX-512F, 16-block batches).
size_t intrs_table_fill_avx512(const uint32_t key[8], const uint32_t nonce[3], uint32_t counter, size_t count, const uint32_t *hi,
                               size_t hi_count, const uint32_t *guide, uint32_t guide_shift, int32_t min_value, int32_t *out);
#endif

#endif
