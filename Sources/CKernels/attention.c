// Grouped-query attention over the paged half-precision KV cache, with llama.cpp's arithmetic (see
// loom_attention.h). In C for F16C/AVX-512 conversions and to keep heads' sums in registers across
// positions; AVX-512 chosen at run time, portable C (same bits) otherwise.
//
// The two summation orders, for Σ x[i]·y[i] over n values whose products are exact in float:
// - DOT (ggml_vec_dot_f16): value i goes to accumulator (i mod 64) / 16, lane i mod 16, for i below
//   n rounded down to 64; the four accumulators fold as (a0 + a2) + (a1 + a3), the lanes add up in
//   _mm512_reduce_add_ps's order, and the remaining values are added one by one in double. For the
//   weighted sum of values n is llama.cpp's padded KV length: `length` rounded up to 32.
// - TILED (tinyBLAS): value i goes to lane i mod 16 of one accumulator, then the lanes add up.
#include "loom_attention.h"
#include "ckernels.h"
#include "ck_internal.h"
#include "ggml_math.h"
#include <stdlib.h>

#define MAX_HEAD_DIM 256  // the portable code's limit; the vector code takes up to 128
// Sums kept for several heads at once: at most 16 registers of 16 floats.
#define MAX_WIDTH 256

typedef struct {
    const uint16_t *kv;
    const int32_t *table;
    long block_stride;
    int block_size, row_stride;
} kv_rows;

static inline const uint16_t *kv_row(const kv_rows *c, long offset, int p) {
    return c->kv + (long)c->table[p / c->block_size] * c->block_stride + offset + (long)(p % c->block_size) * c->row_stride;
}

/// llama.cpp's KV length for a sequence of `length` positions: padded to 32 cells.
static inline int padded_length(int length) { return (length + 31) & ~31; }

// ---- portable ----

static float dot_in_order(const float *x, const float *y, int n, int order) {
    if (order == LOOM_ORDER_TILED) {
        float acc[16] = {0};
        for (int i = 0; i < n; i++) acc[i % 16] = fmaf(x[i], y[i], acc[i % 16]);
        return ggml_sum16(acc);
    }
    const int np = n & ~63;
    float acc[4][16] = {{0}}, folded[16];
    for (int i = 0; i < np; i++) acc[i % 64 / 16][i % 16] = fmaf(x[i], y[i], acc[i % 64 / 16][i % 16]);
    for (int l = 0; l < 16; l++) folded[l] = (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l]);
    double sum = ggml_sum16(folded);
    for (int i = np; i < n; i++) sum += (double)(x[i] * y[i]);
    return (float)sum;
}

static inline float round_to_half(float x) { return ck_half_to_float(ck_float_to_half(x)); }

/// ggml's soft_max: exp over chunks of 16, each chunk's sum added in double, then one reciprocal;
/// the weights come out rounded to half precision, as llama.cpp converts them for the product with V.
static void softmax_portable(float *s, int length) {
    float max = -INFINITY;
    for (int p = 0; p < length; p++) max = s[p] > max ? s[p] : max;
    double sum = 0;
    for (int c = 0; c < length; c += 16) {
        float e[16] = {0};
        for (int l = 0; l < 16 && c + l < length; l++) e[l] = s[c + l] = ggml_exp(s[c + l] - max);
        sum += ggml_sum16(e);
    }
    const float inv = (float)(1.0 / sum);
    for (int p = 0; p < length; p++) s[p] = round_to_half(s[p] * inv);
}

void loom_attention_group_portable(const float *q, int heads, int q_stride, int head_dim, const uint16_t *kv,
                                   const int32_t *table, long block_stride, long k_offset, long v_offset,
                                   int block_size, int row_stride, int length, float scale, int order,
                                   float *scores, float *out, int out_stride) {
    const kv_rows c = {kv, table, block_stride, block_size, row_stride};
    float k[MAX_HEAD_DIM];
    for (int p = 0; p < length; p++) {
        const uint16_t *row = kv_row(&c, k_offset, p);
        for (int i = 0; i < head_dim; i++) k[i] = ck_half_to_float(row[i]);
        for (int h = 0; h < heads; h++) scores[(long)h * length + p] = dot_in_order(k, q + (long)h * q_stride, head_dim, order) * scale;
    }
    for (int h = 0; h < heads; h++) softmax_portable(scores + (long)h * length, length);
    // Σ weight · v per output value: a column of V against the weights, both zero past `length`.
    const int n = order == LOOM_ORDER_DOT ? padded_length(length) : length;
    float *column = calloc((size_t)n, sizeof(float)), *weights = calloc((size_t)n, sizeof(float));
    for (int h = 0; h < heads; h++) {
        for (int p = 0; p < length; p++) weights[p] = scores[(long)h * length + p];
        for (int i = 0; i < head_dim; i++) {
            for (int p = 0; p < length; p++) column[p] = ck_half_to_float(kv_row(&c, v_offset, p)[i]);
            out[(long)h * out_stride + i] = dot_in_order(column, weights, n, order);
        }
    }
    free(column);
    free(weights);
}

