#ifndef LOOM_ROWS_H
#define LOOM_ROWS_H

// The decoder's row-wise steps between matrix products, rounded as llama.cpp's CPU build rounds them.

/// RMSNorm of `rows` rows of n floats (rows n apart): out = x · (1 / sqrt(mean(x²) + eps)) · weight,
/// with the squares summed in double in order and the mean rounded to float, as ggml does.
void loom_rms_norm(const float *x, const float *weight, float *out, int rows, int n, float eps);

/// Rotary embedding of `heads` heads (head_dim apart) at one position: each adjacent pair of the first
/// rope_dim values turns by the angle whose cosine and sine are cos[i], sin[i] (rope_dim / 2 each).
/// x0·cos − x1·sin and x0·sin + x1·cos each round one product and fuse the other, as gcc contracts them.
void loom_rope(float *x, int heads, int head_dim, int rope_dim, const float *cos, const float *sin);

#endif
