// Integer kernels for AVX2: vpmaddubsw multiplies unsigned weight bytes by signed activation bytes
// and adds pairs into 16 bits, vpmaddwd adds those pairs into 32-bit lanes. (C, not Swift: Swift's
// SIMD types have no access to these instructions.)
#if defined(__x86_64__)
#include <immintrin.h>
#include "ck_internal.h"

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

#define CK_SUFFIX(name) name##_avx2
#define CK_TILE_BATCH 4
#include "ck_generic.h"

// As the AVX-512 tile, on each half of the panel (rows 0–7, then 8–15). vpmaddubsw saturates at
// 16 bits, which unsigned values up to 63 never reach; Q8_0's full bytes (SIGNED) use the sign
// trick instead: |w| · (a with w's sign), and no offset.
CK_INLINE void tile256(const uint8_t *panel, size_t stride, int groups, const ck_acts *a, int b, float *y,
                       size_t ldy, int nrows, const int G, const int KIND, const int SIGNED, const int BT) {
    const int units = G / 4;
    const size_t gs = a->groups;
    const int8_t *q = a->q + (size_t)b * a->cols;
    const float *da = a->da + (size_t)b * gs;
    const int32_t *offsets = (const int32_t *)a->corr + (size_t)b * gs;
    const float *sums = (const float *)a->corr + (size_t)b * gs;
    const __m256i ones = _mm256_set1_epi16(1), flip = _mm256_set1_epi8((char)0x80);
    for (int h = 0; h < 2 && 8 * h < nrows; h++) {
        __m256 acc[CK_TILE_BATCH];
        for (int j = 0; j < BT; j++) acc[j] = _mm256_setzero_ps();
        for (int g = 0; g < groups; g++) {
            const uint8_t *p = panel + (size_t)g * stride + 32 * h;
            const __m256 scale = _mm256_load_ps((const float *)(p + 64 * units));
            const __m256 mins = KIND == CK_MIN ? _mm256_load_ps((const float *)(p + 64 * units + 64)) : _mm256_setzero_ps();
            for (int j = 0; j < BT; j++) {
                const int8_t *qj = q + (size_t)j * a->cols + (size_t)g * G;
                __m256i dot = KIND == CK_OFFSET && !SIGNED ? _mm256_set1_epi32(offsets[(size_t)j * gs + g]) : _mm256_setzero_si256();
                for (int u = 0; u < units; u++) {
                    const __m256i w = _mm256_load_si256((const __m256i *)(p + 64 * u));
                    const __m256i x = _mm256_set1_epi32((int)ck_load_u32((const uint8_t *)qj + 4 * u));
                    __m256i pairs;
                    if (SIGNED) {
                        const __m256i sw = _mm256_xor_si256(w, flip);
                        pairs = _mm256_maddubs_epi16(_mm256_abs_epi8(sw), _mm256_sign_epi8(x, sw));
                    } else {
                        pairs = _mm256_maddubs_epi16(w, x);
                    }
                    dot = _mm256_add_epi32(dot, _mm256_madd_epi16(pairs, ones));
                }
                const __m256 s = _mm256_mul_ps(scale, _mm256_set1_ps(da[(size_t)j * gs + g]));
                acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), s, acc[j]);
                if (KIND == CK_MIN) acc[j] = _mm256_fmadd_ps(mins, _mm256_set1_ps(sums[(size_t)j * gs + g]), acc[j]);
            }
        }
        const int count = nrows - 8 * h < 8 ? nrows - 8 * h : 8;
        const __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int j = 0; j < BT; j++) _mm256_maskstore_ps(y + (size_t)j * ldy + 8 * h, lanes, acc[j]);
    }
}

typedef void (*ck_tile_fn)(const uint8_t *, size_t, int, const ck_acts *, int, float *, size_t, int);

#define CK_DEFINE_TILE(G, KIND, SIGNED, BT)                                                                     \
    static void tile256_##G##_##KIND##_##SIGNED##_##BT(const uint8_t *panel, size_t stride, int groups,         \
                                                       const ck_acts *a, int b, float *y, size_t ldy, int nrows) { \
        tile256(panel, stride, groups, a, b, y, ldy, nrows, G, KIND, SIGNED, BT);                               \
    }
#define CK_NAME_TILE(G, KIND, SIGNED, BT) tile256_##G##_##KIND##_##SIGNED##_##BT,

CK_FOR_TILE_BATCH4(CK_DEFINE_TILE, 32, 0, 0)
CK_FOR_TILE_BATCH4(CK_DEFINE_TILE, 32, 0, 1)
CK_FOR_TILE_BATCH4(CK_DEFINE_TILE, 32, 1, 0)
CK_FOR_TILE_BATCH4(CK_DEFINE_TILE, 16, 0, 0)
static const ck_tile_fn tiles_32_offset[] = {CK_FOR_TILE_BATCH4(CK_NAME_TILE, 32, 0, 0)};
static const ck_tile_fn tiles_32_signed[] = {CK_FOR_TILE_BATCH4(CK_NAME_TILE, 32, 0, 1)};
static const ck_tile_fn tiles_32_min[] = {CK_FOR_TILE_BATCH4(CK_NAME_TILE, 32, 1, 0)};
static const ck_tile_fn tiles_16_offset[] = {CK_FOR_TILE_BATCH4(CK_NAME_TILE, 16, 0, 0)};

static void tile_avx2(const ck_format *f, const uint8_t *panel, int groups, const ck_acts *a, int b, int bt,
                      float *y, size_t ldy, int nrows) {
    const ck_tile_fn *table = f->g == 16 ? tiles_16_offset
        : f->kind == CK_MIN ? tiles_32_min
        : f->type == CK_Q8_0 ? tiles_32_signed : tiles_32_offset;
    table[bt - 1](panel, ck_panel_stride(f), groups, a, b, y, ldy, nrows);
}

void ck_matmul_rows_avx2(const ck_format *f, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1,
                         const void *acts, int batch, float *y, size_t ldy, uint8_t *panel) {
    CK_MATMUL_SWITCH(tile_avx2)
}

#pragma clang attribute pop
#endif