// ---- AVX-512 ----
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx2,fma,f16c"))), apply_to = function)

static inline __m512 widen(const uint16_t *h) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)h)); }

/// Where each position's K row lies (its V row is `v_offset - k_offset` further), walked block by
/// block: a per-thread table, grown as needed, so the loops below neither divide nor chase the table.
static const uint16_t **k_rows(const kv_rows *c, long k_offset, int length) {
    static _Thread_local const uint16_t **rows;
    static _Thread_local int capacity;
    if (length > capacity) {
        free(rows);
        capacity = length < 1024 ? 1024 : 2 * length;
        rows = malloc((size_t)capacity * sizeof *rows);
    }
    for (int p = 0; p < length; p += c->block_size) {
        const uint16_t *block = c->kv + (long)c->table[p / c->block_size] * c->block_stride + k_offset;
        for (int r = 0; r < c->block_size && p + r < length; r++) rows[p + r] = block + (long)r * c->row_stride;
    }
    return rows;
}

/// A row of head_dim halfs is 2–4 cache lines: ask for all of them ahead of use.
static inline void prefetch_row(const uint16_t *row, int head_dim) {
    for (int b = 0; b < 2 * head_dim; b += 64) _mm_prefetch((const char *)row + b, _MM_HINT_T0);
}

/// Lane i of the result = the sum of v[i]'s 16 lanes, added in _mm512_reduce_add_ps's order (halves,
/// quarters, eighths, pairs) for all 16 vectors at once: four rounds of pairwise shuffles and adds.
static inline __m512 sum16x16(__m512 *v) {
    static const int32_t pick[4][2][16] = {
        {{0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23}, {8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31}},
        {{0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27}, {4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31}},
        {{0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29}, {2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31}},
        {{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30}, {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31}}};
    for (int round = 0, n = 8; round < 4; round++, n /= 2) {
        const __m512i lo = _mm512_loadu_si512(pick[round][0]), hi = _mm512_loadu_si512(pick[round][1]);
        for (int k = 0; k < n; k++)
            v[k] = _mm512_add_ps(_mm512_permutex2var_ps(v[2 * k], lo, v[2 * k + 1]), _mm512_permutex2var_ps(v[2 * k], hi, v[2 * k + 1]));
    }
    return v[0];
}

/// Scores for 16 positions at a time: per position and head the summation order's lane sums, then
/// one shuffle reduction for all 16.
static void scores_avx512(const uint16_t *const *rows, const float *q, int heads, int q_stride, int head_dim,
                          int length, float scale, int order, float *scores) {
    const int chunks = head_dim / 16, steps = head_dim / 64;
    float k[16][MAX_HEAD_DIM];
    for (int p0 = 0; p0 < length; p0 += 16) {
        const int n = length - p0 < 16 ? length - p0 : 16;
        for (int i = 0; i < 16; i++) {
            if (p0 + i + 16 < length) prefetch_row(rows[p0 + i + 16], head_dim);
            for (int c = 0; c < chunks; c++) _mm512_storeu_ps(k[i] + 16 * c, i < n ? widen(rows[p0 + i] + 16 * c) : _mm512_setzero_ps());
        }
        for (int h = 0; h < heads; h++) {
            const float *qh = q + (long)h * q_stride;
            __m512 lanes[16];
            for (int i = 0; i < 16; i++) lanes[i] = _mm512_setzero_ps();
            if (order == LOOM_ORDER_TILED) {
                // Chunk by chunk for all 16 positions: 16 independent sums in flight rather than one
                // chain at a time, each still adding its chunks in order.
                for (int c = 0; c < chunks; c++) {
                    const __m512 qc = _mm512_loadu_ps(qh + 16 * c);
                    for (int i = 0; i < 16; i++) lanes[i] = _mm512_fmadd_ps(_mm512_loadu_ps(k[i] + 16 * c), qc, lanes[i]);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
                    for (int s = 0; s < steps; s++)
                        for (int j = 0; j < 4; j++)
                            acc[j] = _mm512_fmadd_ps(_mm512_loadu_ps(k[i] + 64 * s + 16 * j), _mm512_loadu_ps(qh + 64 * s + 16 * j), acc[j]);
                    lanes[i] = _mm512_add_ps(_mm512_add_ps(acc[0], acc[2]), _mm512_add_ps(acc[1], acc[3]));
                }
            }
            float sums[16];
            _mm512_storeu_ps(sums, sum16x16(lanes));
            for (int i = 0; i < n; i++) {
                float r = sums[i];
                if (order == LOOM_ORDER_DOT && 64 * steps < head_dim) {  // DOT's tail, in double
                    double sum = r;
                    for (int d = 64 * steps; d < head_dim; d++) sum += (double)(k[i][d] * qh[d]);
                    r = (float)sum;
                }
                scores[(long)h * length + p0 + i] = r * scale;
            }
        }
    }
}

