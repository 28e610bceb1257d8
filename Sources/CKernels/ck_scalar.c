// Portable integer kernels: the same panels and activations as the SIMD kernels, in plain loops.
// For CPUs without AVX2 and as a cross-check of the others in tests.
#include "ck_internal.h"

#define CK_SUFFIX(name) name##_scalar
#define CK_TILE_BATCH 8
#include "ck_generic.h"

// 32-value blocks: eight integer lanes per block, each with its own float accumulator (ck_per_unit).
static void tile_scalar_units(const ck_format *f, const uint8_t *panel, int groups, const ck_acts *a, int b, int bt,
                              float *y, size_t ldy, int nrows) {
    const size_t stride = ck_panel_stride(f);
    const int32_t *offsets = (const int32_t *)a->corr;
    const float *sums = (const float *)a->corr;
    for (int j = 0; j < bt; j++) {
        for (int i = 0; i < nrows; i++) {
            float acc[8] = {0}, summs = 0.f;
            for (int g = 0; g < groups; g++) {
                const size_t at = (size_t)g * a->batch + (size_t)(b + j);
                const uint8_t *p = panel + (size_t)g * stride;
                const float *scale = (const float *)(p + 512);
                const int8_t *qg = a->q + at * 32;
                const float dd = scale[i] * a->da[at];
                for (int u = 0; u < 8; u++) {
                    int32_t lane = f->kind == CK_OFFSET ? offsets[8 * at + (size_t)u] : 0;
                    for (int e = 0; e < 4; e++) lane += (int32_t)p[64 * u + 4 * i + e] * qg[4 * u + e];
                    acc[u] = __builtin_fmaf(dd, (float)lane, acc[u]);
                }
                if (f->kind == CK_MIN) summs = __builtin_fmaf(scale[16 + i], sums[at], summs);
            }
            const float dot = ck_hsum8(acc);
            y[(size_t)j * ldy + i] = f->kind == CK_MIN ? dot + summs : dot;
        }
    }
}

// The fast arithmetic (every type in CK_ARITH_FAST, the K-quants in both): one float accumulator per output.
static void tile_scalar_groups(const ck_format *f, const uint8_t *panel, int groups, const ck_acts *a, int b, int bt,
                               float *y, size_t ldy, int nrows) {
    const size_t stride = ck_panel_stride(f);
    const int units = f->g / 4;
    const int32_t *offsets = (const int32_t *)a->corr;
    const float *sums = (const float *)a->corr;
    for (int j = 0; j < bt; j++) {
        for (int i = 0; i < nrows; i++) {
            float acc = 0.f;
            for (int g = 0; g < groups; g++) {
                const size_t at = (size_t)g * a->batch + (size_t)(b + j);
                const uint8_t *p = panel + (size_t)g * stride;
                const float *scale = (const float *)(p + 64 * units);
                const int8_t *qg = a->q + at * (size_t)f->g;
                int32_t dot = f->kind == CK_OFFSET ? offsets[at] : 0;
                for (int u = 0; u < units; u++)
                    for (int e = 0; e < 4; e++) dot += (int32_t)p[64 * u + 4 * i + e] * qg[4 * u + e];
                // Fused as the SIMD kernels fuse them (without FMA hardware, by the library's fmaf).
                acc = __builtin_fmaf((float)dot, scale[i] * a->da[at], acc);
                if (f->kind == CK_MIN) acc = __builtin_fmaf(scale[16 + i], sums[at], acc);
            }
            y[(size_t)j * ldy + i] = acc;
        }
    }
}

static void tile_scalar(const ck_format *f, const uint8_t *panel, int groups, const ck_acts *a, int b, int bt,
                        float *y, size_t ldy, int nrows, const uint8_t *next) {
    if (ck_per_unit(f)) tile_scalar_units(f, panel, groups, a, b, bt, y, ldy, nrows);
    else tile_scalar_groups(f, panel, groups, a, b, bt, y, ldy, nrows);
}

void ck_matmul_rows_scalar(const ck_format *f, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1,
                           const void *acts, int batch, float *y, size_t ldy, uint8_t *panel) {
    CK_MATMUL_SWITCH(tile_scalar)
}
