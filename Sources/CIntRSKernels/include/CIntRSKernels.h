// CIntRSKernels: the hot loops of the fast int8 evaluator (IntRSRuntime), in C so that the AVX2 path can
// use intrinsics in functions compiled with per-function target attributes, while the package builds
// with plain `swift build -c release` for any x86-64 or arm64 CPU.
//
// Every function takes the kernel path explicitly (portable C or AVX2). The caller (IntRSRuntime's
// `Int8KernelPath`) chooses it once at start-up from a CPU feature check, overridable with the
// environment variable INTRS_KERNEL. Every path computes the same integers bit for bit:
// accumulators are exact int32 sums of int16 x int16 products (wrapping int32 addition, exact because
// `Int8Model.validated` bounds every partial sum; Proofs/KERN-1.md) and requantisation is the fixed-width
// rescale of Proofs/int8-rescale.md evaluated lane by lane.
//
// No function here allocates; scratch buffers are passed in (sizes from the *_scratch functions).
#ifndef CINTRS_KERNELS_H
#define CINTRS_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Kernel paths. PORTABLE is plain C (any CPU); AVX2 needs x86-64 with AVX2 and FMA; AVX512_VNNI needs
/// AVX2, FMA, AVX512F/BW/VL and AVX512_VNNI (it uses vpdpbusd on 512-bit registers and a different weight
/// layout: `intrs_pack_conv_weights`).
typedef enum {
    INTRS_KERNEL_PORTABLE = 0,
    INTRS_KERNEL_AVX2 = 1,
    INTRS_KERNEL_AVX512_VNNI = 2,
} intrs_kernel_path;

/// 1 if this CPU can run the AVX2 path (x86-64 with AVX2 and FMA, checked with __builtin_cpu_supports),
/// else 0 (always 0 on other architectures).
int intrs_cpu_has_avx2(void);
/// 1 if this CPU can run the AVX512_VNNI path, else 0.
int intrs_cpu_has_avx512vnni(void);

/// Micro-kernel tile: MR rows (output pixels or batch items) by up to NR = 16 output channels.
enum { INTRS_GEMM_MR = 4, INTRS_GEMM_NR = 16, INTRS_GEMM_MB = 32 };

/// Packed weights of a GEMM with N output channels and K inputs per channel: kPairs = ceil(K / 2) int16
/// pairs; channels padded to nPad = ceil(N / 8) * 8 and cut into panels of 16 channels (the last one 8
/// when nPad is not a multiple of 16). The panel starting at channel c0 of width w occupies the words
/// [kPairs * c0, kPairs * (c0 + w)) laid out as [kPair][w]; word = uint16(w[c][2p]) | w[c][2p+1] << 16
/// (0 beyond K and beyond N). Returns the number of int32 words (kPairs * nPad).
size_t intrs_packed_words(int n, int k);
/// Packs `w` ([N][K] int8, row-major: OHWI filters flattened, or fully connected [O][I]).
void intrs_pack_weights(const int8_t *w, int n, int k, int32_t *packed);

/// The weight layout of a path for a GEMM whose K = taps * c is `taps` runs of `c` inputs (conv2d: kh * kw
/// taps of in_c channels, OHWI order; fullyConnected: taps = 1, c = I). PORTABLE and AVX2: the pair layout
/// above (intrs_pack_weights with K = taps * c). AVX512_VNNI: each tap's channels padded with zero weights to
/// c4 = roundup(c, 4), K' = taps * c4 cut into kQuads = K' / 4 quads; output channels padded to
/// n16 = roundup(N, 16) and cut into panels of 32 channels (the last one 16 when n16 is not a multiple of
/// 32); the panel starting at channel c0 of width w occupies the words [kQuads * c0, kQuads * (c0 + w)) laid
/// out [quad][w], word = the 4 bytes of the quad (little-endian, 0 beyond c and N). The VNNI path reads
/// activations as u = x + 128, so the caller must pass bias[c] - (Z_in + 128) * sum_k w[c][k] (wrapping
/// int32) as the requantisation bias of that path.
/// Convolution geometry (NHWC, OHWI filter, TFLite padding already resolved).
typedef struct {
    int in_h, in_w, in_c;
    int out_h, out_w, out_c;
    int kernel_h, kernel_w;
    int stride_h, stride_w;
    int dilation_h, dilation_w;
    int pad_top, pad_left;
    int32_t zero_in;
} intrs_conv_shape;