/// The first n (up to 16) lanes.
static inline __mmask16 first_lanes(int n) { return n >= 16 ? 0xffff : (__mmask16)((1u << n) - 1); }

static void softmax_avx512(float *s, int length) {
    __m512 m = _mm512_set1_ps(-INFINITY);
    for (int p = 0; p < length; p += 16) {
        const __mmask16 in = first_lanes(length - p);
        m = _mm512_max_ps(m, _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), in, s + p));
    }
    const __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(m));
    double sum = 0;
    for (int p = 0; p < length; p += 16) {
        const __mmask16 in = first_lanes(length - p);
        const __m512 e = _mm512_maskz_mov_ps(in, ggml_exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(in, s + p), max)));
        _mm512_mask_storeu_ps(s + p, in, e);
        sum += _mm512_reduce_add_ps(e);
    }
    const __m512 inv = _mm512_set1_ps((float)(1.0 / sum));
    for (int p = 0; p < length; p += 16) {
        const __mmask16 in = first_lanes(length - p);
        const __m512 w = _mm512_mul_ps(_mm512_maskz_loadu_ps(in, s + p), inv);
        _mm512_mask_storeu_ps(s + p, in, _mm512_cvtph_ps(_mm512_cvtps_ph(w, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)));
    }
}

/// acc[h · chunks + i] += weight(h0 + h, p) · v_p[16i…16i + 15], for each head of [h0, h0 + hn).
static inline __attribute__((always_inline)) void add_weighted_row(__m512 *acc, const uint16_t *row, const float *scores, int length, int h0, int hn,
                                    int chunks, int p) {
    for (int i = 0; i < chunks; i++) {
        const __m512 v = widen(row + 16 * i);
        for (int h = 0; h < hn; h++)
            acc[h * chunks + i] = _mm512_fmadd_ps(v, _mm512_set1_ps(scores[(long)(h0 + h) * length + p]), acc[h * chunks + i]);
    }
}

/// Per head of [h0, h0 + hn) and output value: the sum over positions p ≡ first (mod stride), p < end,
/// of weight · v in position order, into sums (hn × head_dim floats). hn · head_dim / 16 ≤ 16.
static inline __attribute__((always_inline)) void strided_sums_of(const uint16_t *const *rows, long v_delta, const float *scores,
                                                                   int length, int h0, int hn, int chunks, int first,
                                                                   int stride, int end, float *sums) {
    __m512 acc[16];
    for (int a = 0; a < hn * chunks; a++) acc[a] = _mm512_setzero_ps();
    for (int p = first; p < end; p += stride) {
        if (p + 2 * stride < end) prefetch_row(rows[p + 2 * stride] + v_delta, 16 * chunks);
        add_weighted_row(acc, rows[p] + v_delta, scores, length, h0, hn, chunks, p);
    }
    for (int a = 0; a < hn * chunks; a++) _mm512_storeu_ps(sums + 16 * a, acc[a]);
}

/// The sums with the common shapes' sizes known to the compiler, so that the 16 sums stay in registers
/// (with sizes known only at run time they live in memory, and every product waits on a store).
static void strided_sums(const uint16_t *const *rows, long v_delta, const float *scores, int length, int h0, int hn,
                         int head_dim, int first, int stride, int end, float *sums) {
    const int chunks = head_dim / 16;
    if (chunks == 4 && hn == 4) strided_sums_of(rows, v_delta, scores, length, h0, 4, 4, first, stride, end, sums);
    else if (chunks == 8 && hn == 2) strided_sums_of(rows, v_delta, scores, length, h0, 2, 8, first, stride, end, sums);
    else strided_sums_of(rows, v_delta, scores, length, h0, hn, chunks, first, stride, end, sums);
}

