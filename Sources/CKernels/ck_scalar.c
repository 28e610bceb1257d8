// Portable integer kernels: the same panels and activations as the SIMD kernels, in plain loops.
// For CPUs without AVX2 and as a cross-check of the others in tests.
#include "ck_internal.h"

#define CK_SUFFIX(name) name##_scalar
#define CK_TILE_BATCH 8
#include "ck_generic.h"

static void tile_scalar(const ck_format *f, const uint8_t *panel, int groups, const ck_acts *a, int b, int bt,
                        float *y, size_t ldy, int nrows) {
    const size_t stride = ck_panel_stride(f), gs = a->groups;
    const int units = f->g / 4;
    for (int j = 0; j < bt; j++) {
        const int8_t *q = a->q + (size_t)(b + j) * a->cols;
        const float *da = a->da + (size_t)(b + j) * gs;
        const int32_t *offsets = (const int32_t *)a->corr + (size_t)(b + j) * gs;
        const float *sums = (const float *)a->corr + (size_t)(b + j) * gs;
        for (int i = 0; i < nrows; i++) {
            float acc = 0.f;
            for (int g = 0; g < groups; g++) {
                const uint8_t *p = panel + (size_t)g * stride;
                const float *scale = (const float *)(p + 64 * units);
                const int8_t *qg = q + (size_t)g * (size_t)f->g;
                int32_t dot = f->kind == CK_OFFSET ? offsets[g] : 0;
                for (int u = 0; u < units; u++)
                    for (int e = 0; e < 4; e++) dot += (int32_t)p[64 * u + 4 * i + e] * qg[4 * u + e];
                acc += (float)dot * (scale[i] * da[g]);
                if (f->kind == CK_MIN) acc += scale[16 + i] * sums[g];
            }
            y[(size_t)j * ldy + i] = acc;
        }
    }
}

void ck_matmul_rows_scalar(const ck_format *f, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1,
                           const void *acts, int batch, float *y, size_t ldy, uint8_t *panel) {
    CK_MATMUL_SWITCH(tile_scalar)
}