/// How a conv2d's K (kh * kw * in_c, OHWI order) is cut into runs for `intrs_pack_conv_weights` on `path`:
/// the pair layout does not care (kh * kw runs of in_c); AVX512_VNNI packs one run per kernel row
/// (kh runs of kw * in_c inputs) when dilation_w = 1, so that a 3x3 kernel on 1 channel is 3 quads per
/// output pixel instead of 9, else one run per tap (kh * kw runs of in_c). Pack conv2d weights with these.
void intrs_conv2d_weight_runs(intrs_kernel_path path, const intrs_conv_shape *s, int *runs, int *run_length);
size_t intrs_packed_conv_words(intrs_kernel_path path, int n, int taps, int c);
void intrs_pack_conv_weights(intrs_kernel_path path, const int8_t *w, int n, int taps, int c, int32_t *packed);

/// Requantisation of one layer: out[c] = clamp(Z_out + clamp(rescale_c(acc[c] + bias[c]), -512, 512)),
/// clamp to [act_min, act_max]. rescale_c is the model's rounding variant with (multiplier[c], shift[c]):
/// double = RoundingDivideByPOT(SRDHM(v << left, M0), right) with left = max(shift, 0),
/// right = max(-shift, 0); single = (v * M0 + 2^(30 - shift)) >> (31 - shift) in 64 bits.
/// All per-channel arrays have nPad entries (padding channels: bias 0, M0 2^30, shift 0).
typedef struct {
    const int32_t *bias;
    const int32_t *multiplier;
    const int32_t *shift;
    const int32_t *left;
    const int32_t *right;
    int32_t zero_out;
    int32_t act_min;
    int32_t act_max;
    int32_t double_rounding;  // 1: double rounding (gemmlowp), 0: single rounding
} intrs_requant;

/// Rescale + requantise `count` accumulators of channels [c0, c0 + count) (bias added here) into int8.
/// Equals FastInt8Kernels.requantize (Swift) element by element.
void intrs_requantize(intrs_kernel_path path, const int32_t *acc, int count, const intrs_requant *rq, int c0,
                      int8_t *out);

/// The bare rescale lane by lane (no bias, no clamp), for tests: out[i] = rescale(x[i]; m[i], shift[i]) in the
/// given rounding variant, for i < count; count a multiple of 8. Equals FastInt8Rescale.double / .single.
void intrs_rescale(intrs_kernel_path path, const int32_t *x, const int32_t *m, const int32_t *shift, int count,
                   int double_rounding, int32_t *out);


/// int16 scratch elements `intrs_conv2d` needs on any path (patches of INTRS_GEMM_MB output pixels; for the
/// VNNI path the padded input images of a group of items: as many as make 64 output pixels, at most 256 KiB).
size_t intrs_conv2d_scratch(const intrs_conv_shape *s);

/// Conv2D (not depthwise) of `items` inputs (each `in_stride` bytes apart) into `items` outputs (each
/// `out_stride` bytes apart) as a packed GEMM: M = items * out_h * out_w output pixels (patches built
/// implicitly block by block: taps outside the image give 0 = Z_in - Z_in), K = kh * kw * in_c,
/// N = out_c. Equals ReferenceInt8Ops.conv.
void intrs_conv2d(intrs_kernel_path path, const intrs_conv_shape *s, const int8_t *in, ptrdiff_t in_stride,
                  int items, const int32_t *packed, const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride,
                  int16_t *scratch);

/// int16 scratch elements `intrs_fully_connected` needs.
size_t intrs_fully_connected_scratch(int in_count, int items);

/// FullyConnected of `items` inputs: M = items, K = in_count, N = out_count. Equals
/// ReferenceInt8Ops.fullyConnected.
void intrs_fully_connected(intrs_kernel_path path, int in_count, int out_count, int32_t zero_in,
                           const int8_t *in, ptrdiff_t in_stride, int items, const int32_t *packed,
                           const intrs_requant *rq, int8_t *out, ptrdiff_t out_stride, int16_t *scratch);

/// Raw GEMM for tests (pair layout; the AVX512_VNNI path runs the AVX2 code here): acc[m][c] = sum_k A[m][k] * w[c][k] (A rows of 2 * kPairs int16, lda apart; acc
/// rows of nPad int32). Exact when every partial sum fits int32.
void intrs_gemm_s16(intrs_kernel_path path, const int16_t *a, ptrdiff_t lda, int m, const int32_t *packed, int k,
                    int n, int32_t *acc);

/// DepthwiseConv2D of one input (filter [1, kh, kw, C * mult] as int32), equals ReferenceInt8Ops.conv for a
/// depthwise plan. `acc` has out_c int32 of scratch.
void intrs_depthwise(intrs_kernel_path path, const intrs_conv_shape *s, int depth_multiplier, const int32_t *w,
                     const int8_t *in, int8_t *out, const intrs_requant *rq, int32_t *acc);

