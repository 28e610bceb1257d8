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

// The fast arithmetic (every type's, and the K-quants' in both), as the AVX-512 tile, on each half
// of the panel (rows 0–7, then 8–15). vpmaddubsw saturates at 16 bits, which unsigned values up to
// 63 never reach; Q8_0's full bytes (SIGNED) use the sign trick, |w| · (a with w's sign), and no offset.
CK_INLINE void tile256(const uint8_t *panel, size_t stride, int groups, const ck_acts *a, int b, float *y,
                       size_t ldy, int nrows, const int G, const int KIND, const int BT, const int SIGNED) {
    const int units = G / 4;
    const int32_t *offsets = (const int32_t *)a->corr;
    const float *sums = (const float *)a->corr;
    const __m256i ones = _mm256_set1_epi16(1), flip = _mm256_set1_epi8((char)0x80);
    for (int h = 0; h < 2 && 8 * h < nrows; h++) {
        __m256 acc[CK_TILE_BATCH];
        for (int j = 0; j < BT; j++) acc[j] = _mm256_setzero_ps();
        for (int g = 0; g < groups; g++) {
            const uint8_t *p = panel + (size_t)g * stride + 32 * h;
            const __m256 scale = _mm256_load_ps((const float *)(p + 64 * units));
            const __m256 mins = KIND == CK_MIN ? _mm256_load_ps((const float *)(p + 64 * units + 64)) : _mm256_setzero_ps();
            const size_t at = (size_t)g * a->batch + (size_t)b;
            for (int j = 0; j < BT; j++) {
                const int8_t *qj = a->q + (at + (size_t)j) * G;
                __m256i dot = KIND == CK_OFFSET && !SIGNED ? _mm256_set1_epi32(offsets[at + j]) : _mm256_setzero_si256();
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
                const __m256 s = _mm256_mul_ps(scale, _mm256_set1_ps(a->da[at + j]));
                acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), s, acc[j]);
                if (KIND == CK_MIN) acc[j] = _mm256_fmadd_ps(mins, _mm256_set1_ps(sums[at + j]), acc[j]);
            }
        }
        const int count = nrows - 8 * h < 8 ? nrows - 8 * h : 8;
        const __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int j = 0; j < BT; j++) _mm256_maskstore_ps(y + (size_t)j * ldy + 8 * h, lanes, acc[j]);
    }
}

// The 32-value blocks (ck_per_unit): per half and activation row, eight accumulators, one per unit
// of 4 values; each unit's vpmaddwd lanes are the exact integer lanes, converted and FMA'd with
// d_w·d_a. One activation row at a time: its 8 (9) accumulators fill most of the 16 registers.
// Q8_0's full bytes (SIGNED) would saturate vpmaddubsw: they use the sign trick instead,
// |w| · (a with w's sign), and no offset.
CK_INLINE void tile256_units(const uint8_t *panel, size_t stride, int groups, const ck_acts *a, int b, int bt,
                             float *y, size_t ldy, int nrows, const int KIND, const int SIGNED) {
    const int32_t *offsets = (const int32_t *)a->corr;
    const float *sums = (const float *)a->corr;
    const __m256i ones = _mm256_set1_epi16(1), flip = _mm256_set1_epi8((char)0x80);
    for (int h = 0; h < 2 && 8 * h < nrows; h++) {
        const int count = nrows - 8 * h < 8 ? nrows - 8 * h : 8;
        const __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int j = 0; j < bt; j++) {
            __m256 acc[8], summs = _mm256_setzero_ps();
            for (int u = 0; u < 8; u++) acc[u] = _mm256_setzero_ps();
            for (int g = 0; g < groups; g++) {
                const uint8_t *p = panel + (size_t)g * stride + 32 * h;
                const size_t at = (size_t)g * a->batch + (size_t)(b + j);
                const uint8_t *x = (const uint8_t *)a->q + at * 32;
                const __m256 dd = _mm256_mul_ps(_mm256_load_ps((const float *)(p + 512)), _mm256_set1_ps(a->da[at]));
                for (int u = 0; u < 8; u++) {
                    const __m256i w = _mm256_load_si256((const __m256i *)(p + 64 * u));
                    const __m256i xu = _mm256_set1_epi32((int)ck_load_u32(x + 4 * u));
                    __m256i pairs;
                    if (SIGNED) {
                        const __m256i sw = _mm256_xor_si256(w, flip);
                        pairs = _mm256_maddubs_epi16(_mm256_abs_epi8(sw), _mm256_sign_epi8(xu, sw));
                    } else {
                        pairs = _mm256_maddubs_epi16(w, xu);
                    }
                    __m256i lane = _mm256_madd_epi16(pairs, ones);
                    if (KIND == CK_OFFSET && !SIGNED) lane = _mm256_add_epi32(lane, _mm256_set1_epi32(offsets[8 * at + (size_t)u]));
                    acc[u] = _mm256_fmadd_ps(dd, _mm256_cvtepi32_ps(lane), acc[u]);
                }
                if (KIND == CK_MIN)
                    summs = _mm256_fmadd_ps(_mm256_load_ps((const float *)(p + 576)), _mm256_set1_ps(sums[at]), summs);
            }
            // ck_hsum8 on every row's lanes at once.
            __m256 out = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(acc[0], acc[4]), _mm256_add_ps(acc[2], acc[6])),
                                       _mm256_add_ps(_mm256_add_ps(acc[1], acc[5]), _mm256_add_ps(acc[3], acc[7])));
            if (KIND == CK_MIN) out = _mm256_add_ps(out, summs);
            _mm256_maskstore_ps(y + (size_t)j * ldy + 8 * h, lanes, out);
        }
    }
}

