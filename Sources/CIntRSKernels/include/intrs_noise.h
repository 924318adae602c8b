// Noise kernels: ChaCha20 keystream words for the noise streams, and the table sampler's one-word loop.
//
// ChaCha20 keystream words for the noise streams (Vectors/stream-spec.md §1), on the same kernel paths as
// the int8 kernels (portable C; AVX2: 8 blocks per call of the core; AVX-512 (the AVX512_VNNI path, which
// implies AVX-512F): 16 blocks). Every path returns the words of RFC 8439 §2.3's block function, bit for
// bit: block = 20 rounds on the state (constants, key, counter, nonce) plus the input state, words in order.
//
// The reference is the Swift definition `ChaCha20.block` / `ChaChaStream` (IntRSCore); tests compare every
// path with it (and with RFC 8439 §2.3.2 and Appendix A.1) on random keys, nonces and counters, across the
// 2^32 counter wrap and for word counts that end inside a block.
#ifndef CINTRS_NOISE_H
#define CINTRS_NOISE_H

#include <stddef.h>
#include <stdint.h>
#include "CIntRSKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The keystream words of one stream: `words` consecutive words starting at word 0 of block `counter`
/// (key: 8 words, state words 4-11; nonce: 3 words, state words 13-15). Block counter + j uses counter
/// (counter + j) mod 2^32 (the block function of RFC 8439 §2.3 on a 32-bit counter; a stream that must not
/// wrap checks that itself). The last block may be partial: only its first words are written.
/// The AVX2 and AVX512_VNNI paths need the CPU features
/// of that path (the caller checks, as for the int8 kernels).
void intrs_chacha20_stream(intrs_kernel_path path, const uint32_t key[8], const uint32_t nonce[3], uint32_t counter, size_t words,
                           uint32_t *out);

/// The first `words` keystream words (from block `counter`) of each of `streams` streams with one key:
/// stream s has nonce nonces[3s .. 3s+2] and its words go to out[s * words .. (s + 1) * words). The blocks
/// of several streams are computed side by side (8 or 16 streams per vector), so this is the fast way to
/// draw many short streams (one noisy input of a small model needs a few blocks).
void intrs_chacha20_streams(intrs_kernel_path path, const uint32_t key[8], const uint32_t *nonces, size_t streams, uint32_t counter,
                            size_t words, uint32_t *out);

/// The table sampler's common case over prefetched words (Vectors/stream-spec.md §7; Swift: FastTableSampler):
/// for i < count, with w = words[i], k = the smallest index >= guide[w >> guide_shift] (index 0 when
/// guide_shift >= 32) with hi[k] >= w; if hi[k] > w then out[i] = min_value + k; if hi[k] == w (a tie with a
/// threshold's top word: the specification then reads more words) it stops and returns i. Returns count when
/// no word tied. `hi` has `hi_count` entries, the last UINT32_MAX (so the scan stops inside the table).
size_t intrs_table_sample_words(const uint32_t *words, size_t count, const uint32_t *hi, size_t hi_count,
                                const uint32_t *guide, uint32_t guide_shift, int32_t min_value, int32_t *out);

/// The table sampler on one stream's keystream: the result of intrs_chacha20_stream(path, key, nonce, counter,
/// count, words) followed by intrs_table_sample_words(words, count, hi, hi_count, guide, guide_shift, min_value,
/// out), without the words buffer: same samples in out[0 .. r), same return value r (count, or the index of the
/// first word that ties with a threshold's top word). On the AVX2 and AVX512_VNNI paths the ChaCha20 rounds of one
/// 8- or 16-block batch run interleaved with the lookups of the previous batch's words (chacha20_avx2.c); the
/// portable path computes one block at a time into a stack buffer and runs the plain loop on it.
size_t intrs_table_fill(intrs_kernel_path path, const uint32_t key[8], const uint32_t nonce[3], uint32_t counter, size_t count,
                        const uint32_t *hi, size_t hi_count, const uint32_t *guide, uint32_t guide_shift, int32_t min_value,
                        int32_t *out);

#ifdef __cplusplus
}
#endif
#endif
