// Entry points of CIntRSKernels: each dispatches on the kernel path the caller chose (IntRSRuntime picks it
// once at start-up: `Int8KernelPath.selected`). The AVX2 path exists only on x86; elsewhere every path
// runs the portable code.
#include "CIntRSKernels.h"
#include "kernels_internal.h"

INTRS_DECLARE_PATH(portable)
#if defined(__x86_64__) || defined(__i386__)
#define INTRS_HAVE_AVX2_PATH 1
INTRS_DECLARE_PATH(avx2)
// The AVX-512 VNNI path has its own conv2d, fullyConnected, rescale and weight layout (vnni.c); the rest
// of its functions are the AVX2 ones.
void intrs_k_conv2d_vnni(const intrs_conv_shape *s, const int8_t *in, ptrdiff_t in_stride, int items,
                         const int32_t *packed, const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride,
                         int16_t *scratch);
void intrs_k_fully_connected_vnni(int in_count, int out_count, int32_t zero_in, const int8_t *in, ptrdiff_t in_stride,
                                  int items, const int32_t *packed, const intrs_requant *rq, int8_t *out,
                                  ptrdiff_t out_stride, int16_t *scratch);
void intrs_k_rescale_vnni(const int32_t *x, const int32_t *m, const int32_t *shift, int count, int dr, int32_t *out);
size_t intrs_k_conv2d_scratch_vnni(const intrs_conv_shape *s);
void intrs_k_pool_vnni(const intrs_pool_shape *s, int is_max, const int8_t *in, int8_t *out, int32_t *sum);
// vnni_stages.c: the input stage and the max pool of a chunk of items on this path.
void intrs_k_quantize_input_vnni(const int32_t *grid, long count, int32_t zero, int32_t grid_multiplier, int8_t *out);
void intrs_k_max_pool_items_vnni(const intrs_pool_shape *s, const int8_t *in, ptrdiff_t in_stride, int items,
                                 int8_t *out, ptrdiff_t out_stride);
void intrs_k_conv2d_weight_runs_vnni(const intrs_conv_shape *s, int *runs, int *run_length);
size_t intrs_k_packed_words_vnni(int n, int taps, int c);
void intrs_k_pack_vnni(const int8_t *w, int n, int taps, int c, int32_t *packed);
uint64_t intrs_k_vpmaddwd_burst_avx2(uint64_t iterations);
uint64_t intrs_k_vfmadd231ps_burst_avx2(uint64_t iterations);
uint64_t intrs_k_vfmadd231ps512_burst_avx2(uint64_t iterations);
uint64_t intrs_k_vpdpbusd_burst_vnni(uint64_t iterations);
uint64_t intrs_k_vpdpbusd512_burst_vnni(uint64_t iterations);
/// PICK3 runs the path's own code; PICK runs the AVX2 code for the VNNI path too (functions whose VNNI
/// version would be identical, or that only exist in the pair layout).
#define PICK3(path, call_vnni, call_avx2, call_portable)                                                         \
    do {                                                                                                         \
        if ((path) == INTRS_KERNEL_AVX512_VNNI) {                                                                \
            call_vnni;                                                                                           \
        } else if ((path) == INTRS_KERNEL_AVX2) {                                                                \
            call_avx2;                                                                                           \
        } else {                                                                                                 \
            call_portable;                                                                                       \
        }                                                                                                        \
    } while (0)
#define PICK(path, call_avx2, call_portable) PICK3(path, call_avx2, call_avx2, call_portable)
#else
#define INTRS_HAVE_AVX2_PATH 0
#define PICK3(path, call_vnni, call_avx2, call_portable) \
    do {                                                 \
        (void)(path);                                    \
        call_portable;                                   \
    } while (0)
#define PICK(path, call_avx2, call_portable) PICK3(path, call_avx2, call_avx2, call_portable)
#endif

