// Layouts shared by the kernels of every instruction set.
#ifndef LOOM_CK_INTERNAL_H
#define LOOM_CK_INTERNAL_H
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "ckernels.h"

// ggml_type numbers of the types with integer kernels.
enum {
    CK_Q4_0 = 2, CK_Q4_1 = 3, CK_Q5_0 = 6, CK_Q5_1 = 7, CK_Q8_0 = 8,
    CK_Q4_K = 12, CK_Q5_K = 13, CK_Q6_K = 14,
};

// How a weight value w = scale · u + correction is split for the integer dot product, where u is the
// unsigned integer the panel holds:
//   CK_OFFSET: correction = −offset · scale (Q4_0, Q5_0, Q8_0, Q6_K). Folded into the integer dot:
//              Σ u·a − offset·Σ a, with offset·Σ a precomputed per activation group (per unit of 4
//              values for 32-value blocks, whose lanes are summed in float).
//   CK_MIN:    correction = min, a float per block (Q4_1, Q5_1, Q4_K, Q5_K): adds min · d_a · Σ a.
enum { CK_OFFSET = 0, CK_MIN = 1 };

// Activation quantization schemes, as ggml's vec_dot_type for each weight type, so results track
// llama.cpp's: Q8_0 (scale per 32, rounded to f16), Q8_1 (the same plus d·Σq in f16), Q8_K (one
// f32 scale per 256, ggml's rounding).
enum { CK_ACT_Q8_0 = 0, CK_ACT_Q8_1 = 1, CK_ACT_Q8_K = 2 };

typedef struct {
    int type;
    int block;       // values per weight block (32 or 256)
    int block_bytes; // bytes per weight block
    int g;           // values per scale group in panel and activations (16 or 32)
    int kind;        // CK_OFFSET or CK_MIN
    int offset;      // zero point for CK_OFFSET
    int act;         // CK_ACT_*
    int exact;       // CK_ARITH_EXACT: the 32-value blocks in llama.cpp's float order
} ck_format;

// Returns 0 for types without an integer kernel.
static inline int ck_format_of(int type, int arithmetic, ck_format *f) {
    const int exact = arithmetic == CK_ARITH_EXACT;
    switch (type) {
    case CK_Q4_0: *f = (ck_format){type, 32, 18, 32, CK_OFFSET, 8, CK_ACT_Q8_0, exact}; return 1;
    case CK_Q4_1: *f = (ck_format){type, 32, 20, 32, CK_MIN, 0, CK_ACT_Q8_1, exact}; return 1;
    case CK_Q5_0: *f = (ck_format){type, 32, 22, 32, CK_OFFSET, 16, CK_ACT_Q8_0, exact}; return 1;
    case CK_Q5_1: *f = (ck_format){type, 32, 24, 32, CK_MIN, 0, CK_ACT_Q8_1, exact}; return 1;
    case CK_Q8_0: *f = (ck_format){type, 32, 34, 32, CK_OFFSET, 128, CK_ACT_Q8_0, exact}; return 1;
    case CK_Q4_K: *f = (ck_format){type, 256, 144, 32, CK_MIN, 0, CK_ACT_Q8_K, exact}; return 1;
    case CK_Q5_K: *f = (ck_format){type, 256, 176, 32, CK_MIN, 0, CK_ACT_Q8_K, exact}; return 1;
    case CK_Q6_K: *f = (ck_format){type, 256, 210, 16, CK_OFFSET, 32, CK_ACT_Q8_K, exact}; return 1;
    default: return 0;
    }
}

static inline size_t ck_align64(size_t n) { return (n + 63) & ~(size_t)63; }

// Two arithmetics, both with one fixed order per output value whatever the batch, the row range or
// the thread (see ckernels.h):
// - fast (every type): one float accumulator per output; per group, the group's exact integer dot,
//   acc = fma(dot, d_w·d_a, acc), then for mins acc = fma(m, s, acc). A group is a 32-value block,
//   or a K-quant's sub-block of 32 (16 for Q6_K).
// - exact (the 32-value-block types, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0): llama.cpp's float arithmetic to
//   the bit (ggml's x86 vec_dot, and tinyBLAS): per block, each unit of 4 values is an exact integer
//   lane with its own float accumulator, acc[u] = fma(d_w·d_a, lane[u], acc[u]); for Q4_1 / Q5_1 a
//   separate float sum of m·s; the result is ck_hsum8(acc) (+ that sum). The K-quants have no
//   llama.cpp order here: they take the fast arithmetic in both.
static inline int ck_per_unit(const ck_format *f) { return f->block == 32 && f->exact; }

// Corrections per group and activation row: one per unit (lane) for the offset types of 32-value
// blocks, else one per group.
static inline int ck_corrections(const ck_format *f) { return ck_per_unit(f) && f->kind == CK_OFFSET ? f->g / 4 : 1; }

// ggml's hsum_float_8, in its order of float additions.
static inline float ck_hsum8(const float *a) { return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7])); }

