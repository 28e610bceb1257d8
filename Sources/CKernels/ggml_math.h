// llama.cpp's float arithmetic for the pieces whose rounding decides greedy tokens: its exp (an
// ARM optimized-routines polynomial finished with scalef, not libm's expf) and the order in which
// _mm512_reduce_add_ps adds 16 lanes. Each comes as an AVX-512 version and a portable one that gives
// the same bits (fmaf and scalbnf round exactly as the vector instructions do).
#ifndef LOOM_GGML_MATH_H
#define LOOM_GGML_MATH_H
#include <immintrin.h>
#include <math.h>

#define GGML_EXP_C1 0x1.ffffecp-1f
#define GGML_EXP_C2 0x1.fffdb6p-2f
#define GGML_EXP_C3 0x1.555e66p-3f
#define GGML_EXP_C4 0x1.573e2ep-5f
#define GGML_EXP_C5 0x1.0e4020p-7f

/// exp(x): x = n·ln2 + b with n integral, e^b by a degree-5 polynomial, then scaled by 2^n.
/// Results that would pass 2^±192 flush to 0 or +inf.
static inline float ggml_exp(float x) {
    const float shift = 0x1.8p23f, z = fmaf(x, 0x1.715476p+0f, shift), n = z - shift;
    const float b = fmaf(-n, 0x1.7f7d1cp-20f, fmaf(-n, 0x1.62e4p-1f, x));
    if (fabsf(n) > 192) return n <= 0 ? 0.f : INFINITY;
    const float u = b * b;
    const float j = fmaf(fmaf(fmaf(GGML_EXP_C5, b, GGML_EXP_C4), u, fmaf(GGML_EXP_C3, b, GGML_EXP_C2)), u,
                         fmaf(GGML_EXP_C1, b, 1.0f));
    return scalbnf(j, (int)n);
}

/// Σ of 16 values in _mm512_reduce_add_ps's order: halves, then quarters, eighths, pairs.
static inline float ggml_sum16(const float *v) {
    float a[16];
    for (int i = 0; i < 16; i++) a[i] = v[i];
    for (int width = 8; width >= 1; width /= 2)
        for (int i = 0; i < width; i++) a[i] += a[i + width];
    return a[0];
}

__attribute__((target("avx512f,avx512dq")))
static inline __m512 ggml_exp16(__m512 x) {
    const __m512 shift = _mm512_set1_ps(0x1.8p23f);
    const __m512 z = _mm512_fmadd_ps(x, _mm512_set1_ps(0x1.715476p+0f), shift);
    const __m512 n = _mm512_sub_ps(z, shift);
    const __m512 b = _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.7f7d1cp-20f),
                                      _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.62e4p-1f), x));
    const __mmask16 huge = _mm512_cmp_ps_mask(_mm512_abs_ps(n), _mm512_set1_ps(192), _CMP_GT_OQ);
    const __m512 u = _mm512_mul_ps(b, b);
    const __m512 j = _mm512_fmadd_ps(
        _mm512_fmadd_ps(_mm512_fmadd_ps(_mm512_set1_ps(GGML_EXP_C5), b, _mm512_set1_ps(GGML_EXP_C4)), u,
                        _mm512_fmadd_ps(_mm512_set1_ps(GGML_EXP_C3), b, _mm512_set1_ps(GGML_EXP_C2))),
        u, _mm512_fmadd_ps(_mm512_set1_ps(GGML_EXP_C1), b, _mm512_set1_ps(1.0f)));
    const __m512 result = _mm512_scalef_ps(j, n);
    if (!huge) return result;
    const __m512 zero = _mm512_setzero_ps();
    const __m512 flushed = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(n, zero, _CMP_LE_OQ), _mm512_set1_ps(INFINITY), zero);
    return _mm512_mask_blend_ps(huge, result, flushed);
}

#endif
