// The float32 baseline's max and average pools (include/CIntRSFloatKernels.h, `intrs_f32_pool`): the portable
// loop, and on x86-64 the same float operations 8 channels (FMA path, AVX2) or 16 channels (AVX512 path,
// AVX-512F) per instruction, in functions with per-function target attributes. Every path gives the same floats:
// per channel, max: best = -inf, then for each valid tap in (ky, kx) order best = x >= best ? x : best (an
// ordered compare and a select, not vmaxps, whose choice on equal zeros and NaN differs); average: sum = +0,
// then sum = sum + x for each valid tap in (ky, kx) order, then sum / count (count = the number of valid taps, a
// float); then the activation as the GEMM epilogue's.
#include <math.h>
#include "float_internal.h"

/// The valid taps of output pixel (oy, ox): rows [*y0, *y1), columns [*x0, *x1) of the window (empty when the
/// window lies in the padding).
static inline void f32_pool_window(const intrs_f32_pool_shape *s, int oy, int ox, int *y0, int *y1, int *x0, int *x1) {
    const int iy = oy * s->stride_h - s->pad_top, ix = ox * s->stride_w - s->pad_left;
    *y0 = iy < 0 ? -iy : 0;
    *y1 = s->in_h - iy < s->pool_h ? s->in_h - iy : s->pool_h;
    *x0 = ix < 0 ? -ix : 0;
    *x1 = s->in_w - ix < s->pool_w ? s->in_w - ix : s->pool_w;
    if (*y1 < *y0) *y1 = *y0;
    if (*x1 < *x0) *x1 = *x0;
}

/// The plain loop, one item: per output pixel, channels in pieces of 256 (best and sum side by side).
static void f32_pool_portable(const intrs_f32_pool_shape *s, int is_max, int activation, const float *in, float *out,
                              intrs_f32_frame fo) {
    enum { CH = 256 };
    float acc[CH];
    const ptrdiff_t ch = s->channels;
    for (int oy = 0; oy < s->out_h; oy++) {
        for (int ox = 0; ox < s->out_w; ox++) {
            int y0, y1, x0, x1;
            f32_pool_window(s, oy, ox, &y0, &y1, &x0, &x1);
            const float count = (float)((y1 - y0) * (x1 - x0));
            const int iy = oy * s->stride_h - s->pad_top, ix = ox * s->stride_w - s->pad_left;
            float *o = out + ((ptrdiff_t)(oy + fo.top) * fo.pitch + (ox + fo.left)) * ch;
            for (ptrdiff_t c0 = 0; c0 < ch; c0 += CH) {
                const int w = ch - c0 < CH ? (int)(ch - c0) : CH;
                for (int c = 0; c < w; c++) acc[c] = is_max ? -INFINITY : 0.0f;
                for (int ky = y0; ky < y1; ky++) {
                    for (int kx = x0; kx < x1; kx++) {
                        const float *x = in + ((ptrdiff_t)(iy + ky) * s->in_w + (ix + kx)) * (ptrdiff_t)ch + c0;
                        if (is_max) {
                            for (int c = 0; c < w; c++) acc[c] = x[c] >= acc[c] ? x[c] : acc[c];
                        } else {
                            for (int c = 0; c < w; c++) acc[c] = acc[c] + x[c];
                        }
                    }
                }
                if (!is_max) {
                    for (int c = 0; c < w; c++) acc[c] = acc[c] / count;
                }
                f32_epilogue(o + c0, acc, NULL, w, activation);
            }
        }
    }
}

#if defined(__x86_64__) || defined(__i386__)
#define UNROLL _Pragma("clang loop unroll(full)")

