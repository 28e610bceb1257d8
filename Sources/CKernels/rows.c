// Row-wise decoder steps with llama.cpp's rounding (see loom_rows.h). In C so that they run at vector
// speed: Swift's generic code made these serial loops a tenth of a batched step.
#include "loom_rows.h"
#include "ckernels.h"
#include <math.h>

#pragma STDC FP_CONTRACT OFF

void loom_rms_norm(const float *x, const float *weight, float *out, int rows, int n, float eps) {
    // Eight rows at a time: each row's sum is one chain of dependent double adds, so eight chains
    // side by side keep the adder busy.
    for (int r0 = 0; r0 < rows; r0 += 8) {
        const int m = rows - r0 < 8 ? rows - r0 : 8;
        double sum[8] = {0};
        for (int i = 0; i < n; i++)
            for (int r = 0; r < m; r++) {
                const float v = x[(long)(r0 + r) * n + i];
                sum[r] += (double)(v * v);
            }
        for (int r = 0; r < m; r++) {
            const float mean = (float)(sum[r] / n), scale = 1.0f / sqrtf(mean + eps);
            const float *xr = x + (long)(r0 + r) * n;
            float *o = out + (long)(r0 + r) * n;
            for (int i = 0; i < n; i++) {
                const float y = xr[i] * scale;
                o[i] = y * weight[i];
            }
        }
    }
}

static inline __attribute__((always_inline)) void rope_heads(float *x, int heads, int head_dim, int rope_dim,
                                                             const float *cos, const float *sin) {
    for (int h = 0; h < heads; h++) {
        float *v = x + (long)h * head_dim;
        for (int i = 0; i < rope_dim / 2; i++) {
            const float x0 = v[2 * i], x1 = v[2 * i + 1];
            v[2 * i] = fmaf(x0, cos[i], -(x1 * sin[i]));
            v[2 * i + 1] = fmaf(x0, sin[i], x1 * cos[i]);
        }
    }
}

// With FMA enabled fmaf is one instruction; without, a libm call giving the same bits.
__attribute__((target("fma")))
static void rope_fma(float *x, int heads, int head_dim, int rope_dim, const float *cos, const float *sin) {
    rope_heads(x, heads, head_dim, rope_dim, cos, sin);
}

void loom_rope(float *x, int heads, int head_dim, int rope_dim, const float *cos, const float *sin) {
#if defined(__x86_64__)
    if (ck_best_isa() >= CK_ISA_AVX2) { rope_fma(x, heads, head_dim, rope_dim, cos, sin); return; }  // AVX2 level includes FMA
#endif
    rope_heads(x, heads, head_dim, rope_dim, cos, sin);
}