int intrs_cpu_has_avx2(void) {
#if INTRS_HAVE_AVX2_PATH
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int intrs_cpu_has_avx512vnni(void) {
#if INTRS_HAVE_AVX2_PATH
    __builtin_cpu_init();
    return intrs_cpu_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

size_t intrs_packed_conv_words(intrs_kernel_path path, int n, int taps, int c) {
#if INTRS_HAVE_AVX2_PATH
    if (path == INTRS_KERNEL_AVX512_VNNI) return intrs_k_packed_words_vnni(n, taps, c);
#endif
    return intrs_packed_words(n, taps * c);
}

void intrs_conv2d_weight_runs(intrs_kernel_path path, const intrs_conv_shape *s, int *runs, int *run_length) {
#if INTRS_HAVE_AVX2_PATH
    if (path == INTRS_KERNEL_AVX512_VNNI) {
        intrs_k_conv2d_weight_runs_vnni(s, runs, run_length);
        return;
    }
#endif
    *runs = s->kernel_h * s->kernel_w;
    *run_length = s->in_c;
}

void intrs_pack_conv_weights(intrs_kernel_path path, const int8_t *w, int n, int taps, int c, int32_t *packed) {
#if INTRS_HAVE_AVX2_PATH
    if (path == INTRS_KERNEL_AVX512_VNNI) {
        intrs_k_pack_vnni(w, n, taps, c, packed);
        return;
    }
#endif
    intrs_pack_weights(w, n, taps * c, packed);
}

size_t intrs_packed_words(int n, int k) { return (size_t)((k + 1) / 2) * (size_t)((n + 7) & ~7); }

void intrs_pack_weights(const int8_t *w, int n, int k, int32_t *packed) {
    const int k_pairs = (k + 1) / 2;
    const int n_pad = (n + 7) & ~7;
    for (int c0 = 0; c0 < n_pad;) {
        const int width = n_pad - c0 >= 16 ? 16 : 8;
        int32_t *panel = packed + (size_t)k_pairs * (size_t)c0;
        for (int p = 0; p < k_pairs; p++) {
            for (int j = 0; j < width; j++) {
                const int c = c0 + j;
                int32_t lo = 0, hi = 0;
                if (c < n) {
                    lo = w[(size_t)c * (size_t)k + 2 * (size_t)p];
                    hi = 2 * p + 1 < k ? w[(size_t)c * (size_t)k + 2 * (size_t)p + 1] : 0;
                }
                panel[(size_t)p * (size_t)width + (size_t)j] = (int32_t)(((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16));
            }
        }
        c0 += width;
    }
}

void intrs_requantize(intrs_kernel_path path, const int32_t *acc, int count, const intrs_requant *rq, int c0,
                      int8_t *out) {
    PICK(path, intrs_k_requantize_avx2(acc, count, rq, c0, out), intrs_k_requantize_portable(acc, count, rq, c0, out));
}

void intrs_rescale(intrs_kernel_path path, const int32_t *x, const int32_t *m, const int32_t *shift, int count,
                   int double_rounding, int32_t *out) {
    PICK3(path, intrs_k_rescale_vnni(x, m, shift, count, double_rounding, out),
          intrs_k_rescale_avx2(x, m, shift, count, double_rounding, out),
          intrs_k_rescale_portable(x, m, shift, count, double_rounding, out));
}

size_t intrs_conv2d_scratch(const intrs_conv_shape *s) {
    const int k = s->kernel_h * s->kernel_w * s->in_c;
    const size_t pairs = (size_t)INTRS_GEMM_MB * (size_t)(2 * ((k + 1) / 2));
#if INTRS_HAVE_AVX2_PATH
    const size_t vnni = (intrs_k_conv2d_scratch_vnni(s) + 1) / 2;  // bytes -> int16 elements
    return pairs > vnni ? pairs : vnni;
#else
    return pairs;
#endif
}

void intrs_conv2d(intrs_kernel_path path, const intrs_conv_shape *s, const int8_t *in, ptrdiff_t in_stride, int items,
                  const int32_t *packed, const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride, int16_t *scratch) {
    PICK3(path, intrs_k_conv2d_vnni(s, in, in_stride, items, packed, rq, out, out_stride, scratch),
         intrs_k_conv2d_avx2(s, in, in_stride, items, packed, rq, out, out_stride, scratch),
         intrs_k_conv2d_portable(s, in, in_stride, items, packed, rq, out, out_stride, scratch));
}

size_t intrs_fully_connected_scratch(int in_count, int items) {
    (void)items;
    return (size_t)INTRS_GEMM_MB * (size_t)(2 * ((in_count + 1) / 2));
}

void intrs_fully_connected(intrs_kernel_path path, int in_count, int out_count, int32_t zero_in, const int8_t *in,
                           ptrdiff_t in_stride, int items, const int32_t *packed, const intrs_requant *rq, int8_t *out,
                           ptrdiff_t out_stride, int16_t *scratch) {
    PICK3(path,
         intrs_k_fully_connected_vnni(in_count, out_count, zero_in, in, in_stride, items, packed, rq, out, out_stride,
                                      scratch),
         intrs_k_fully_connected_avx2(in_count, out_count, zero_in, in, in_stride, items, packed, rq, out, out_stride,
                                      scratch),
         intrs_k_fully_connected_portable(in_count, out_count, zero_in, in, in_stride, items, packed, rq, out,
                                          out_stride, scratch));
}

void intrs_gemm_s16(intrs_kernel_path path, const int16_t *a, ptrdiff_t lda, int m, const int32_t *packed, int k, int n,
                    int32_t *acc) {
    PICK(path, intrs_k_gemm_s16_avx2(a, lda, m, packed, k, n, acc), intrs_k_gemm_s16_portable(a, lda, m, packed, k, n, acc));
}

void intrs_depthwise(intrs_kernel_path path, const intrs_conv_shape *s, int depth_multiplier, const int32_t *w,
                     const int8_t *in, int8_t *out, const intrs_requant *rq, int32_t *acc) {
    PICK(path, intrs_k_depthwise_avx2(s, depth_multiplier, w, in, out, rq, acc),
         intrs_k_depthwise_portable(s, depth_multiplier, w, in, out, rq, acc));
}

void intrs_pool(intrs_kernel_path path, const intrs_pool_shape *s, int is_max, const int8_t *in, int8_t *out,
                int32_t *sum) {
    intrs_pool_items(path, s, is_max, in, 0, 1, out, 0, sum);
}

void intrs_k_max_pool_items_portable(const intrs_pool_shape *s, const int8_t *in, ptrdiff_t in_stride, int items,
                                     int8_t *out, ptrdiff_t out_stride);
#if INTRS_HAVE_AVX2_PATH
void intrs_k_max_pool_items_avx2(const intrs_pool_shape *s, const int8_t *in, ptrdiff_t in_stride, int items,
                                 int8_t *out, ptrdiff_t out_stride);
#endif

void intrs_pool_items(intrs_kernel_path path, const intrs_pool_shape *s, int is_max, const int8_t *in,
                      ptrdiff_t in_stride, int items, int8_t *out, ptrdiff_t out_stride, int32_t *sum) {
#if INTRS_HAVE_AVX2_PATH
    if (path == INTRS_KERNEL_AVX512_VNNI) {  // max pool: vnni_stages.c (vnni.c's per item where it does not apply);
                                             // average pool: the AVX2 template
        if (is_max) {
            intrs_k_max_pool_items_vnni(s, in, in_stride, items, out, out_stride);
            return;
        }
        for (int b = 0; b < items; b++) intrs_k_pool_vnni(s, is_max, in + (ptrdiff_t)b * in_stride, out + (ptrdiff_t)b * out_stride, sum);
        return;
    }
#endif
    if (is_max) {  // max_pool.c (vectorised over channels for any channel count) on the portable and AVX2 paths
#if INTRS_HAVE_AVX2_PATH
        if (path != INTRS_KERNEL_PORTABLE) {
            intrs_k_max_pool_items_avx2(s, in, in_stride, items, out, out_stride);
            return;
        }
#endif
        (void)path;
        intrs_k_max_pool_items_portable(s, in, in_stride, items, out, out_stride);
        return;
    }
#if INTRS_HAVE_AVX2_PATH
    if (path != INTRS_KERNEL_PORTABLE) {
        for (int b = 0; b < items; b++) intrs_k_pool_avx2(s, is_max, in + (ptrdiff_t)b * in_stride, out + (ptrdiff_t)b * out_stride, sum);
        return;
    }
#endif
    for (int b = 0; b < items; b++)
        intrs_k_pool_portable(s, is_max, in + (ptrdiff_t)b * in_stride, out + (ptrdiff_t)b * out_stride, sum);
}

void intrs_depthwise_items(intrs_kernel_path path, const intrs_conv_shape *s, int depth_multiplier, const int32_t *w,
                           const int8_t *in, ptrdiff_t in_stride, int items, int8_t *out, ptrdiff_t out_stride,
                           const intrs_requant *rq, int32_t *acc) {
#if INTRS_HAVE_AVX2_PATH
    if (path != INTRS_KERNEL_PORTABLE) {
        for (int b = 0; b < items; b++)
            intrs_k_depthwise_avx2(s, depth_multiplier, w, in + (ptrdiff_t)b * in_stride, out + (ptrdiff_t)b * out_stride, rq, acc);
        return;
    }
#endif
    for (int b = 0; b < items; b++)
        intrs_k_depthwise_portable(s, depth_multiplier, w, in + (ptrdiff_t)b * in_stride, out + (ptrdiff_t)b * out_stride, rq, acc);
}

void intrs_add(intrs_kernel_path path, const intrs_add_params *p, const int8_t *a, const int8_t *b, int8_t *out,
               long count) {
    PICK(path, intrs_k_add_avx2(p, a, b, out, count), intrs_k_add_portable(p, a, b, out, count));
}

void intrs_quantize_input(intrs_kernel_path path, const int32_t *grid, long count, int32_t zero,
                          int32_t grid_multiplier, int8_t *out) {
    PICK3(path, intrs_k_quantize_input_vnni(grid, count, zero, grid_multiplier, out),
          intrs_k_quantize_input_avx2(grid, count, zero, grid_multiplier, out),
          intrs_k_quantize_input_portable(grid, count, zero, grid_multiplier, out));
}

uint64_t intrs_dependent_add_chain(uint64_t iterations) {
#if defined(__x86_64__)
    uint64_t x = 0;
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
    }
    return x;
#else
    (void)iterations;
    return 0;
#endif
}

/// The public burst of an instruction: its kernel when the CPU has it (CHECK), else 0 instructions run.
#if INTRS_HAVE_AVX2_PATH
#define INTRS_BURST_DISPATCH(NAME, CHECK, KERNEL) \
    uint64_t NAME(uint64_t iterations) { return CHECK() ? KERNEL(iterations) : 0; }
#else
#define INTRS_BURST_DISPATCH(NAME, CHECK, KERNEL) \
    uint64_t NAME(uint64_t iterations) { (void)iterations; return 0; }
#endif

INTRS_BURST_DISPATCH(intrs_vpmaddwd_burst, intrs_cpu_has_avx2, intrs_k_vpmaddwd_burst_avx2)
INTRS_BURST_DISPATCH(intrs_vfmadd231ps_burst, intrs_cpu_has_avx2, intrs_k_vfmadd231ps_burst_avx2)
INTRS_BURST_DISPATCH(intrs_vfmadd231ps512_burst, intrs_f32_cpu_has_avx512, intrs_k_vfmadd231ps512_burst_avx2)
INTRS_BURST_DISPATCH(intrs_vpdpbusd_burst, intrs_cpu_has_avx512vnni, intrs_k_vpdpbusd_burst_vnni)
INTRS_BURST_DISPATCH(intrs_vpdpbusd512_burst, intrs_cpu_has_avx512vnni, intrs_k_vpdpbusd512_burst_vnni)
