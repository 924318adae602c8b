// The AVX-512 VNNI kernel path (x86-64 with AVX512F/BW/VL and AVX512_VNNI, e.g. AMD Zen 4, Intel Ice Lake
// and later): conv2d and fullyConnected multiply with vpdpbusd on 256-bit registers, 4 products u8 x s8 per
// int32 lane per instruction (64 multiply-adds per instruction, 4x vpmaddwd's 16), accumulating in int32.
// Every function carries the target attribute below, so the package builds and runs without these
// features; dispatch.c calls this file only when the CPU has them (or INTRS_KERNEL=avx512vnni forced it).
//
// Exactness (Proofs/KERN-1.md, "AVX-512 VNNI path"): activations enter as u = x + 128 in [0, 255] (taps
// outside the image as Z_in + 128, i.e. the value Z_in); weights are the model's s8 values. vpdpbusd forms
// each u8 x s8 product exactly (|u w| <= 255 * 128) and adds the four to the lane with wrapping int32
// addition (the non-saturating form), so the accumulator is sum(w u) modulo 2^32. The caller's bias
// already holds bias - (Z_in + 128) * sum(w) (wrapping), so bias + accumulator = sum w (x - Z_in) + bias
// modulo 2^32, which is the true value because the validator bounds it inside int32.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>
#include "CIntRSKernels.h"
#include "kernels_internal.h"

#define KATTR __attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni")))
#define KSUF(name) intrs_k_##name##_vnni

#define KELEM uint8_t
#define KGROUP 4
#define KIN(x, z) ((uint8_t)((int)(x) + 128))
#define KOUT(z) ((uint8_t)((int)(z) + 128))

static inline KATTR int32_t ld32u8(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/// 4 x 16 (or 4 x 8) micro-kernel over K quads: per quad two (one) weight loads, four broadcasts of 4
/// activation bytes, eight (four) vpdpbusd.
static inline KATTR void intrs_k_ukernel_vnni(const uint8_t *const a[INTRS_GEMM_MR], const int32_t *w, int k_quads,
                                              int width, int32_t *tile) {
    const uint8_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3];
    if (width == 16) {
        __m256i c00 = _mm256_setzero_si256(), c01 = _mm256_setzero_si256();
        __m256i c10 = _mm256_setzero_si256(), c11 = _mm256_setzero_si256();
        __m256i c20 = _mm256_setzero_si256(), c21 = _mm256_setzero_si256();
        __m256i c30 = _mm256_setzero_si256(), c31 = _mm256_setzero_si256();
        for (int q = 0; q < k_quads; q++) {
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
            const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 8));
            w += 16;
            __m256i x = _mm256_set1_epi32(ld32u8(a0 + 4 * q));
            c00 = _mm256_dpbusd_epi32(c00, x, w0);
            c01 = _mm256_dpbusd_epi32(c01, x, w1);
            x = _mm256_set1_epi32(ld32u8(a1 + 4 * q));
            c10 = _mm256_dpbusd_epi32(c10, x, w0);
            c11 = _mm256_dpbusd_epi32(c11, x, w1);
            x = _mm256_set1_epi32(ld32u8(a2 + 4 * q));
            c20 = _mm256_dpbusd_epi32(c20, x, w0);
            c21 = _mm256_dpbusd_epi32(c21, x, w1);
            x = _mm256_set1_epi32(ld32u8(a3 + 4 * q));
            c30 = _mm256_dpbusd_epi32(c30, x, w0);
            c31 = _mm256_dpbusd_epi32(c31, x, w1);
        }
        _mm256_storeu_si256((__m256i *)(tile + 0), c00);
        _mm256_storeu_si256((__m256i *)(tile + 8), c01);
        _mm256_storeu_si256((__m256i *)(tile + 16), c10);
        _mm256_storeu_si256((__m256i *)(tile + 24), c11);
        _mm256_storeu_si256((__m256i *)(tile + 32), c20);
        _mm256_storeu_si256((__m256i *)(tile + 40), c21);
        _mm256_storeu_si256((__m256i *)(tile + 48), c30);
        _mm256_storeu_si256((__m256i *)(tile + 56), c31);
    } else {
        __m256i c0 = _mm256_setzero_si256(), c1 = _mm256_setzero_si256();
        __m256i c2 = _mm256_setzero_si256(), c3 = _mm256_setzero_si256();
        for (int q = 0; q < k_quads; q++) {
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
            w += 8;
            c0 = _mm256_dpbusd_epi32(c0, _mm256_set1_epi32(ld32u8(a0 + 4 * q)), w0);
            c1 = _mm256_dpbusd_epi32(c1, _mm256_set1_epi32(ld32u8(a1 + 4 * q)), w0);
            c2 = _mm256_dpbusd_epi32(c2, _mm256_set1_epi32(ld32u8(a2 + 4 * q)), w0);
            c3 = _mm256_dpbusd_epi32(c3, _mm256_set1_epi32(ld32u8(a3 + 4 * q)), w0);
        }
        _mm256_storeu_si256((__m256i *)(tile + 0), c0);
        _mm256_storeu_si256((__m256i *)(tile + 16), c1);
        _mm256_storeu_si256((__m256i *)(tile + 32), c2);
        _mm256_storeu_si256((__m256i *)(tile + 48), c3);
    }
}

#include "avx2_requant.h"

#include "kernels_template.h"

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
#endif