/// `intrs_depthwise` on `items` inputs (`in_stride` bytes apart) into `items` outputs (`out_stride` apart).
void intrs_depthwise_items(intrs_kernel_path path, const intrs_conv_shape *s, int depth_multiplier, const int32_t *w,
                           const int8_t *in, ptrdiff_t in_stride, int items, int8_t *out, ptrdiff_t out_stride,
                           const intrs_requant *rq, int32_t *acc);

/// Pool geometry.
typedef struct {
    int in_h, in_w, channels;
    int out_h, out_w;
    int pool_h, pool_w;
    int stride_h, stride_w;
    int pad_top, pad_left;
    int32_t act_min, act_max;
} intrs_pool_shape;

/// Max pool (is_max = 1) or average pool (valid taps, rounded half away from zero) of one input, then the
/// clamp; equals ReferenceInt8Ops.pool. `sum` has channels int32 of scratch.
void intrs_pool(intrs_kernel_path path, const intrs_pool_shape *s, int is_max, const int8_t *in, int8_t *out,
                int32_t *sum);

/// `intrs_pool` on `items` inputs (`in_stride` bytes apart) into `items` outputs (`out_stride` apart): the
/// path is picked once, not per item.
void intrs_pool_items(intrs_kernel_path path, const intrs_pool_shape *s, int is_max, const int8_t *in,
                      ptrdiff_t in_stride, int items, int8_t *out, ptrdiff_t out_stride, int32_t *sum);

/// Elementwise ADD (same shapes; TFLite's integer add): out = requantise(rescale((a - Z_a) << left_shift;
/// M_a, s_a) + rescale((b - Z_b) << left_shift; M_b, s_b); M_out, s_out). Equals ReferenceInt8Ops.add.
typedef struct {
    int32_t zero_a, zero_b, left_shift;
    int32_t multiplier_a, shift_a, multiplier_b, shift_b, multiplier_out, shift_out;
    int32_t zero_out, act_min, act_max;
    int32_t double_rounding;
} intrs_add_params;
void intrs_add(intrs_kernel_path path, const intrs_add_params *p, const int8_t *a, const int8_t *b, int8_t *out,
               long count);

/// The input stage of `count` grid values: clamp(zero + grid_multiplier * grid[i], -128, 127) (exact).
void intrs_quantize_input(intrs_kernel_path path, const int32_t *grid, long count, int32_t zero,
                          int32_t grid_multiplier, int8_t *out);

/// Cycles of the current thread estimated by a chain of `iterations` dependent integer additions (one cycle
/// each on every x86-64 core we know); the caller divides by the thread's CPU time to get the clock.
/// Returns 0 on CPUs where the estimate is not implemented.
uint64_t intrs_dependent_add_chain(uint64_t iterations);

/// 1 when the avx512vnni path runs short-patch convolutions (conv1 of an image CNN) with 16 output pixels in
/// the lanes (vnni_lanes.c): the CPU has AVX512_VBMI and INTRS_VNNI_LANES is not "off" (read once per process).
/// 0 elsewhere, and then every convolution runs on vnni.c's tiles; both give the same bytes.
int intrs_vnni_lanes_enabled(void);

/// Runs `iterations` rounds of 8 independent vpmaddwd ymm instructions (AVX2 only; 0 otherwise). Timing it
/// against `intrs_dependent_add_chain` measures vpmaddwd throughput per cycle.
uint64_t intrs_vpmaddwd_burst(uint64_t iterations);

/// Runs `iterations` rounds of 8 independent vfmadd231ps ymm instructions (x86-64 with AVX2 and FMA; 0
/// otherwise): 8 float32 multiply-adds each, the float32 paths' limit.
uint64_t intrs_vfmadd231ps_burst(uint64_t iterations);
/// The same with zmm registers (16 float32 multiply-adds each; AVX-512F only, 0 otherwise).
uint64_t intrs_vfmadd231ps512_burst(uint64_t iterations);

/// Runs `iterations` rounds of 8 independent vpdpbusd ymm instructions (AVX512_VNNI only; 0 otherwise).
uint64_t intrs_vpdpbusd_burst(uint64_t iterations);
/// The same with zmm registers (64 multiply-adds per instruction instead of 32).
uint64_t intrs_vpdpbusd512_burst(uint64_t iterations);

/// The float32 baseline's GEMM kernels (a header of their own; included here so the module exports them).
#include "CIntRSFloatKernels.h"

#ifdef __cplusplus
}
#endif

// ChaCha20 keystream words on the same kernel paths (noise streams).
#include "intrs_noise.h"
#endif
