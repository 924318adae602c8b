// The float32 baseline's GEMM driver, packing, patches and epilogue (shared by all paths), and the portable
// micro-kernel. The FMA and AVX512 micro-kernels are in float_fma.c. Rounding contract: include/CIntRSFloatKernels.h.
#include <math.h>
#include <string.h>
#include "float_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#define INTRS_HAVE_FMA_PATH 1
void intrs_k_f32_ukernel_fma(const intrs_f32_rowk *g, const float *const a[INTRS_F32_MR], const float *w, float *tile);
void intrs_k_f32_rows_fma(const intrs_f32_rowk *g, const float *const *arow, float *const *orow, int m, ptrdiff_t col,
                          const float *w, const float *bias, int activation);
void intrs_k_f32_ukernel_avx512(const intrs_f32_rowk *g, const float *const a[INTRS_F32_MR_AVX512], const float *w,
                                float *tile);
void intrs_k_f32_rows_avx512(int np, const intrs_f32_rowk *g, const float *const *arow, float *const *orow, int m,
                             ptrdiff_t col, const float *w, ptrdiff_t panel_stride, const float *bias, int activation);
#else
#define INTRS_HAVE_FMA_PATH 0
#endif

int intrs_f32_cpu_has_avx512(void) {
#if INTRS_HAVE_FMA_PATH
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}

/// The portable micro-kernel: tile[r][j] = the fma chain of row r against panel column j, in increasing k
/// from +0 (fmaf: one rounding per product-and-add, as the vector paths' vfmadd231ps lane by lane).
static void f32_ukernel_portable(const intrs_f32_rowk *g, const float *const a[INTRS_F32_MR], const float *w, float *tile) {
    float acc[INTRS_F32_MR][INTRS_F32_NR];
    memset(acc, 0, sizeof acc);
    for (int s = 0; s < g->segs; s++) {
        const ptrdiff_t off = (ptrdiff_t)s * g->seg_stride;
        for (int p = 0; p < g->seg_len; p++, w += INTRS_F32_NR) {
            for (int r = 0; r < INTRS_F32_MR; r++) {
                const float x = a[r][off + p];
                for (int j = 0; j < INTRS_F32_NR; j++) acc[r][j] = fmaf(x, w[j], acc[r][j]);
            }
        }
    }
    memcpy(tile, acc, sizeof acc);
}

size_t intrs_f32_packed_floats(int n, int k) { return (size_t)k * (size_t)((n + 15) & ~15); }

void intrs_f32_pack_weights(const float *w, int n, int k, float *packed) {
    const int n_pad = (n + 15) & ~15;
    for (int c0 = 0; c0 < n_pad; c0 += INTRS_F32_NR) {
        float *panel = packed + (size_t)k * (size_t)c0;
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < INTRS_F32_NR; j++) {
                const int c = c0 + j;
                panel[(size_t)p * INTRS_F32_NR + (size_t)j] = c < n ? w[(size_t)c * (size_t)k + (size_t)p] : 0.0f;
            }
        }
    }
}

