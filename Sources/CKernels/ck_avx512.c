// Integer kernels for AVX-512 with VNNI: one vpdpbusd multiplies 64 unsigned weight values by 64
// signed activation values and sums them in fours into 32-bit lanes.
//
// Written in C because Swift's SIMD types have no access to vpdpbusd / vpmaddubsw (integer
// multiply-accumulate of u8 × s8): the integer dot product is the whole point of these kernels.
#if defined(__x86_64__)
#include <immintrin.h>
#include "ck_internal.h"

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c"))), apply_to = function)

#define CK_SUFFIX(name) name##_avx512
#define CK_TILE_BATCH 8
#include "ck_generic.h"

// The hot spot. A tile: 8 output rows (one panel) × BT activation rows, accumulated in BT registers
// of 16 float lanes (two per output row). Each panel vector is loaded once per group of k and used
// for all BT activation rows; per activation row and group: G/8 vpdpbusd, one conversion, one scale
// multiply, one FMA (and one more FMA for the mins). Every activation row goes through the same
// instructions whatever BT is, so a row's result does not depend on the batch it came in.
CK_INLINE void tile512(const uint8_t *panel, size_t stride, int groups, const ck_acts *a, int b, float *y,
                       size_t ldy, int nrows, const int G, const int KIND, const int BT) {
    const int units = G / 8;
    const size_t gs = a->groups;
    const int8_t *q = a->q + (size_t)b * a->cols;
    const float *da = a->da + (size_t)b * gs;
    const int32_t *offsets = (const int32_t *)a->corr + (size_t)b * gs;
    const float *sums = (const float *)a->corr + (size_t)b * gs;
    __m512 acc[CK_TILE_BATCH];
    for (int j = 0; j < BT; j++) acc[j] = _mm512_setzero_ps();
    for (int g = 0; g < groups; g++) {
        const uint8_t *p = panel + (size_t)g * stride;
        __m512i w[4];
        for (int u = 0; u < units; u++) w[u] = _mm512_load_si512(p + 64 * u);
        const __m512 scale = _mm512_load_ps((const float *)(p + 64 * units));
        const __m512 mins = KIND == CK_MIN ? _mm512_load_ps((const float *)(p + 64 * units + 64)) : _mm512_setzero_ps();
        for (int j = 0; j < BT; j++) {
            const int8_t *qj = q + (size_t)j * a->cols + (size_t)g * G;
            __m512i dot = KIND == CK_OFFSET ? _mm512_set1_epi32(offsets[(size_t)j * gs + g]) : _mm512_setzero_si512();
            for (int u = 0; u < units; u++)
                dot = _mm512_dpbusd_epi32(dot, w[u], _mm512_set1_epi64((long long)ck_load_u64(qj + 8 * u)));
            const __m512 s = _mm512_mul_ps(scale, _mm512_set1_ps(da[(size_t)j * gs + g]));
            acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), s, acc[j]);
            if (KIND == CK_MIN) acc[j] = _mm512_fmadd_ps(mins, _mm512_set1_ps(sums[(size_t)j * gs + g]), acc[j]);
        }
    }
    // Row i is lane 2i + lane 2i+1.
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
    const __mmask8 keep = (__mmask8)((1u << nrows) - 1);
    for (int j = 0; j < BT; j++) {
        const __m512 pairs = _mm512_add_ps(acc[j], _mm512_permute_ps(acc[j], 0xB1));
        _mm256_mask_storeu_ps(y + (size_t)j * ldy, keep, _mm512_castps512_ps256(_mm512_permutexvar_ps(even, pairs)));
    }
}

typedef void (*ck_tile_fn)(const uint8_t *, size_t, int, const ck_acts *, int, float *, size_t, int);

#define CK_DEFINE_TILE(G, KIND, UNUSED, BT)                                                               \
    static void tile512_##G##_##KIND##_##BT(const uint8_t *panel, size_t stride, int groups, const ck_acts *a, \
                                            int b, float *y, size_t ldy, int nrows) {                     \
        tile512(panel, stride, groups, a, b, y, ldy, nrows, G, KIND, BT);                                 \
    }
#define CK_NAME_TILE(G, KIND, UNUSED, BT) tile512_##G##_##KIND##_##BT,

CK_FOR_TILE_BATCH(CK_DEFINE_TILE, 32, 0, _)
CK_FOR_TILE_BATCH(CK_DEFINE_TILE, 32, 1, _)
CK_FOR_TILE_BATCH(CK_DEFINE_TILE, 16, 0, _)
static const ck_tile_fn tiles_32_offset[] = {CK_FOR_TILE_BATCH(CK_NAME_TILE, 32, 0, _)};
static const ck_tile_fn tiles_32_min[] = {CK_FOR_TILE_BATCH(CK_NAME_TILE, 32, 1, _)};
static const ck_tile_fn tiles_16_offset[] = {CK_FOR_TILE_BATCH(CK_NAME_TILE, 16, 0, _)};

static void tile_avx512(const ck_format *f, const uint8_t *panel, int groups, const ck_acts *a, int b, int bt,
                        float *y, size_t ldy, int nrows) {
    const ck_tile_fn *table = f->g == 16 ? tiles_16_offset : f->kind == CK_MIN ? tiles_32_min : tiles_32_offset;
    table[bt - 1](panel, ck_panel_stride(f), groups, a, b, y, ldy, nrows);
}

void ck_matmul_rows_avx512(const ck_format *f, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1,
                           const void *acts, int batch, float *y, size_t ldy, uint8_t *panel) {
    CK_MATMUL_SWITCH(tile_avx512)
}

#pragma clang attribute pop
#endif
