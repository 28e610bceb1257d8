// Row operations between the vision tower's matrix products: softmax (attention) and layer norm.
// AVX-512 where the CPU has it, else portable C; chosen once, on first use.
#include "loom_gemm.h"
#include <immintrin.h>
#include <math.h>
#include <pthread.h>

// MARK: - Portable

static void softmax_row_scalar(float *x, int n) {
    float max = -INFINITY;
    for (int i = 0; i < n; i++) max = x[i] > max ? x[i] : max;
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
        x[i] = expf(x[i] - max);
        sum += x[i];
    }
    float scale = 1.0f / sum;
    for (int i = 0; i < n; i++) x[i] *= scale;
}

static void layer_norm_row_scalar(const float *x, float *out, int n, const float *w, const float *b, float eps) {
    float sum = 0.0f;
    for (int i = 0; i < n; i++) sum += x[i];
    float mean = sum / n, squares = 0.0f;
    for (int i = 0; i < n; i++) squares += (x[i] - mean) * (x[i] - mean);
    float scale = 1.0f / sqrtf(squares / n + eps);
    for (int i = 0; i < n; i++) out[i] = (x[i] - mean) * scale * w[i] + b[i];
}

// MARK: - AVX-512

#define AVX512 __attribute__((target("avx512f")))

/// e^x for x ≤ 0 (softmax inputs less their maximum): 2^n · e^r with |r| ≤ ln2/2, e^r by a degree-6
/// polynomial (Cephes' expf coefficients), ln2 split in two so n·ln2 is exact. About 1 ulp.
AVX512 static inline __m512 exp_nonpositive(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-104.0f));  // e^-104 is below the smallest subnormal
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

/// Mask of the lanes of the 16-wide chunk at i that lie inside n.
AVX512 static inline __mmask16 lanes(int i, int n) {
    return n - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - i)) - 1);
}

AVX512 static void softmax_row_avx512(float *x, int n) {
    __m512 vmax = _mm512_set1_ps(-INFINITY);
    for (int i = 0; i < n; i += 16) vmax = _mm512_max_ps(vmax, _mm512_mask_loadu_ps(vmax, lanes(i, n), x + i));
    __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(vmax));
    __m512 sum = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = lanes(i, n);
        __m512 e = exp_nonpositive(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), max));
        sum = _mm512_mask_add_ps(sum, m, sum, e);
        _mm512_mask_storeu_ps(x + i, m, e);
    }
    __m512 scale = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = lanes(i, n);
        _mm512_mask_storeu_ps(x + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), scale));
    }
}

AVX512 static void layer_norm_row_avx512(const float *x, float *out, int n, const float *w, const float *b, float eps) {
    __m512 sum = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(lanes(i, n), x + i));
    __m512 mean = _mm512_set1_ps(_mm512_reduce_add_ps(sum) / n);
    __m512 squares = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = lanes(i, n);
        __m512 d = _mm512_maskz_sub_ps(m, _mm512_maskz_loadu_ps(m, x + i), mean);
        squares = _mm512_fmadd_ps(d, d, squares);
    }
    __m512 scale = _mm512_set1_ps(1.0f / sqrtf(_mm512_reduce_add_ps(squares) / n + eps));
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = lanes(i, n);
        __m512 d = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), mean), scale);
        __m512 y = _mm512_fmadd_ps(d, _mm512_maskz_loadu_ps(m, w + i), _mm512_maskz_loadu_ps(m, b + i));
        _mm512_mask_storeu_ps(out + i, m, y);
    }
}

// MARK: - Dispatch

static void (*softmax_row)(float *, int);
static void (*layer_norm_row)(const float *, float *, int, const float *, const float *, float);
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;

static void resolve(void) {
    int avx512 = loom_gemm_available();
    softmax_row = avx512 ? softmax_row_avx512 : softmax_row_scalar;
    layer_norm_row = avx512 ? layer_norm_row_avx512 : layer_norm_row_scalar;
}

void loom_softmax_rows(float *x, int ldx, int rows, int n) {
    pthread_once(&resolve_once, resolve);
    for (int r = 0; r < rows; r++) softmax_row(x + (size_t)r * ldx, n);
}

void loom_layer_norm_rows(const float *x, int ldx, float *out, int ldo, int rows, int n,
                          const float *weight, const float *bias, float eps) {
    pthread_once(&resolve_once, resolve);
    for (int r = 0; r < rows; r++) layer_norm_row(x + (size_t)r * ldx, out + (size_t)r * ldo, n, weight, bias, eps);
}
