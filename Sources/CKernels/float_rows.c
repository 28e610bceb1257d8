// Fixed-order products with float weights (see loom_float_rows.h). Tiles of up to 4 weight rows × 4
// activation rows keep 16 accumulators of 16 lanes in registers: per 16 values, 4 weight loads
// (widened), 4 activation loads, 16 FMAs. Activation rows go in chunks that stay in L2 while every
// row tile of the range meets them.
#include "loom_float_rows.h"
#include "ckernels.h"
#include "ck_internal.h"
#include "ggml_math.h"

int loom_float_rows_supported(int type) {
    return type == LOOM_FLOAT_F32 || type == LOOM_FLOAT_F16 || type == LOOM_FLOAT_BF16;
}

static inline size_t chunk_rows(int cols, int batch) {
    int chunk = (256 * 1024) / (4 * (cols > 0 ? cols : 1));
    if (chunk < 4) chunk = 4;
    return (size_t)(chunk < batch ? chunk : batch);
}

// ---- portable ----

static inline float weight_at(int type, const uint8_t *row, int k) {
    switch (type) {
    case LOOM_FLOAT_F16: return ck_load_half(row + 2 * (size_t)k);
    case LOOM_FLOAT_BF16: return ck_bits_to_float((uint32_t)ck_load_u16(row + 2 * (size_t)k) << 16);
    default: return ck_bits_to_float(ck_load_u32(row + 4 * (size_t)k));
    }
}

static float dot_portable(int type, const uint8_t *row, const float *x, int cols) {
    float acc[16] = {0};
    for (int k = 0; k < cols; k++) acc[k % 16] = __builtin_fmaf(weight_at(type, row, k), x[k], acc[k % 16]);
    return ggml_sum16(acc);
}

static void rows_portable(int type, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1, const float *x,
                          size_t ldx, int batch, float *y, size_t ldy) {
    for (int b = 0; b < batch; b++)
        for (int r = r0; r < r1; r++)
            y[(size_t)b * ldy + r] = dot_portable(type, w + (size_t)r * row_bytes, x + (size_t)b * ldx, cols);
}

// ---- AVX-512 ----
#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,f16c,fma"))), apply_to = function)

static inline __attribute__((always_inline)) __m512 load_weights(int type, const uint8_t *row, int k, __mmask16 m) {
    switch (type) {
    case LOOM_FLOAT_F16: return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, row + 2 * (size_t)k));
    case LOOM_FLOAT_BF16:
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, row + 2 * (size_t)k)), 16));
    default: return _mm512_maskz_loadu_ps(m, row + 4 * (size_t)k);
    }
}

/// The lane tree of ggml_sum16 for one vector: l + 8, + 4, + 2, + 1.
static inline float sum_lanes(__m512 v) {
    float a[16];
    _mm512_storeu_ps(a, v);
    return ggml_sum16(a);
}

/// Rows [r, r + R) × activation rows [b, b + B).
static inline __attribute__((always_inline)) void tile(const int type, const int R, const int B, const uint8_t *w,
                                                       size_t row_bytes, int cols, const float *x, size_t ldx,
                                                       float *y, size_t ldy) {
    __m512 acc[4][4];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < B; j++) acc[i][j] = _mm512_setzero_ps();
    for (int k = 0; k < cols; k += 16) {
        const __mmask16 m = cols - k >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (cols - k)) - 1);
        __m512 wv[4], xv[4];
        for (int i = 0; i < R; i++) wv[i] = load_weights(type, w + (size_t)i * row_bytes, k, m);
        for (int j = 0; j < B; j++) xv[j] = _mm512_maskz_loadu_ps(m, x + (size_t)j * ldx + k);
        for (int i = 0; i < R; i++)
            for (int j = 0; j < B; j++) acc[i][j] = _mm512_fmadd_ps(wv[i], xv[j], acc[i][j]);
    }
    for (int i = 0; i < R; i++)
        for (int j = 0; j < B; j++) y[(size_t)j * ldy + i] = sum_lanes(acc[i][j]);
}

typedef void (*tile_fn)(const uint8_t *, size_t, int, const float *, size_t, float *, size_t);
#define TILE(T, R, B)                                                                                               \
    static void tile_##T##_##R##_##B(const uint8_t *w, size_t rb, int cols, const float *x, size_t ldx, float *y, \
                                     size_t ldy) { tile(T, R, B, w, rb, cols, x, ldx, y, ldy); }
#define TILES(T) TILE(T, 1, 1) TILE(T, 1, 2) TILE(T, 1, 3) TILE(T, 1, 4) TILE(T, 2, 1) TILE(T, 2, 2) TILE(T, 2, 3) \
    TILE(T, 2, 4) TILE(T, 3, 1) TILE(T, 3, 2) TILE(T, 3, 3) TILE(T, 3, 4) TILE(T, 4, 1) TILE(T, 4, 2) TILE(T, 4, 3) TILE(T, 4, 4)
#define NAMES(T) {{tile_##T##_1_1, tile_##T##_1_2, tile_##T##_1_3, tile_##T##_1_4}, \
                  {tile_##T##_2_1, tile_##T##_2_2, tile_##T##_2_3, tile_##T##_2_4}, \
                  {tile_##T##_3_1, tile_##T##_3_2, tile_##T##_3_3, tile_##T##_3_4}, \
                  {tile_##T##_4_1, tile_##T##_4_2, tile_##T##_4_3, tile_##T##_4_4}}
TILES(0) TILES(1) TILES(30)
static const tile_fn tiles_f32[4][4] = NAMES(0), tiles_f16[4][4] = NAMES(1), tiles_bf16[4][4] = NAMES(30);

static void rows_avx512(int type, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1, const float *x,
                        size_t ldx, int batch, float *y, size_t ldy) {
    const tile_fn(*tiles)[4] = type == LOOM_FLOAT_F16 ? tiles_f16 : type == LOOM_FLOAT_BF16 ? tiles_bf16 : tiles_f32;
    const size_t chunk = chunk_rows(cols, batch);
    for (size_t b0 = 0; b0 < (size_t)batch; b0 += chunk) {
        const size_t b1 = b0 + chunk < (size_t)batch ? b0 + chunk : (size_t)batch;
        for (int r = r0; r < r1; r += 4) {
            const int R = r1 - r < 4 ? r1 - r : 4;
            for (size_t b = b0; b < b1; b += 4) {
                const int B = b1 - b < 4 ? (int)(b1 - b) : 4;
                tiles[R - 1][B - 1](w + (size_t)r * row_bytes, row_bytes, cols, x + b * ldx, ldx, y + b * ldy + r, ldy);
            }
        }
    }
}

#pragma clang attribute pop
#endif

void loom_float_rows(int type, const void *w, size_t row_bytes, int cols, int r0, int r1, const float *x, size_t ldx,
                     int batch, float *y, size_t ldy, int portable) {
    if (!loom_float_rows_supported(type) || r0 >= r1 || batch <= 0) return;
#if defined(__x86_64__)
    if (!portable && ck_best_isa() >= CK_ISA_AVX512) {
        rows_avx512(type, (const uint8_t *)w, row_bytes, cols, r0, r1, x, ldx, batch, y, ldy);
        return;
    }
#endif
    rows_portable(type, (const uint8_t *)w, row_bytes, cols, r0, r1, x, ldx, batch, y, ldy);
}
