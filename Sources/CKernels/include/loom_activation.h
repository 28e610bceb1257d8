#ifndef LOOM_ACTIVATION_H
#define LOOM_ACTIVATION_H

/// SwiGLU's gate, in place: gate[i] = silu(gate[i]) · up[i], with silu(x) = x / (1 + exp(−x)) computed
/// as llama.cpp computes it (its exp polynomial, 16 values at a time, libm's expf for the rest), then
/// rounded to float before the product, as llama.cpp's separate silu and mul operations do.
void loom_silu_mul(float *gate, const float *up, int n);

#endif