/// One output pixel, NV (1-4) consecutive vectors of 8 channels at `o` (the last one masked by `mlast`): the
/// window's ny x nx valid taps start at `p` (rows `row_step` floats apart, taps `ch` floats apart); NV independent
/// chains, so that the compare-select (or add) latency of one tap overlaps the others.
static inline __attribute__((always_inline)) FATTR void f32_pool_px_fma(const int nv, const int is_max, const float *p,
                                                                        ptrdiff_t ch, ptrdiff_t row_step, int ny, int nx,
                                                                        __m256i mlast, __m256 count, int activation, float *o) {
    __m256 acc[4];
    const __m256i all = _mm256_set1_epi32(-1);
    UNROLL for (int r = 0; r < nv; r++) acc[r] = is_max ? _mm256_set1_ps(-INFINITY) : _mm256_setzero_ps();
    for (int ky = 0; ky < ny; ky++, p += row_step) {
        const float *q = p;
        for (int kx = 0; kx < nx; kx++, q += ch) {
            UNROLL for (int r = 0; r < nv; r++) {
                const __m256 x = _mm256_maskload_ps(q + 8 * r, r == nv - 1 ? mlast : all);
                acc[r] = is_max ? _mm256_blendv_ps(acc[r], x, _mm256_cmp_ps(x, acc[r], _CMP_GE_OQ)) : _mm256_add_ps(acc[r], x);
            }
        }
    }
    UNROLL for (int r = 0; r < nv; r++) {
        const __m256 v = is_max ? acc[r] : _mm256_div_ps(acc[r], count);
        _mm256_maskstore_ps(o + 8 * r, r == nv - 1 ? mlast : all, f32_act8(v, activation));
    }
}

/// The FMA path's pool, one item: per output pixel, channels in blocks of up to 32 (4 ymm; the last vector of the
/// last block masked).
static FATTR void f32_pool_fma(const intrs_f32_pool_shape *s, int is_max, int activation, const float *in, float *out,
                               intrs_f32_frame fo) {
    const ptrdiff_t ch = s->channels, row_step = (ptrdiff_t)s->in_w * ch;
    const int out_h = s->out_h, out_w = s->out_w;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int oy = 0; oy < out_h; oy++) {
        for (int ox = 0; ox < out_w; ox++) {
            int y0, y1, x0, x1;
            f32_pool_window(s, oy, ox, &y0, &y1, &x0, &x1);
            const __m256 count = _mm256_set1_ps((float)((y1 - y0) * (x1 - x0)));
            const int iy = oy * s->stride_h - s->pad_top + y0, ix = ox * s->stride_w - s->pad_left + x0;
            const float *p = in + ((ptrdiff_t)iy * s->in_w + ix) * ch;
            float *o = out + ((ptrdiff_t)(oy + fo.top) * fo.pitch + (ox + fo.left)) * ch;
            for (ptrdiff_t c0 = 0; c0 < ch; c0 += 32) {
                const int left = (int)(ch - c0), nv = left >= 32 ? 4 : (left + 7) / 8;
                const __m256i mlast = _mm256_cmpgt_epi32(_mm256_set1_epi32(left - 8 * (nv - 1)), lane);
                const float *pc = p + c0;
                float *oc = o + c0;
                const int ny = y1 - y0, nx = x1 - x0;
#define F32_POOL_FMA_CASE(NV)                                                                                         \
    case NV:                                                                                                           \
        if (is_max) f32_pool_px_fma(NV, 1, pc, ch, row_step, ny, nx, mlast, count, activation, oc);                    \
        else f32_pool_px_fma(NV, 0, pc, ch, row_step, ny, nx, mlast, count, activation, oc);                           \
        break;
                switch (nv) { F32_POOL_FMA_CASE(1) F32_POOL_FMA_CASE(2) F32_POOL_FMA_CASE(3) default: F32_POOL_FMA_CASE(4) }
#undef F32_POOL_FMA_CASE
            }
        }
    }
}

