#ifndef LOOM_ATTENTION_H
#define LOOM_ATTENTION_H
#include <stdint.h>

// Attention of one token over its sequence's paged half-precision KV cache, for the query heads that
// share one KV head (grouped-query attention): each K and V row is read and widened once for all of them.
//
// The cache is a pool of blocks; block b's K rows for this layer and KV head start at
// `kv + b * block_stride + k_offset`, its V rows at `kv + b * block_stride + v_offset`; rows within a
// block are `row_stride` halfs apart. `table` lists the sequence's blocks in position order.
//
// For each of the `heads` queries (q + h * q_stride, head_dim floats, already rounded to half
// precision), over positions 0..<length: scores = q·k × scale, softmax, weights rounded to half
// precision, out (out + h * out_stride) = Σ weight × v. `scores` is scratch for heads × length floats.
//
// The arithmetic is llama.cpp's CPU attention without flash attention, float operation for float
// operation. llama.cpp sums the products q·k and weight·v in one of two orders, by the number of
// tokens its batch holds. Loom's default (fast) arithmetic uses TILED for every position, so that a
// position computes the same numbers as a prompt token and as a decoded one (a prefix-cache hit
// changes nothing); its exact arithmetic picks the order per sequence, by the token's place in its
// own sequence, so that one sequence's numbers never depend on the others in the batch:
enum {
    LOOM_ORDER_DOT = 0,    // one token (a decode step): ggml_vec_dot_f16, 4 × 16 lanes, tail in double
    LOOM_ORDER_TILED = 1,  // two or more (a prompt chunk): tinyBLAS, 16 lanes
};

void loom_attention_group(const float *q, int heads, int q_stride, int head_dim,
                          const uint16_t *kv, const int32_t *table, long block_stride, long k_offset, long v_offset,
                          int block_size, int row_stride, int length, float scale, int order, float *scores,
                          float *out, int out_stride);

/// The same with the portable code, whatever the CPU (for tests: both must agree to the bit).
void loom_attention_group_portable(const float *q, int heads, int q_stride, int head_dim,
                                   const uint16_t *kv, const int32_t *table, long block_stride, long k_offset,
                                   long v_offset, int block_size, int row_stride, int length, float scale, int order,
                                   float *scores, float *out, int out_stride);

/// Attention of `tokens` consecutive positions of one sequence in the TILED order: token t (its query
/// heads at q + t * q_token_stride + h * head_dim) attends to `length + t` positions, and its output
/// goes to out + t * out_token_stride + h * head_dim. Each token's numbers are loom_attention_group's
/// for it alone, to the bit (the positions past its own carry weight 0, and adding 0 changes no sum),
/// while each K row is read once for all the tokens and each V row once per few heads of them.
/// `scratch` holds loom_attention_chunk_scratch(...) floats.
void loom_attention_chunk(const float *q, int tokens, int heads, int q_token_stride, int head_dim,
                          const uint16_t *kv, const int32_t *table, long block_stride, long k_offset, long v_offset,
                          int block_size, int row_stride, int length, float scale, float *scratch,
                          float *out, int out_token_stride);

long loom_attention_chunk_scratch(int tokens, int heads, int head_dim, int length);

#endif
