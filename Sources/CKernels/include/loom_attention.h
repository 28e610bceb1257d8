#ifndef LOOM_ATTENTION_H
#define LOOM_ATTENTION_H
#include <stdint.h>

// Decode-time attention over a paged half-precision KV cache, for the query heads that share one
// KV head (grouped-query attention): each K and V row is read and widened once for all of them.
//
// The cache is a pool of blocks; block b's K rows for this layer and KV head start at
// `kv + b * block_stride + k_offset`, its V rows at `kv + b * block_stride + v_offset`; rows within a
// block are `row_stride` halfs apart. `table` lists the sequence's blocks in position order.
//
// For each of the `heads` queries (q + h * q_stride, head_dim floats, already rounded to half
// precision), over positions 0..<length: scores = q·k × scale, softmax, weights rounded to half
// precision, out (out + h * out_stride) = Σ weight × v. `scores` is scratch for heads × length floats.
// The arithmetic is llama.cpp's without flash attention: half-precision K, Q, V and weights, f32 sums.
void loom_attention_group(const float *q, int heads, int q_stride, int head_dim,
                          const uint16_t *kv, const int32_t *table, long block_stride, long k_offset, long v_offset,
                          int block_size, int row_stride, int length, float scale, float *scores,
                          float *out, int out_stride);

#endif
