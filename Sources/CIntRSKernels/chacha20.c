// ChaCha20 keystream words (include/intrs_noise.h): the portable core (RFC 8439 §2.3, one block at a time)
// and the three drivers (two for words, one for the table sampler's samples), which cut the requested blocks into calls of the path's core (width 1, 8 or 16 blocks)
// and copy each block's words (partial at the end of a request) to their place.
#include <string.h>
#include "CIntRSKernels.h"
#include "chacha20_internal.h"
#include "intrs_noise.h"

static inline uint32_t rotl32(uint32_t v, int r) { return (v << r) | (v >> (32 - r)); }

#define QR(a, b, c, d)                \
    a += b; d ^= a; d = rotl32(d, 16); \
    c += d; b ^= c; b = rotl32(b, 12); \
    a += b; d ^= a; d = rotl32(d, 8);  \
    c += d; b ^= c; b = rotl32(b, 7);

void intrs_chacha20_core_portable(const uint32_t key[8], const intrs_chacha_lanes *in, uint32_t *out) {
    uint32_t s[16] = {0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u,
                      key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
                      in->counter[0], in->nonce0[0], in->nonce1[0], in->nonce2[0]};
    uint32_t x0 = s[0], x1 = s[1], x2 = s[2], x3 = s[3], x4 = s[4], x5 = s[5], x6 = s[6], x7 = s[7];
    uint32_t x8 = s[8], x9 = s[9], x10 = s[10], x11 = s[11], x12 = s[12], x13 = s[13], x14 = s[14], x15 = s[15];
    for (int i = 0; i < 10; i++) {
        QR(x0, x4, x8, x12) QR(x1, x5, x9, x13) QR(x2, x6, x10, x14) QR(x3, x7, x11, x15)
        QR(x0, x5, x10, x15) QR(x1, x6, x11, x12) QR(x2, x7, x8, x13) QR(x3, x4, x9, x14)
    }
    out[0] = x0 + s[0]; out[1] = x1 + s[1]; out[2] = x2 + s[2]; out[3] = x3 + s[3];
    out[4] = x4 + s[4]; out[5] = x5 + s[5]; out[6] = x6 + s[6]; out[7] = x7 + s[7];
    out[8] = x8 + s[8]; out[9] = x9 + s[9]; out[10] = x10 + s[10]; out[11] = x11 + s[11];
    out[12] = x12 + s[12]; out[13] = x13 + s[13]; out[14] = x14 + s[14]; out[15] = x15 + s[15];
}

/// The core and its width for a kernel path. AVX512_VNNI implies AVX-512F (intrs_cpu_has_avx512vnni checks
/// avx512f), so that path runs the 16-block core.
static void pick(intrs_kernel_path path, intrs_chacha_core *core, int *width) {
#if defined(__x86_64__) || defined(__i386__)
    if (path == INTRS_KERNEL_AVX512_VNNI) {
        *core = intrs_chacha20_core_avx512;
        *width = 16;
        return;
    }
    if (path == INTRS_KERNEL_AVX2) {
        *core = intrs_chacha20_core_avx2;
        *width = 8;
        return;
    }
#else
    (void)path;
#endif
    *core = intrs_chacha20_core_portable;
    *width = 1;
}

void intrs_chacha20_stream(intrs_kernel_path path, const uint32_t key[8], const uint32_t nonce[3], uint32_t counter, size_t words,
                           uint32_t *out) {
    intrs_chacha_core core;
    int width;
    pick(path, &core, &width);
    intrs_chacha_lanes lanes;
    for (int l = 0; l < 16; l++) {
        lanes.nonce0[l] = nonce[0];
        lanes.nonce1[l] = nonce[1];
        lanes.nonce2[l] = nonce[2];
    }
    uint32_t tmp[16 * 16];
    size_t done = 0;
    uint32_t c = counter;
    while (done < words) {
        for (int l = 0; l < width; l++) lanes.counter[l] = c + (uint32_t)l;  // wraps mod 2^32
        const size_t chunk = (size_t)width * 16;
        if (words - done >= chunk) {
            core(key, &lanes, out + done);
            done += chunk;
        } else {
            core(key, &lanes, tmp);
            memcpy(out + done, tmp, (words - done) * sizeof(uint32_t));
            done = words;
        }
        c += (uint32_t)width;
    }
}

void intrs_chacha20_streams(intrs_kernel_path path, const uint32_t key[8], const uint32_t *nonces, size_t streams, uint32_t counter,
                            size_t words, uint32_t *out) {
    if (streams == 0 || words == 0) return;
    intrs_chacha_core core;
    int width;
    pick(path, &core, &width);
    const size_t per = (words + 15) / 16;  // blocks per stream
    const size_t total = streams * per;
    intrs_chacha_lanes lanes;
    uint32_t tmp[16 * 16];
    // Job j is block b = j mod per of stream s = j / per.
    for (size_t j0 = 0; j0 < total; j0 += (size_t)width) {
        const int n = total - j0 < (size_t)width ? (int)(total - j0) : width;
        for (int l = 0; l < width; l++) {
            const size_t j = j0 + (size_t)(l < n ? l : 0);  // idle lanes repeat job j0 (computed, not stored)
            const size_t s = j / per, b = j % per;
            lanes.counter[l] = counter + (uint32_t)b;
            lanes.nonce0[l] = nonces[3 * s];
            lanes.nonce1[l] = nonces[3 * s + 1];
            lanes.nonce2[l] = nonces[3 * s + 2];
        }
        core(key, &lanes, tmp);
        for (int l = 0; l < n; l++) {
            const size_t j = j0 + (size_t)l;
            const size_t s = j / per, b = j % per;
            const size_t at = 16 * b, left = words - at;
            memcpy(out + s * words + at, tmp + 16 * l, (left < 16 ? left : 16) * sizeof(uint32_t));
        }
    }
}

size_t intrs_table_fill(intrs_kernel_path path, const uint32_t key[8], const uint32_t nonce[3], uint32_t counter, size_t count,
                        const uint32_t *hi, size_t hi_count, const uint32_t *guide, uint32_t guide_shift, int32_t min_value,
                        int32_t *out) {
#if defined(__x86_64__) || defined(__i386__)
    if (path == INTRS_KERNEL_AVX2)
        return intrs_table_fill_avx2(key, nonce, counter, count, hi, hi_count, guide, guide_shift, min_value, out);
    if (path == INTRS_KERNEL_AVX512_VNNI)
        return intrs_table_fill_avx512(key, nonce, counter, count, hi, hi_count, guide, guide_shift, min_value, out);
#endif
    intrs_chacha_core core;
    int width;
    pick(path, &core, &width);
    intrs_chacha_lanes lanes;
    for (int l = 0; l < 16; l++) {
        lanes.nonce0[l] = nonce[0];
        lanes.nonce1[l] = nonce[1];
        lanes.nonce2[l] = nonce[2];
    }
    uint32_t words[16 * 16];
    const size_t chunk = (size_t)width * 16;
    uint32_t c = counter;
    for (size_t done = 0; done < count; done += chunk, c += (uint32_t)width) {
        for (int l = 0; l < width; l++) lanes.counter[l] = c + (uint32_t)l;  // wraps mod 2^32
        core(key, &lanes, words);
        const size_t n = count - done < chunk ? count - done : chunk;
        const size_t r = intrs_table_sample_words(words, n, hi, hi_count, guide, guide_shift, min_value, out + done);
        if (r < n) return done + r;
    }
    return count;
}
