// Half-precision row kernels for the KV cache, chosen once at run time: AVX-512 (with F16C
// conversions) where the CPU has it, else AVX2+F16C, else portable C.
#include "loom_f16.h"
#include <immintrin.h>
#include <math.h>
#include <string.h>

// ---- portable fallback ----

static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
    if (exp == 0) {
        if (mant == 0) { bits = sign; }
        else {  // subnormal: normalise
            exp = 1;
            while (!(mant & 0x400)) { mant <<= 1; exp--; }
            mant &= 0x3ff;
            bits = sign | ((exp + 112) << 23) | (mant << 13);
        }
    } else if (exp == 31) { bits = sign | 0x7f800000 | (mant << 13); }
    else { bits = sign | ((exp + 112) << 23) | (mant << 13); }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static uint16_t float_to_half(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    int32_t exp = (int32_t)((x >> 23) & 0xff) - 127 + 15;
    uint32_t mant = x & 0x7fffff;
    if (((x >> 23) & 0xff) == 0xff) return (uint16_t)(sign | 0x7c00 | (mant ? 0x200 : 0));
    if (exp >= 31) return (uint16_t)(sign | 0x7c00);
    if (exp <= 0) {
        if (exp < -10) return (uint16_t)sign;
        mant |= 0x800000;
        uint32_t shift = (uint32_t)(14 - exp);
        uint32_t half = mant >> shift, rem = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = sign | ((uint32_t)exp << 10) | (mant >> 13), rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) half++;
    return (uint16_t)half;
}

static void to_f16_scalar(const float *src, uint16_t *dst, int n) {
    for (int i = 0; i < n; i++) dst[i] = float_to_half(src[i]);
}

static void to_f32_scalar(const uint16_t *src, float *dst, int n) {
    for (int i = 0; i < n; i++) dst[i] = half_to_float(src[i]);
}

// ---- AVX2 + F16C ----

__attribute__((target("avx2,f16c")))
static void to_f16_avx2(const float *src, uint16_t *dst, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(dst + i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) dst[i] = _cvtss_sh(src[i], _MM_FROUND_TO_NEAREST_INT);
}

__attribute__((target("avx2,f16c")))
static void to_f32_avx2(const uint16_t *src, float *dst, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = _cvtsh_ss(src[i]);
}

// ---- AVX-512 ----

// ---- dispatch, resolved on first use ----

typedef void (*to_f16_fn)(const float *, uint16_t *, int);
typedef void (*to_f32_fn)(const uint16_t *, float *, int);

static to_f16_fn to_f16_impl;
static to_f32_fn to_f32_impl;

static void resolve(void) {
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    to_f16_impl = avx2 ? to_f16_avx2 : to_f16_scalar;
    to_f32_impl = avx2 ? to_f32_avx2 : to_f32_scalar;
}

__attribute__((constructor)) static void loom_f16_init(void) { resolve(); }

void loom_f32_to_f16(const float *src, uint16_t *dst, int n) { to_f16_impl(src, dst, n); }
void loom_f16_to_f32(const uint16_t *src, float *dst, int n) { to_f32_impl(src, dst, n); }

void loom_round_to_f16(float *x, int n) {
    uint16_t h[256];
    for (int i = 0; i < n; i += 256) {
        int m = n - i < 256 ? n - i : 256;
        to_f16_impl(x + i, h, m);
        to_f32_impl(h, x + i, m);
    }
}