// ---- Activations: `batch` rows of `cols` values, quantized ----
// Group-major, so that a tile finds the groups of its activation rows side by side:
//   q:    int8 [cols/g][batch][g]
//   da:   float [cols/g][batch]      scale of each group
//   corr: [cols/g][batch][n]         CK_OFFSET: int32 −offset·Σq, the integer dot's starting value,
//                                    per unit of 4 values (n = 8) for 32-value blocks, else per
//                                    group (n = 1); CK_MIN: float d·Σq (ggml's s), n = 1
// Group k of row b is element k·batch + b of da (and starts element n·(k·batch + b) of corr), and
// starts at q + (k·batch + b)·g.
typedef struct {
    const int8_t *q;
    const float *da;
    const void *corr;
    size_t batch;
} ck_acts;

static inline size_t ck_acts_layout(const ck_format *f, int batch, int cols, size_t *da_at, size_t *corr_at) {
    const size_t groups = (size_t)batch * (size_t)(cols / f->g);
    *da_at = ck_align64((size_t)batch * (size_t)cols);
    *corr_at = *da_at + ck_align64(4 * groups);
    return *corr_at + ck_align64(4 * groups * (size_t)ck_corrections(f));
}

static inline ck_acts ck_acts_view(const ck_format *f, const void *base, int batch, int cols) {
    size_t da_at, corr_at;
    ck_acts_layout(f, batch, cols, &da_at, &corr_at);
    const uint8_t *p = (const uint8_t *)base;
    return (ck_acts){(const int8_t *)p, (const float *)(p + da_at), p + corr_at, (size_t)batch};
}

// ---- Panel: the weights of 16 output rows, unpacked for the integer kernels ----
// For every group of g values along k: g/4 units of 64 bytes, then 16 floats of scales, then for
// CK_MIN 16 floats of mins. In unit u, bytes [4i, 4i+4) hold values 4u…4u+3 of the group for row i,
// so one 32-bit lane of a dot product is one row, and the 4 activation bytes it meets are one
// broadcast dword. Scale and min of row i are lane i.
#define CK_PANEL_ROWS 16

static inline size_t ck_panel_stride(const ck_format *f) {
    return (size_t)(f->g / 4) * 64 + 64 + (f->kind == CK_MIN ? 64 : 0);
}

// ---- Half precision in portable C (exact; used off the hot loops) ----

static inline float ck_bits_to_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t ck_float_to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static inline float ck_half_to_float(uint16_t h) {
    const uint32_t w = (uint32_t)h << 16, sign = w & 0x80000000u, two_w = w + w;
    const float normalized = ck_bits_to_float((two_w >> 4) + (0xE0u << 23)) * 0x1.0p-112f;
    const float denormalized = ck_bits_to_float((two_w >> 17) | (126u << 23)) - 0.5f;
    const uint32_t bits = two_w < (1u << 27) ? ck_float_to_bits(denormalized) : ck_float_to_bits(normalized);
    return ck_bits_to_float(sign | bits);
}

static inline uint16_t ck_float_to_half(float f) {
    const uint32_t x = ck_float_to_bits(f), sign = (x >> 16) & 0x8000u, abs = x & 0x7fffffffu;
    if (abs > 0x7f800000u) return (uint16_t)(sign | 0x7e00u);            // NaN
    if (abs >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u);            // rounds to infinity
    if (abs < 0x38800000u) {                                               // subnormal or zero
        const float r = ck_bits_to_float(abs) + 0.5f;                     // the FPU rounds (nearest even)
        return (uint16_t)(sign | (ck_float_to_bits(r) - ck_float_to_bits(0.5f)));
    }
    const uint32_t odd = (abs >> 13) & 1;
    return (uint16_t)(sign | ((abs + 0xc8000fffu + odd) >> 13));          // rebias exponent, round
}

static inline float ck_round_to_half(float f) { return ck_half_to_float(ck_float_to_half(f)); }

static inline uint16_t ck_load_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ck_load_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t ck_load_u64(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline float ck_load_half(const uint8_t *p) { return ck_half_to_float(ck_load_u16(p)); }

// Per instruction set entry points (ck_scalar.c, ck_avx2.c, ck_avx512.c).
void ck_quantize_acts_scalar(const ck_format *f, const float *x, size_t ldx, int cols, int b0, int b1, int batch, void *acts);
void ck_matmul_rows_scalar(const ck_format *f, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1,
                           const void *acts, int batch, float *y, size_t ldy, uint8_t *panel);
void ck_quantize_acts_avx2(const ck_format *f, const float *x, size_t ldx, int cols, int b0, int b1, int batch, void *acts);
void ck_matmul_rows_avx2(const ck_format *f, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1,
                         const void *acts, int batch, float *y, size_t ldy, uint8_t *panel);
void ck_quantize_acts_avx512(const ck_format *f, const float *x, size_t ldx, int cols, int b0, int b1, int batch, void *acts);
void ck_matmul_rows_avx512(const ck_format *f, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1,
                           const void *acts, int batch, float *y, size_t ldy, uint8_t *panel);

#endif
