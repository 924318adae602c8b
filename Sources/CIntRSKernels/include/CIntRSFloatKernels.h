// The float32 baseline's hot loops (IntRSFloatBaseline's `FloatEvaluator`), beside the int8 kernels: conv2d
// and fullyConnected as a packed GEMM with a register-blocked micro-kernel. Three paths chosen at run time
// (the caller passes one; IntRSFloatBaseline's `FloatKernelPath` picks it once from a CPU check):
// PORTABLE (plain C, fmaf; 6 x 16 tiles), FMA (x86-64 AVX2 + FMA intrinsics, 6 x 16 tiles in 12 ymm) and AVX512
// (AVX-512F intrinsics, 8 x 16 tiles in 8 zmm), each in functions with __attribute__((target(...))); the package
// keeps its default flags.
//
// Rounding contract (the same on every path, so both give the same floats bit for bit): every output is
//   act(bias[c] + acc),  acc = fma(a[K-1], w[c][K-1], ... fma(a[1], w[c][1], fma(a[0], w[c][0], +0.0f)) ...)
// i.e. one fused multiply-add per product, in increasing k, starting from +0; then one float addition of the
// bias; then the activation. A plain loop `acc = fmaf(a[k], w[k], acc)` is the reference (tested equal).
// It differs from the pre-FMA baseline only by FMA rounding and summation order.
#ifndef CINTRS_FLOAT_KERNELS_H
#define CINTRS_FLOAT_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Float kernel paths. FMA needs x86-64 with AVX2 and FMA (`intrs_cpu_has_avx2`); AVX512 needs that and
/// AVX-512F (`intrs_f32_cpu_has_avx512`).
typedef enum {
    INTRS_FLOAT_KERNEL_PORTABLE = 0,
    INTRS_FLOAT_KERNEL_FMA = 1,
    INTRS_FLOAT_KERNEL_AVX512 = 2,
} intrs_float_kernel_path;

/// Whether this CPU runs the AVX512 float path (x86-64 with AVX2, FMA and AVX-512F; 0 elsewhere).
int intrs_f32_cpu_has_avx512(void);

/// Micro-kernel tile: MR rows (output pixels or batch items) by NR = 16 output channels: MR = 6 on the
/// portable and FMA paths (two ymm per row), MR_AVX512 = 8 on the AVX512 path (one zmm per row; a
/// fullyConnected chunk of 8 items is one tile). All paths share the packing (panels of NR = 16 channels).
/// Convolution patches are built MB output pixels at a time (a multiple of both MRs).
enum { INTRS_F32_MR = 6, INTRS_F32_MR_AVX512 = 8, INTRS_F32_MR_MAX = 8, INTRS_F32_NR = 16, INTRS_F32_MB = 96 };

/// How a GEMM row's K values lie in memory (internal to the kernels): `segs` runs of `seg_len` floats, run s
/// starting s * seg_stride floats after the row's pointer; K = segs * seg_len, in that order. A plain row is one
/// run; a convolution patch read in place from the (padded) input image is one run per filter row
/// (kernel_w * in_c floats each, one image row apart).
typedef struct {
    int segs, seg_len;
    ptrdiff_t seg_stride;
} intrs_f32_rowk;

/// Activations applied after the bias: NONE x; RELU max(0, x); RELU6 min(max(0, x), 6);
/// RELU_N1_TO_1 min(max(-1, x), 1) (x >= lo ? x : lo, then hi < v ? hi : v, as Swift's max/min).
typedef enum {
    INTRS_F32_ACT_NONE = 0,
    INTRS_F32_ACT_RELU = 1,
    INTRS_F32_ACT_RELU6 = 2,
    INTRS_F32_ACT_RELU_N1_TO_1 = 3,
} intrs_f32_activation;

/// Packed weights of N output channels with K inputs each: channels padded to nPad = ceil(N / 16) * 16 and cut
/// into panels of 16; panel p (channels 16p ..< 16p + 16) occupies floats [16 K p, 16 K (p + 1)) laid out
/// [k][16] (0 beyond N). Returns K * nPad.
size_t intrs_f32_packed_floats(int n, int k);
/// Packs `w` ([N][K] float, row-major: OHWI filters flattened, or fully connected [O][I]).
void intrs_f32_pack_weights(const float *w, int n, int k, float *packed);

