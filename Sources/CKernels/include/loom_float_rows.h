#ifndef LOOM_FLOAT_ROWS_H
#define LOOM_FLOAT_ROWS_H
#include <stddef.h>

// Products y = x · Wᵀ with F32, F16 or BF16 weights, read in their own type where they lie (no
// conversion of the matrix): y[b][r] = Σ_k W[r][k] · x[b][k].
//
// Every output value has one order of float operations, whatever the batch, the row range or the
// thread: 16 lanes, lane l adds W[r][k]·x[b][k] for k ≡ l (mod 16) in increasing k by fused
// multiply-adds (half and bfloat16 values widen to float exactly), then the lanes add as a tree
// (l + 8, then + 4, + 2, + 1). The AVX-512 code and the portable code give the same bits.

/// ggml_type numbers of the weight types taken here.
enum { LOOM_FLOAT_F32 = 0, LOOM_FLOAT_F16 = 1, LOOM_FLOAT_BF16 = 30 };

/// 1 if `type` is F32, F16 or BF16.
int loom_float_rows_supported(int type);

/// Output rows [r0, r1) of y (row stride ldy) for activation rows [0, batch) of x (row stride ldx).
/// `w` is the first weight row, `row_bytes` apart. `portable` forces the portable code (for tests).
void loom_float_rows(int type, const void *w, size_t row_bytes, int cols, int r0, int r1, const float *x, size_t ldx,
                     int batch, float *y, size_t ldy, int portable);

#endif
