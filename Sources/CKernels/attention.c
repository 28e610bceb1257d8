// Grouped-query attention for decoding over the paged half-precision KV cache (see loom_attention.h).
// In C for F16C/AVX-512 conversions and to keep a head's output in registers across positions;
// AVX-512 chosen at run time, portable C otherwise.
#include "loom_attention.h"
#include "loom_f16.h"
#include <immintrin.h>
#include <math.h>

#define MAX_HEAD_DIM 256

static inline const uint16_t *row_at(const uint16_t *kv, const int32_t *table, long block_stride, long offset,
                                     int block_size, int row_stride, int p) {
    return kv + (long)table[p / block_size] * block_stride + offset + (long)(p % block_size) * row_stride;
}

/// Softmax of each head's scores in place, then rounded to half precision.
static void softmax_rows(float *scores, int heads, int length) {
    for (int h = 0; h < heads; h++) {
        float *s = scores + (long)h * length, max = -INFINITY, sum = 0;
        for (int p = 0; p < length; p++) max = s[p] > max ? s[p] : max;
        for (int p = 0; p < length; p++) { s[p] = expf(s[p] - max); sum += s[p]; }
        const float inv = 1.0f / sum;
        for (int p = 0; p < length; p++) s[p] *= inv;
        loom_round_to_f16(s, length);
    }
}

static void attention_scalar(const float *q, int heads, int q_stride, int head_dim, const uint16_t *kv,
                             const int32_t *table, long block_stride, long k_offset, long v_offset, int block_size,
                             int row_stride, int length, float scale, float *scores, float *out, int out_stride) {
    for (int p = 0; p < length; p++) {
        const uint16_t *k = row_at(kv, table, block_stride, k_offset, block_size, row_stride, p);
        for (int h = 0; h < heads; h++) scores[(long)h * length + p] = loom_dot_f16_f32(k, q + (long)h * q_stride, head_dim) * scale;
    }
    softmax_rows(scores, heads, length);
    for (int h = 0; h < heads; h++)
        for (int i = 0; i < head_dim; i++) out[(long)h * out_stride + i] = 0;
    for (int p = 0; p < length; p++) {
        const uint16_t *v = row_at(kv, table, block_stride, v_offset, block_size, row_stride, p);
        for (int h = 0; h < heads; h++) loom_axpy_f16(scores[(long)h * length + p], v, out + (long)h * out_stride, head_dim);
    }
}

__attribute__((target("avx512f")))
static void attention_avx512(const float *q, int heads, int q_stride, int head_dim, const uint16_t *kv,
                             const int32_t *table, long block_stride, long k_offset, long v_offset, int block_size,
                             int row_stride, int length, float scale, float *scores, float *out, int out_stride) {
    const int chunks = head_dim / 16;
    // Scores: each K row widened once, dotted with every head's query.
    for (int p = 0; p < length; p++) {
        const uint16_t *k = row_at(kv, table, block_stride, k_offset, block_size, row_stride, p);
        __m512 kr[MAX_HEAD_DIM / 16];
        for (int c = 0; c < chunks; c++) kr[c] = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(k + 16 * c)));
        for (int h = 0; h < heads; h++) {
            const float *qh = q + (long)h * q_stride;
            __m512 acc = _mm512_mul_ps(kr[0], _mm512_loadu_ps(qh));
            for (int c = 1; c < chunks; c++) acc = _mm512_fmadd_ps(kr[c], _mm512_loadu_ps(qh + 16 * c), acc);
            scores[(long)h * length + p] = _mm512_reduce_add_ps(acc) * scale;
        }
    }
    softmax_rows(scores, heads, length);
    // Values: each V row widened once; every head's output accumulates in registers.
    __m512 acc[4][MAX_HEAD_DIM / 16];
    for (int h0 = 0; h0 < heads; h0 += 4) {
        const int hn = heads - h0 < 4 ? heads - h0 : 4;
        for (int h = 0; h < hn; h++)
            for (int c = 0; c < chunks; c++) acc[h][c] = _mm512_setzero_ps();
        for (int p = 0; p < length; p++) {
            const uint16_t *v = row_at(kv, table, block_stride, v_offset, block_size, row_stride, p);
            for (int c = 0; c < chunks; c++) {
                const __m512 vr = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(v + 16 * c)));
                for (int h = 0; h < hn; h++)
                    acc[h][c] = _mm512_fmadd_ps(_mm512_set1_ps(scores[(long)(h0 + h) * length + p]), vr, acc[h][c]);
            }
        }
        for (int h = 0; h < hn; h++)
            for (int c = 0; c < chunks; c++) _mm512_storeu_ps(out + (long)(h0 + h) * out_stride + 16 * c, acc[h][c]);
    }
}

static int has_avx512;
__attribute__((constructor)) static void loom_attention_init(void) {
    __builtin_cpu_init();
    has_avx512 = __builtin_cpu_supports("avx512f");
}

void loom_attention_group(const float *q, int heads, int q_stride, int head_dim, const uint16_t *kv,
                          const int32_t *table, long block_stride, long k_offset, long v_offset, int block_size,
                          int row_stride, int length, float scale, float *scores, float *out, int out_stride) {
    if (has_avx512 && head_dim % 16 == 0 && head_dim <= MAX_HEAD_DIM)
        attention_avx512(q, heads, q_stride, head_dim, kv, table, block_stride, k_offset, v_offset, block_size,
                         row_stride, length, scale, scores, out, out_stride);
    else
        attention_scalar(q, heads, q_stride, head_dim, kv, table, block_stride, k_offset, v_offset, block_size,
                         row_stride, length, scale, scores, out, out_stride);
}
