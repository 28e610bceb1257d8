// Public entry points: pick the instruction set, validate it against the CPU, and size scratch.
#include "ckernels.h"
#include "ck_internal.h"

int ck_best_isa(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni"))
        return CK_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        return CK_ISA_AVX2;
#endif
    return CK_ISA_SCALAR;
}

// A request for more than the CPU has falls back to what it has, never to an illegal instruction.
static int ck_usable_isa(int isa) {
    static int best = -1;
    int known = __atomic_load_n(&best, __ATOMIC_RELAXED);
    if (known < 0) {
        known = ck_best_isa();
        __atomic_store_n(&best, known, __ATOMIC_RELAXED);
    }
    return isa < known ? isa : known;
}

int ck_has_int8_kernel(int type) {
    ck_format f;
    return ck_format_of(type, CK_ARITH_FAST, &f);
}

int ck_act_format(int type, int arithmetic) {
    ck_format f;
    if (!ck_format_of(type, arithmetic, &f)) return 0;
    return 1 << 30 | ck_per_unit(&f) << 28 | f.act << 24 | f.g << 16 | f.kind << 8 | f.offset;
}

size_t ck_act_bytes(int type, int arithmetic, int batch, int cols) {
    ck_format f;
    if (!ck_format_of(type, arithmetic, &f)) return 0;
    size_t da_at, corr_at;
    return ck_acts_layout(&f, batch, cols, &da_at, &corr_at);
}

size_t ck_panel_bytes(int type, int cols) {
    ck_format f;
    if (!ck_format_of(type, CK_ARITH_FAST, &f)) return 0;
    return ck_panel_stride(&f) * (size_t)(cols / f.g);
}

void ck_quantize_acts(int isa, int type, int arithmetic, const float *x, size_t ldx, int cols, int b0, int b1, int batch,
                      void *acts) {
    ck_format f;
    if (!ck_format_of(type, arithmetic, &f)) return;
    switch (ck_usable_isa(isa)) {
#if defined(__x86_64__)
    case CK_ISA_AVX512: ck_quantize_acts_avx512(&f, x, ldx, cols, b0, b1, batch, acts); break;
    case CK_ISA_AVX2: ck_quantize_acts_avx2(&f, x, ldx, cols, b0, b1, batch, acts); break;
#endif
    default: ck_quantize_acts_scalar(&f, x, ldx, cols, b0, b1, batch, acts); break;
    }
}

void ck_matmul_rows(int isa, int type, int arithmetic, const void *w, size_t row_bytes, int cols, int r0, int r1,
                    const void *acts, int batch, float *y, size_t ldy, void *panel) {
    ck_format f;
    if (!ck_format_of(type, arithmetic, &f)) return;
    switch (ck_usable_isa(isa)) {
#if defined(__x86_64__)
    case CK_ISA_AVX512: ck_matmul_rows_avx512(&f, w, row_bytes, cols, r0, r1, acts, batch, y, ldy, panel); break;
    case CK_ISA_AVX2: ck_matmul_rows_avx2(&f, w, row_bytes, cols, r0, r1, acts, batch, y, ldy, panel); break;
#endif
    default: ck_matmul_rows_scalar(&f, w, row_bytes, cols, r0, r1, acts, batch, y, ldy, panel); break;
    }
}