/// GEMM with epilogue: for i < m, c < n: out[i * ldc + c] = act(bias[c] + sum_k a[i * lda + k] * w[c][k]) under
/// the rounding contract above (bias NULL: no bias addition, the raw fma chain). Strides in floats.
void intrs_f32_gemm(intrs_float_kernel_path path, const float *a, ptrdiff_t lda, int m, const float *packed, int k,
                    int n, const float *bias, int activation, float *out, ptrdiff_t ldc);

/// Convolution geometry (NHWC, OHWI filter, padding resolved), as `intrs_conv_shape` without the zero point.
typedef struct {
    int in_h, in_w, in_c;
    int out_h, out_w, out_c;
    int kernel_h, kernel_w;
    int stride_h, stride_w;
    int dilation_h, dilation_w;
    int pad_top, pad_left;
} intrs_f32_conv_shape;

/// Where an NHWC tensor's pixels lie inside a zero frame: pixel (y, x) of an item at ((y + top) * pitch + x + left)
/// * channels floats from the item's start; the frame has `rows` rows of `pitch` pixels. For an input, every float
/// of the frame outside the tensor's pixels must be +0.0f (the caller's promise: then a convolution whose padding
/// the frame covers reads its patches in place, with no copy); for an output, only the tensor's pixels are written
/// (the frame's border keeps its zeros). A NULL frame is the plain layout (top = left = 0, pitch = w, rows = h).
typedef struct {
    int top, left, rows, pitch;
} intrs_f32_frame;

/// Whether `frame` holds every tap the patches of `s` read (top >= pad_top, left >= pad_left, and the padded image's
/// bottom and right edges inside the frame) and the patches can be read in place (dilation_w = 1).
int intrs_f32_frame_covers(const intrs_f32_conv_shape *s, const intrs_f32_frame *frame);

/// Float scratch `intrs_f32_conv2d` needs: with dilation_w = 1 the zero-padded input image of one item (the
/// patches are read in place from it, one run of kernel_w * in_c floats per filter row; no scratch at all when
/// no padding is needed), else patches of INTRS_F32_MB output pixels (im2col).
size_t intrs_f32_conv2d_scratch(const intrs_f32_conv_shape *s);

/// Conv2D (not depthwise) of `items` inputs (`in_stride` floats apart) into `items` outputs (`out_stride` floats
/// apart): M = items * out_h * out_w pixels, K = kh * kw * in_c (taps outside the image are 0.0), N = out_c; each
/// output is act(bias[c] + fma chain over the patch in (ky, kx, ci) order). The same floats whether the patch is
/// read in place or copied (the order of the products is the patch order either way).
void intrs_f32_conv2d(intrs_float_kernel_path path, const intrs_f32_conv_shape *s, const float *in, ptrdiff_t in_stride,
                      int items, const float *packed, const float *bias, int activation, float *out,
                      ptrdiff_t out_stride, float *scratch);
/// intrs_f32_conv2d with framed input and output (either may be NULL): the same floats. An input frame that covers
/// the padding (`intrs_f32_frame_covers`) is read in place; otherwise the patches come from a padded copy or im2col
/// as without a frame. Output pixels go inside `out_frame`.
void intrs_f32_conv2d_framed(intrs_float_kernel_path path, const intrs_f32_conv_shape *s, const float *in,
                             const intrs_f32_frame *in_frame, ptrdiff_t in_stride, int items, const float *packed,
                             const float *bias, int activation, float *out, const intrs_f32_frame *out_frame,
                             ptrdiff_t out_stride, float *scratch);

/// Pool geometry (NHWC).
typedef struct {
    int in_h, in_w, channels;
    int out_h, out_w;
    int pool_h, pool_w;
    int stride_h, stride_w;
    int pad_top, pad_left;
} intrs_f32_pool_shape;

/// Max pool (is_max = 1: the largest valid tap, from -inf, `x >= best ? x : best` in (ky, kx) order) or average
/// pool (the valid taps summed in (ky, kx) order from +0, divided by their count), then the activation; `items`
/// inputs (`in_stride` floats apart) into `items` outputs (`out_stride` floats apart). Channels innermost: the
/// FMA path does 8 channels per instruction, the AVX512 path 16 (float_pool.c); each channel's float operations
/// are those of the plain per-channel loop on every path, so all paths give the same floats. Output pixels go
/// inside `out_frame` (NULL: plain).
void intrs_f32_pool(intrs_float_kernel_path path, const intrs_f32_pool_shape *s, int is_max, int activation,
                    const float *in, ptrdiff_t in_stride, int items, float *out, const intrs_f32_frame *out_frame,
                    ptrdiff_t out_stride);

#ifdef __cplusplus
}
#endif
#endif