/// The GEMM over rows given by pointers: out rows orow[i] (n floats each) from patch rows arow[i] (K floats laid
/// out as `g` says). Every 16-channel panel (it stays in L1 while the rows pass; on AVX512 two full panels at a
/// time when they fit), then row tiles of the path's MR (a short last tile repeats its last row and drops the
/// copies): a full panel on a vector path in one call of its row kernel (epilogue in registers), a partial
/// panel (or the portable path) tile by tile with the scalar epilogue. The order of the tiles changes no output
/// (each is its own fma chain).
static void f32_gemm_rows(intrs_float_kernel_path path, const float *const *arow, float *const *orow, int m,
                          const float *packed, const intrs_f32_rowk *g, int n, const float *bias, int activation) {
    const int k = g->segs * g->seg_len;
    float tile[INTRS_F32_MR_MAX * INTRS_F32_NR];
    const int n_pad = (n + 15) & ~15;
    const int mr = path == INTRS_FLOAT_KERNEL_AVX512 ? INTRS_F32_MR_AVX512 : INTRS_F32_MR;
    for (int c0 = 0, step = INTRS_F32_NR; c0 < n_pad; c0 += step) {
        const float *panel = packed + (size_t)k * (size_t)c0;
        const float *cbias = bias ? bias + c0 : NULL;
        const int cols = n - c0 < INTRS_F32_NR ? n - c0 : INTRS_F32_NR;
        step = INTRS_F32_NR;
#if INTRS_HAVE_FMA_PATH
        if (path == INTRS_FLOAT_KERNEL_AVX512 && cols == INTRS_F32_NR) {
            // Two full panels left: 8 x 32 tiles (both panels per pass over the rows), when the two panels fit in
            // L1 together (K <= 192: 24 KiB) or the rows are few (at most 4 tiles, e.g. fullyConnected on a chunk of
            // 32, whose panels stream from memory either way); else one panel at a time stays in L1.
            const int pair = c0 + 2 * INTRS_F32_NR <= n && (k <= 192 || m <= 4 * mr);
            step = pair ? 2 * INTRS_F32_NR : INTRS_F32_NR;
            intrs_k_f32_rows_avx512(pair ? 2 : 1, g, arow, orow, m, c0, panel, (ptrdiff_t)k * INTRS_F32_NR, cbias, activation);
            continue;
        }
        if (path == INTRS_FLOAT_KERNEL_FMA && cols == INTRS_F32_NR) {
            intrs_k_f32_rows_fma(g, arow, orow, m, c0, panel, cbias, activation);
            continue;
        }
#endif
        for (int i0 = 0; i0 < m; i0 += mr) {
            const int rows = m - i0 < mr ? m - i0 : mr;
            const float *a[INTRS_F32_MR_MAX];
            for (int r = 0; r < mr; r++) a[r] = arow[i0 + (r < rows ? r : rows - 1)];
            switch (path) {
#if INTRS_HAVE_FMA_PATH
            case INTRS_FLOAT_KERNEL_AVX512: intrs_k_f32_ukernel_avx512(g, a, panel, tile); break;
            case INTRS_FLOAT_KERNEL_FMA: intrs_k_f32_ukernel_fma(g, a, panel, tile); break;
#endif
            default: f32_ukernel_portable(g, a, panel, tile); break;
            }
            for (int r = 0; r < rows; r++) f32_epilogue(orow[i0 + r] + c0, tile + r * INTRS_F32_NR, cbias, cols, activation);
        }
    }
}

enum { F32_ROWS_CHUNK = 256 };

void intrs_f32_gemm(intrs_float_kernel_path path, const float *a, ptrdiff_t lda, int m, const float *packed, int k,
                    int n, const float *bias, int activation, float *out, ptrdiff_t ldc) {
    const float *arow[F32_ROWS_CHUNK];
    float *orow[F32_ROWS_CHUNK];
    const intrs_f32_rowk g = {1, k, 0};
    for (int i0 = 0; i0 < m; i0 += F32_ROWS_CHUNK) {
        const int rows = m - i0 < F32_ROWS_CHUNK ? m - i0 : F32_ROWS_CHUNK;
        for (int r = 0; r < rows; r++) {
            arow[r] = a + (ptrdiff_t)(i0 + r) * lda;
            orow[r] = out + (ptrdiff_t)(i0 + r) * ldc;
        }
        f32_gemm_rows(path, arow, orow, rows, packed, &g, n, bias, activation);
    }
}

/// The rows of the zero-padded image that the patches of `s` read: hp rows of wp pixels, pixel (y, x) = input
/// pixel (y - pad_top, x - pad_left) or zeros.
static void f32_padded_extent(const intrs_f32_conv_shape *s, int *hp, int *wp) {
    *hp = (s->out_h - 1) * s->stride_h + (s->kernel_h - 1) * s->dilation_h + 1;
    *wp = (s->out_w - 1) * s->stride_w + s->kernel_w;
}

/// The frame of an input or output (`intrs_f32_frame`; NULL = the plain h x w layout).
static intrs_f32_frame f32_frame_or_plain(const intrs_f32_frame *f, int h, int w) {
    if (f) return *f;
    const intrs_f32_frame plain = {0, 0, h, w};
    return plain;
}