/// DOT's first fold for lane l, in registers: (Σ over p ≡ first, Σ over p ≡ first + 32, both mod 64,
/// each in position order) added, into sums. hn · head_dim / 16 ≤ 8.
static void paired_sums(const uint16_t *const *rows, long v_delta, const float *scores, int length, int h0, int hn,
                        int head_dim, int first, int end, float *sums) {
    const int chunks = head_dim / 16, n = hn * chunks;
    __m512 a[8], b[8];
    for (int k = 0; k < n; k++) a[k] = b[k] = _mm512_setzero_ps();
    for (int p = first; p < end; p += 64) {
        add_weighted_row(a, rows[p] + v_delta, scores, length, h0, hn, chunks, p);
        if (p + 32 < end) add_weighted_row(b, rows[p + 32] + v_delta, scores, length, h0, hn, chunks, p + 32);
    }
    for (int k = 0; k < n; k++) _mm512_storeu_ps(sums + 16 * k, _mm512_add_ps(a[k], b[k]));
}

static inline __m512d low_to_double(__m512 v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
static inline __m512d high_to_double(__m512 v) {
    return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

static inline void add_rows(float *a, const float *b, int n) {
    for (int i = 0; i < n; i += 16) _mm512_storeu_ps(a + i, _mm512_add_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i)));
}

/// Σ weight · v for heads [h0, h0 + hn): lane sums over positions by residue, folded as the order says.
static void values_avx512(const uint16_t *const *rows, long v_delta, const float *scores, int length, int h0, int hn,
                          int head_dim, int order, float *out, int out_stride) {
    const int width = hn * head_dim;
    // lanes[l]: the sums of lane l (positions ≡ l mod 16), one row of `width` values per lane.
    static _Thread_local float lanes[16][MAX_WIDTH], part[MAX_WIDTH];
    int vector_end = length;
    if (order == LOOM_ORDER_TILED) {
        for (int l = 0; l < 16; l++) strided_sums(rows, v_delta, scores, length, h0, hn, head_dim, l, 16, length, lanes[l]);
    } else {
        const int np = padded_length(length) & ~63;
        vector_end = np < length ? np : length;
        for (int l = 0; l < 16; l++) {
            if (l >= vector_end) {  // lanes no position reaches
                for (int i = 0; i < width; i++) lanes[l][i] = 0;
                continue;
            }
            // (a0 + a2) + (a1 + a3), a_j the sums over positions ≡ 16j + l (mod 64).
            paired_sums(rows, v_delta, scores, length, h0, hn, head_dim, l, vector_end, lanes[l]);
            paired_sums(rows, v_delta, scores, length, h0, hn, head_dim, 16 + l, vector_end, part);
            add_rows(lanes[l], part, width);
        }
    }
    for (int half = 8; half >= 1; half /= 2)
        for (int l = 0; l < half; l++) add_rows(lanes[l], lanes[l + half], width);
    for (int h = 0; h < hn; h++) {
        float *o = out + (long)(h0 + h) * out_stride;
        const float *sum = lanes[0] + h * head_dim;
        if (vector_end == length) {
            for (int i = 0; i < head_dim; i += 16) _mm512_storeu_ps(o + i, _mm512_loadu_ps(sum + i));
            continue;
        }
        // DOT's tail: the positions past the last 64, one by one in double.
        for (int i = 0; i < head_dim; i += 16) {
            const __m512 r = _mm512_loadu_ps(sum + i);
            __m512d lo = low_to_double(r), hi = high_to_double(r);
            for (int p = vector_end; p < length; p++) {
                const __m512 product = _mm512_mul_ps(widen(rows[p] + v_delta + i), _mm512_set1_ps(scores[(long)(h0 + h) * length + p]));
                lo = _mm512_add_pd(lo, low_to_double(product));
                hi = _mm512_add_pd(hi, high_to_double(product));
            }
            _mm256_storeu_ps(o + i, _mm512_cvtpd_ps(lo));
            _mm256_storeu_ps(o + i + 8, _mm512_cvtpd_ps(hi));
        }
    }
}

