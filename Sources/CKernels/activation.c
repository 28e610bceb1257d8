// SwiGLU's activation with llama.cpp's arithmetic (see loom_activation.h); AVX-512 chosen at run time.
#include "loom_activation.h"
#include "ckernels.h"
#include "ck_internal.h"
#include "ggml_math.h"

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512dq,fma")))
static int silu_mul_avx512(float *gate, const float *up, int n) {
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 x = _mm512_loadu_ps(gate + i);
        const __m512 e = ggml_exp16(_mm512_sub_ps(_mm512_setzero_ps(), x));
        const __m512 silu = _mm512_div_ps(x, _mm512_add_ps(_mm512_set1_ps(1), e));
        _mm512_storeu_ps(gate + i, _mm512_mul_ps(silu, _mm512_loadu_ps(up + i)));
    }
    return i;
}
#endif

void loom_silu_mul(float *gate, const float *up, int n) {
    int i = 0;
#if defined(__x86_64__)
    if (ck_best_isa() >= CK_ISA_AVX512) i = silu_mul_avx512(gate, up, n);
    else
#endif
    for (; i + 16 <= n; i += 16)
        for (int j = i; j < i + 16; j++) gate[j] = gate[j] / (1.0f + ggml_exp(-gate[j])) * up[j];
    for (; i < n; i++) gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}
