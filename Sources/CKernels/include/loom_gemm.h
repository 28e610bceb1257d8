#ifndef LOOM_GEMM_H
#define LOOM_GEMM_H
#include <stddef.h>
#include <stdint.h>

// Single-precision matrix products for the vision tower: a cache-blocked AVX-512 SGEMM whose right-hand
// matrix is packed once (weights at load time), with bias, activation and residual fused into the
// store. Callers check `loom_gemm_available()` and use cblas_sgemm plus `loom_bias_activation_rows`
// on CPUs without AVX-512. The row operations (softmax, layer norm) work on any CPU.

/// Columns of one packed panel: the width the micro-kernel computes at once.
#define LOOM_GEMM_PANEL 32

/// Activation applied as a product is stored. Both GELUs are ggml's: the input is rounded to half
/// precision, looked up in a table of half-precision results (`GGML_GELU_FP16`, `GGML_GELU_QUICK_FP16`).
typedef enum {
    LOOM_ACT_NONE = 0,
    LOOM_ACT_GELU = 1,        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); x ≤ −10 → 0, x ≥ 10 → x
    LOOM_ACT_GELU_QUICK = 2,  // x·σ(1.702·x)
} loom_activation;

/// 1 when this CPU runs the AVX-512 kernels (`loom_gemm`, the packing functions).
int loom_gemm_available(void);

/// Floats a packed n-column, k-deep right-hand matrix takes (n rounded up to whole panels).
size_t loom_gemm_packed_count(int n, int k);

/// Packs B for C = A·Bᵀ, B being n rows of k values (row stride ldb): weights as ggml stores them.
void loom_gemm_pack_nt(const float *b, int ldb, int n, int k, float *packed);

/// Packs B for C = A·B, B being k rows of n values (row stride ldb).
void loom_gemm_pack_nn(const float *b, int ldb, int k, int n, float *packed);

/// Element types of a packed B: F32, or 16-bit values kept as the file stores them (ggml_type numbers).
typedef enum {
    LOOM_GEMM_F32 = 0,
    LOOM_GEMM_F16 = 1,
    LOOM_GEMM_BF16 = 30,
} loom_gemm_type;

/// `loom_gemm_pack_nt` for 16-bit values (F16 or BF16 bit patterns, copied as they are), into
/// `loom_gemm_packed_count(n, k)` halves: the panels take half the memory of F32 ones.
void loom_gemm_pack_nt_halves(const uint16_t *b, int ldb, int n, int k, uint16_t *packed);

typedef struct {
    int m, n, k;
    const float *a;          // (m, k), row stride lda
    int lda;
    const void *packed_b;    // from loom_gemm_pack_nt / _nn (floats), or _nt_halves (see loom_gemm_typed)
    float *c;                // (m, n), row stride ldc
    int ldc;
    const float *bias;       // n values, or NULL
    int accumulate;          // nonzero: C = act(C + A·B + bias), else C = act(A·B + bias)
    loom_activation activation;
} loom_gemm_args;

/// Computes share `part` of `parts` of the product (whole panels of columns, or of rows when there are
/// fewer panels than parts). Running every part, on any threads, computes all of C.
void loom_gemm(const loom_gemm_args *args, int part, int parts);

/// `loom_gemm` with a packed B of `type`. F16 and BF16 panels are widened to F32 a slice (at most
/// 768 steps × 32 columns) at a time, into a buffer of the calling thread that the micro-kernel then
/// reads as it reads F32 panels: widening is exact, so C gets the bits the F32 product of the widened
/// B would give, and each row of C the same bits whatever rows are computed with it.
void loom_gemm_typed(const loom_gemm_args *args, loom_gemm_type type, int part, int parts);

/// C = act(P [+ C] + bias) over `rows` rows of n values, P's rows ldp apart (P may be C when not
/// accumulating): the epilogue of `loom_gemm` for products computed elsewhere, in the same order.
void loom_gemm_epilogue_rows(float *c, int ldc, const float *p, int ldp, int rows, int n, const float *bias,
                             int accumulate, loom_activation activation);

/// C = act(C + bias) over `rows` rows of n values: the epilogue of `loom_gemm` for other products.
void loom_bias_activation_rows(float *c, int ldc, int rows, int n, const float *bias, loom_activation activation);

/// Softmax of each of `rows` rows of n values, in place.
void loom_softmax_rows(float *x, int ldx, int rows, int n);

/// Layer norm of each row: out = (x − mean) / √(variance + eps) · weight + bias.
void loom_layer_norm_rows(const float *x, int ldx, float *out, int ldo, int rows, int n,
                          const float *weight, const float *bias, float eps);

#endif