typedef void (*ck_units_fn)(const uint8_t *, size_t, int, const ck_acts *, int, int, float *, size_t, int);

#define CK_DEFINE_UNITS(KIND, SIGNED)                                                                             \
    static void tile256_units_##KIND##_##SIGNED(const uint8_t *panel, size_t stride, int groups, const ck_acts *a, \
                                                int b, int bt, float *y, size_t ldy, int nrows) {                 \
        tile256_units(panel, stride, groups, a, b, bt, y, ldy, nrows, KIND, SIGNED);                              \
    }
CK_DEFINE_UNITS(0, 0)  // Q4_0, Q5_0
CK_DEFINE_UNITS(0, 1)  // Q8_0
CK_DEFINE_UNITS(1, 0)  // Q4_1, Q5_1

typedef void (*ck_tile_fn)(const uint8_t *, size_t, int, const ck_acts *, int, float *, size_t, int);

#define CK_DEFINE_TILE(G, KIND, BT)                                                            \
    static void tile256_##G##_##KIND##_##BT(const uint8_t *panel, size_t stride, int groups, const ck_acts *a, \
                                            int b, float *y, size_t ldy, int nrows) {                      \
        tile256(panel, stride, groups, a, b, y, ldy, nrows, G == 8 ? 32 : G, KIND, BT, G == 8);             \
    }
#define CK_NAME_TILE(G, KIND, BT) tile256_##G##_##KIND##_##BT,

// Groups of 32 with mins (Q4_K, Q5_K; fast Q4_1, Q5_1), of 32 with an offset (fast Q4_0, Q5_0),
// of 32 signed (G written 8: fast Q8_0) and of 16 with an offset (Q6_K).
CK_FOR_TILE_BATCH4(CK_DEFINE_TILE, 32, 1)
CK_FOR_TILE_BATCH4(CK_DEFINE_TILE, 32, 0)
CK_FOR_TILE_BATCH4(CK_DEFINE_TILE, 8, 0)
CK_FOR_TILE_BATCH4(CK_DEFINE_TILE, 16, 0)
static const ck_tile_fn tiles_32_min[] = {CK_FOR_TILE_BATCH4(CK_NAME_TILE, 32, 1)};
static const ck_tile_fn tiles_32_offset[] = {CK_FOR_TILE_BATCH4(CK_NAME_TILE, 32, 0)};
static const ck_tile_fn tiles_32_signed[] = {CK_FOR_TILE_BATCH4(CK_NAME_TILE, 8, 0)};
static const ck_tile_fn tiles_16_offset[] = {CK_FOR_TILE_BATCH4(CK_NAME_TILE, 16, 0)};

static void tile_avx2(const ck_format *f, const uint8_t *panel, int groups, const ck_acts *a, int b, int bt,
                      float *y, size_t ldy, int nrows, const uint8_t *next) {
    const size_t stride = ck_panel_stride(f);
    if (ck_per_unit(f)) {
        const ck_units_fn units = f->kind == CK_MIN ? tile256_units_1_0 : f->type == CK_Q8_0 ? tile256_units_0_1 : tile256_units_0_0;
        units(panel, stride, groups, a, b, bt, y, ldy, nrows);
        return;
    }
    const ck_tile_fn *table = f->g == 16 ? tiles_16_offset : f->kind == CK_MIN ? tiles_32_min
                            : f->type == CK_Q8_0 ? tiles_32_signed : tiles_32_offset;
    table[bt - 1](panel, stride, groups, a, b, y, ldy, nrows);
}

void ck_matmul_rows_avx2(const ck_format *f, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1,
                         const void *acts, int batch, float *y, size_t ldy, uint8_t *panel) {
    CK_MATMUL_SWITCH(tile_avx2)
}

#pragma clang attribute pop
#endif
