// Rows of half-precision values: F16C where the CPU has it, exact portable C elsewhere.
#include "ckernels.h"
#include "ck_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,f16c")))
static void halfs_to_floats_f16c(const uint16_t *src, float *dst, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = _cvtsh_ss(src[i]);
}

__attribute__((target("avx2,f16c")))
static void floats_to_halfs_f16c(const float *src, uint16_t *dst, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(dst + i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) dst[i] = _cvtss_sh(src[i], _MM_FROUND_TO_NEAREST_INT);
}
#endif

void ck_halfs_to_floats(const uint16_t *src, float *dst, size_t n) {
#if defined(__x86_64__)
    if (ck_best_isa() >= CK_ISA_AVX2) { halfs_to_floats_f16c(src, dst, n); return; }
#endif
    for (size_t i = 0; i < n; i++) dst[i] = ck_half_to_float(src[i]);
}

void ck_round_to_halfs(float *x, size_t n) {
    uint16_t h[256];
    for (size_t i = 0; i < n; i += 256) {
        const size_t m = n - i < 256 ? n - i : 256;
        ck_floats_to_halfs(x + i, h, m);
        ck_halfs_to_floats(h, x + i, m);
    }
}

void ck_floats_to_halfs(const float *src, uint16_t *dst, size_t n) {
#if defined(__x86_64__)
    if (ck_best_isa() >= CK_ISA_AVX2) { floats_to_halfs_f16c(src, dst, n); return; }
#endif
    for (size_t i = 0; i < n; i++) dst[i] = ck_float_to_half(src[i]);
}
