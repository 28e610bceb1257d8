#ifndef LOOM_F16_H
#define LOOM_F16_H
#include <stdint.h>

// Half-precision rows for the KV cache. Swift has Float16, but without F16C enabled for the whole
// target its conversions are library calls; these pick F16C/AVX-512 at run time with a portable fallback.

/// dst[i] = f16(src[i]), round to nearest even.
void loom_f32_to_f16(const float *src, uint16_t *dst, int n);
/// dst[i] = f32(src[i]).
void loom_f16_to_f32(const uint16_t *src, float *dst, int n);
/// x[i] = f32(f16(x[i])): rounds a row to half precision in place, as computing in f16 would.
void loom_round_to_f16(float *x, int n);

#endif