int intrs_f32_frame_covers(const intrs_f32_conv_shape *s, const intrs_f32_frame *frame) {
    int hp, wp;
    f32_padded_extent(s, &hp, &wp);
    const intrs_f32_frame f = f32_frame_or_plain(frame, s->in_h, s->in_w);
    return s->dilation_w == 1 && f.top >= s->pad_top && f.left >= s->pad_left && f.top - s->pad_top + hp <= f.rows &&
           f.left - s->pad_left + wp <= f.pitch;
}

size_t intrs_f32_conv2d_scratch(const intrs_f32_conv_shape *s) {
    if (s->dilation_w == 1) {
        int hp, wp;
        f32_padded_extent(s, &hp, &wp);
        return intrs_f32_frame_covers(s, NULL) ? 1 : (size_t)hp * (size_t)wp * (size_t)s->in_c;
    }
    return (size_t)INTRS_F32_MB * (size_t)s->kernel_h * (size_t)s->kernel_w * (size_t)s->in_c;
}

/// Copies one item (framed as `fin`) into the zero-padded image `dst` (hp x wp pixels of in_c floats; zeros are
/// +0.0f, as im2col's).
static void f32_pad_image(const intrs_f32_conv_shape *s, const float *src, intrs_f32_frame fin, float *dst, int hp, int wp) {
    const size_t c = (size_t)s->in_c;
    const int x0 = s->pad_left, x1 = s->pad_left + s->in_w < wp ? s->pad_left + s->in_w : wp; // valid columns [x0, x1)
    for (int y = 0; y < hp; y++) {
        float *row = dst + (size_t)y * (size_t)wp * c;
        const int iy = y - s->pad_top;
        if (iy < 0 || iy >= s->in_h || x1 <= x0) {
            memset(row, 0, (size_t)wp * c * sizeof(float));
            continue;
        }
        memset(row, 0, (size_t)x0 * c * sizeof(float));
        memcpy(row + (size_t)x0 * c, src + ((ptrdiff_t)(iy + fin.top) * fin.pitch + fin.left) * (ptrdiff_t)c,
               (size_t)(x1 - x0) * c * sizeof(float));
        memset(row + (size_t)x1 * c, 0, (size_t)(wp - x1) * c * sizeof(float));
    }
}

/// In place (dilation_w = 1): per item, the patches are read from the input itself when its frame covers the padding
/// (or no padding is needed), else from a padded copy; then the GEMM over its pixels MB at a time, each row pointing
/// at its patch's first tap (kernel_h runs of kernel_w * in_c floats, dilation_h image rows apart).
static void f32_conv2d_in_place(intrs_float_kernel_path path, const intrs_f32_conv_shape *s, const float *in,
                                intrs_f32_frame fin, ptrdiff_t in_stride, int items, const float *packed,
                                const float *bias, int activation, float *out, intrs_f32_frame fout,
                                ptrdiff_t out_stride, float *scratch) {
    int hp, wp;
    f32_padded_extent(s, &hp, &wp);
    const int no_copy = intrs_f32_frame_covers(s, &fin);
    const ptrdiff_t row_floats = (ptrdiff_t)(no_copy ? fin.pitch : wp) * s->in_c;
    const intrs_f32_rowk g = {s->kernel_h, s->kernel_w * s->in_c, (ptrdiff_t)s->dilation_h * row_floats};
    const int pixels = s->out_h * s->out_w;
    const float *arow[INTRS_F32_MB];
    float *orow[INTRS_F32_MB];
    for (int item = 0; item < items; item++) {
        const float *image = in + (ptrdiff_t)item * in_stride;
        if (no_copy) {
            image += ((ptrdiff_t)(fin.top - s->pad_top) * fin.pitch + (fin.left - s->pad_left)) * s->in_c;
        } else {
            f32_pad_image(s, image, fin, scratch, hp, wp);
            image = scratch;
        }
        const ptrdiff_t step_y = (ptrdiff_t)s->stride_h * row_floats, step_x = (ptrdiff_t)s->stride_w * s->in_c;
        float *const out_item = out + (ptrdiff_t)item * out_stride;
        int oy = 0, ox = 0; // of pixel p0
        for (int p0 = 0; p0 < pixels; p0 += INTRS_F32_MB) {
            const int rows = pixels - p0 < INTRS_F32_MB ? pixels - p0 : INTRS_F32_MB;
            for (int r = 0; r < rows; r++) {
                arow[r] = image + oy * step_y + ox * step_x;
                orow[r] = out_item + ((ptrdiff_t)(oy + fout.top) * fout.pitch + (ox + fout.left)) * s->out_c;
                if (++ox == s->out_w) {
                    ox = 0;
                    oy++;
                }
            }
            f32_gemm_rows(path, arow, orow, rows, packed, &g, s->out_c, bias, activation);
        }
    }
}