/// As f32_pool_px_fma with NV (1-4) vectors of 16 channels (AVX-512F masks).
static inline __attribute__((always_inline)) ZATTR void f32_pool_px_avx512(const int nv, const int is_max, const float *p,
                                                                           ptrdiff_t ch, ptrdiff_t row_step, int ny, int nx,
                                                                           __mmask16 mlast, __m512 count, int activation,
                                                                           float *o) {
    __m512 acc[4];
    UNROLL for (int r = 0; r < nv; r++) acc[r] = is_max ? _mm512_set1_ps(-INFINITY) : _mm512_setzero_ps();
    for (int ky = 0; ky < ny; ky++, p += row_step) {
        const float *q = p;
        for (int kx = 0; kx < nx; kx++, q += ch) {
            UNROLL for (int r = 0; r < nv; r++) {
                const __m512 x = _mm512_maskz_loadu_ps(r == nv - 1 ? mlast : (__mmask16)0xFFFF, q + 16 * r);
                acc[r] = is_max ? _mm512_mask_mov_ps(acc[r], _mm512_cmp_ps_mask(x, acc[r], _CMP_GE_OQ), x) : _mm512_add_ps(acc[r], x);
            }
        }
    }
    UNROLL for (int r = 0; r < nv; r++) {
        const __m512 v = is_max ? acc[r] : _mm512_div_ps(acc[r], count);
        _mm512_mask_storeu_ps(o + 16 * r, r == nv - 1 ? mlast : (__mmask16)0xFFFF, f32_act16(v, activation));
    }
}

/// The AVX512 path's pool, one item: per output pixel, channels in blocks of up to 64 (4 zmm; the last vector of
/// the last block masked).
static ZATTR void f32_pool_avx512(const intrs_f32_pool_shape *s, int is_max, int activation, const float *in, float *out,
                                  intrs_f32_frame fo) {
    const ptrdiff_t ch = s->channels, row_step = (ptrdiff_t)s->in_w * ch;
    const int out_h = s->out_h, out_w = s->out_w;
    for (int oy = 0; oy < out_h; oy++) {
        for (int ox = 0; ox < out_w; ox++) {
            int y0, y1, x0, x1;
            f32_pool_window(s, oy, ox, &y0, &y1, &x0, &x1);
            const __m512 count = _mm512_set1_ps((float)((y1 - y0) * (x1 - x0)));
            const int iy = oy * s->stride_h - s->pad_top + y0, ix = ox * s->stride_w - s->pad_left + x0;
            const float *p = in + ((ptrdiff_t)iy * s->in_w + ix) * ch;
            float *o = out + ((ptrdiff_t)(oy + fo.top) * fo.pitch + (ox + fo.left)) * ch;
            for (ptrdiff_t c0 = 0; c0 < ch; c0 += 64) {
                const int left = (int)(ch - c0), nv = left >= 64 ? 4 : (left + 15) / 16;
                const int tail = left - 16 * (nv - 1);
                const __mmask16 mlast = tail >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << tail) - 1u);
                const float *pc = p + c0;
                float *oc = o + c0;
                const int ny = y1 - y0, nx = x1 - x0;
#define F32_POOL_Z_CASE(NV)                                                                                           \
    case NV:                                                                                                           \
        if (is_max) f32_pool_px_avx512(NV, 1, pc, ch, row_step, ny, nx, mlast, count, activation, oc);                 \
        else f32_pool_px_avx512(NV, 0, pc, ch, row_step, ny, nx, mlast, count, activation, oc);                        \
        break;
                switch (nv) { F32_POOL_Z_CASE(1) F32_POOL_Z_CASE(2) F32_POOL_Z_CASE(3) default: F32_POOL_Z_CASE(4) }
#undef F32_POOL_Z_CASE
            }
        }
    }
}
#endif

void intrs_f32_pool(intrs_float_kernel_path path, const intrs_f32_pool_shape *s, int is_max, int activation,
                    const float *in, ptrdiff_t in_stride, int items, float *out, const intrs_f32_frame *out_frame,
                    ptrdiff_t out_stride) {
    intrs_f32_frame fo = {0, 0, s->out_h, s->out_w};
    if (out_frame) fo = *out_frame;
    for (int item = 0; item < items; item++) {
        const float *x = in + (ptrdiff_t)item * in_stride;
        float *o = out + (ptrdiff_t)item * out_stride;
        switch (path) {
#if defined(__x86_64__) || defined(__i386__)
        case INTRS_FLOAT_KERNEL_AVX512: f32_pool_avx512(s, is_max, activation, x, o, fo); break;
        case INTRS_FLOAT_KERNEL_FMA: f32_pool_fma(s, is_max, activation, x, o, fo); break;
#endif
        default: f32_pool_portable(s, is_max, activation, x, o, fo); break;
        }
    }
}