static void attention_avx512(const float *q, int heads, int q_stride, int head_dim, const kv_rows *c, long k_offset,
                             long v_offset, int length, float scale, int order, float *scores, float *out, int out_stride) {
    const uint16_t *const *rows = k_rows(c, k_offset, length);
    scores_avx512(rows, q, heads, q_stride, head_dim, length, scale, order, scores);
    for (int h = 0; h < heads; h++) softmax_avx512(scores + (long)h * length, length);
    // As many heads at once as keep their sums in 16 registers (DOT: two sets of 8).
    const int room = order == LOOM_ORDER_DOT ? 8 : 16, fit = room / (head_dim / 16) > 0 ? room / (head_dim / 16) : 1;
    const int per = fit < 4 ? fit : 4;
    for (int h0 = 0; h0 < heads; h0 += per)
        values_avx512(rows, v_offset - k_offset, scores, length, h0, heads - h0 < per ? heads - h0 : per, head_dim, order, out, out_stride);
}

/// The chunk's queries as `tokens × heads` heads over the last token's positions: scores for all of
/// them at once, each softmax over its own token's positions with the rest weighted 0, then the values.
static void attention_chunk_avx512(const float *q, int count, int head_dim, const kv_rows *c, long k_offset,
                                   long v_offset, int heads, int length, int last, float scale, float *scores, float *out) {
    const uint16_t *const *rows = k_rows(c, k_offset, last);
    scores_avx512(rows, q, count, head_dim, head_dim, last, scale, LOOM_ORDER_TILED, scores);
    for (int h = 0; h < count; h++) {
        const int own = length + h / heads;
        softmax_avx512(scores + (long)h * last, own);
        for (int p = own; p < last; p++) scores[(long)h * last + p] = 0;
    }
    const int fit = 16 / (head_dim / 16), per = fit < 4 ? fit : 4;
    for (int h0 = 0; h0 < count; h0 += per)
        values_avx512(rows, v_offset - k_offset, scores, last, h0, count - h0 < per ? count - h0 : per, head_dim,
                      LOOM_ORDER_TILED, out, head_dim);
}

#pragma clang attribute pop
#endif

long loom_attention_chunk_scratch(int tokens, int heads, int head_dim, int length) {
    const long count = (long)tokens * heads;
    return count * (2L * head_dim + length + tokens - 1);
}

void loom_attention_chunk(const float *q, int tokens, int heads, int q_token_stride, int head_dim,
                          const uint16_t *kv, const int32_t *table, long block_stride, long k_offset, long v_offset,
                          int block_size, int row_stride, int length, float scale, float *scratch,
                          float *out, int out_token_stride) {
    const int count = tokens * heads, last = length + tokens - 1;
    float *queries = scratch, *outputs = queries + (long)count * head_dim, *scores = outputs + (long)count * head_dim;
#if defined(__x86_64__)
    if (ck_best_isa() >= CK_ISA_AVX512 && head_dim % 16 == 0 && head_dim <= 128) {
        for (int t = 0; t < tokens; t++)
            for (int i = 0; i < heads * head_dim; i++) queries[(long)t * heads * head_dim + i] = q[(long)t * q_token_stride + i];
        const kv_rows c = {kv, table, block_stride, block_size, row_stride};
        attention_chunk_avx512(queries, count, head_dim, &c, k_offset, v_offset, heads, length, last, scale, scores, outputs);
        for (int t = 0; t < tokens; t++)
            for (int i = 0; i < heads * head_dim; i++) out[(long)t * out_token_stride + i] = outputs[(long)t * heads * head_dim + i];
        return;
    }
#endif
    (void)queries;
    (void)outputs;
    for (int t = 0; t < tokens; t++)
        loom_attention_group_portable(q + (long)t * q_token_stride, heads, head_dim, head_dim, kv, table, block_stride,
                                      k_offset, v_offset, block_size, row_stride, length + t, scale, LOOM_ORDER_TILED,
                                      scores, out + (long)t * out_token_stride, head_dim);
}

void loom_attention_group(const float *q, int heads, int q_stride, int head_dim, const uint16_t *kv,
                          const int32_t *table, long block_stride, long k_offset, long v_offset, int block_size,
                          int row_stride, int length, float scale, int order, float *scores, float *out, int out_stride) {
#if defined(__x86_64__)
    // Head sizes up to 128 (LLaMA's 64 and 128) keep a head's sums in registers; others go portable.
    if (ck_best_isa() >= CK_ISA_AVX512 && head_dim % 16 == 0 && head_dim <= 128) {
        const kv_rows c = {kv, table, block_stride, block_size, row_stride};
        attention_avx512(q, heads, q_stride, head_dim, &c, k_offset, v_offset, length, scale, order, scores, out, out_stride);
        return;
    }
#endif
    loom_attention_group_portable(q, heads, q_stride, head_dim, kv, table, block_stride, k_offset, v_offset, block_size,
                                  row_stride, length, scale, order, scores, out, out_stride);
}