void intrs_f32_conv2d(intrs_float_kernel_path path, const intrs_f32_conv_shape *s, const float *in, ptrdiff_t in_stride,
                      int items, const float *packed, const float *bias, int activation, float *out,
                      ptrdiff_t out_stride, float *scratch) {
    intrs_f32_conv2d_framed(path, s, in, NULL, in_stride, items, packed, bias, activation, out, NULL, out_stride, scratch);
}

void intrs_f32_conv2d_framed(intrs_float_kernel_path path, const intrs_f32_conv_shape *s, const float *in,
                             const intrs_f32_frame *in_frame, ptrdiff_t in_stride, int items, const float *packed,
                             const float *bias, int activation, float *out, const intrs_f32_frame *out_frame,
                             ptrdiff_t out_stride, float *scratch) {
    const intrs_f32_frame fin = f32_frame_or_plain(in_frame, s->in_h, s->in_w);
    const intrs_f32_frame fout = f32_frame_or_plain(out_frame, s->out_h, s->out_w);
    if (s->dilation_w == 1) {
        f32_conv2d_in_place(path, s, in, fin, in_stride, items, packed, bias, activation, out, fout, out_stride, scratch);
        return;
    }
    // im2col (dilation_w > 1): patches of MB output pixels across items, copied tap by tap.
    const int pixels = s->out_h * s->out_w;
    const int k = s->kernel_h * s->kernel_w * s->in_c;
    const intrs_f32_rowk g = {1, k, 0};
    const size_t row_bytes = (size_t)s->in_c * sizeof(float);
    const int total = items * pixels;
    const float *arow[INTRS_F32_MB];
    float *orow[INTRS_F32_MB];
    for (int g0 = 0; g0 < total; g0 += INTRS_F32_MB) {
        const int rows = total - g0 < INTRS_F32_MB ? total - g0 : INTRS_F32_MB;
        for (int r = 0; r < rows; r++) {
            const int gi = g0 + r, item = gi / pixels, pix = gi % pixels;
            const int oy = pix / s->out_w, ox = pix % s->out_w;
            const float *src = in + (ptrdiff_t)item * in_stride;
            float *dst = scratch + (size_t)r * (size_t)k;
            for (int ky = 0; ky < s->kernel_h; ky++) {
                const int iy = oy * s->stride_h - s->pad_top + ky * s->dilation_h;
                for (int kx = 0; kx < s->kernel_w; kx++) {
                    const int ix = ox * s->stride_w - s->pad_left + kx * s->dilation_w;
                    if (iy >= 0 && iy < s->in_h && ix >= 0 && ix < s->in_w) {
                        memcpy(dst, src + ((ptrdiff_t)(iy + fin.top) * fin.pitch + (ix + fin.left)) * s->in_c, row_bytes);
                    } else {
                        memset(dst, 0, row_bytes);
                    }
                    dst += s->in_c;
                }
            }
            arow[r] = scratch + (size_t)r * (size_t)k;
            orow[r] = out + (ptrdiff_t)item * out_stride + ((ptrdiff_t)(oy + fout.top) * fout.pitch + (ox + fout.left)) * s->out_c;
        }
        f32_gemm_rows(path, arow, orow, rows, packed, &g, s->out_c, bias, activation);
    }
}
