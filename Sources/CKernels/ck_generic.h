// Activation quantization and weight unpacking, written once in plain C and included by each
// instruction-set file under its target attribute (the compiler vectorizes it for that set).
// The includer defines CK_SUFFIX(name).
#include "ck_internal.h"

#define CK_INLINE static inline __attribute__((always_inline))

// ---- activation quantization (ggml's quantize_row_q8_0 / q8_1 / q8_K) ----

// Largest |x[j]|: compares the bit patterns of |x|, which order like the floats (no NaN in activations).
CK_INLINE float ck_abs_max(const float *x, int n) {
    uint32_t m = 0;
    for (int j = 0; j < n; j++) {
        uint32_t u;
        memcpy(&u, x + j, 4);
        u &= 0x7fffffffu;
        m = u > m ? u : m;
    }
    return ck_bits_to_float(m);
}

// Where a row's quantized groups go: group k at q + k·qstride, its scale at da[k·stride] and its
// n corrections (4 bytes each) from corr + 4·n·k·stride.
typedef struct ck_act_row {
    int8_t *q;
    size_t qstride;
    float *da;
    uint8_t *corr;
    size_t stride;
    int n;
} ck_act_row;

// Stores group k's scale and corrections (int32 or float, by their bits).
CK_INLINE void ck_put_group(const ck_act_row *r, int k, float d, const uint32_t *corrections) {
    r->da[(size_t)k * r->stride] = d;
    memcpy(r->corr + 4 * (size_t)r->n * (size_t)k * r->stride, corrections, 4 * (size_t)r->n);
}

// The correction of a group whose values sum to `sum`: ggml's s = d·Σq for mins, −offset·Σq else.
CK_INLINE uint32_t ck_correction(const ck_format *f, float s, int sum) {
    return f->kind == CK_MIN ? ck_float_to_bits(s) : (uint32_t)(-f->offset * sum);
}

// Q8_0 / Q8_1: as ggml's AVX path: q = round-to-even(x · 127/amax), d = amax/127 stored as f16.
CK_INLINE void ck_quantize_32(const ck_format *f, const float *x, int cols, const ck_act_row *r) {
    for (int g = 0; g < cols / 32; g++) {
        const float *xs = x + 32 * g;
        int8_t *qs = r->q + (size_t)g * r->qstride;
        const float amax = ck_abs_max(xs, 32);
        const float d = amax / 127.f, id = amax != 0.f ? 127.f / amax : 0.f;
        int sum = 0, units[8] = {0};
        for (int j = 0; j < 32; j++) {
            const int v = (int)__builtin_rintf(xs[j] * id);
            qs[j] = (int8_t)v;
            sum += v;
            units[j / 4] += v;
        }
        uint32_t corrections[8];
        if (r->n == 8)
            for (int u = 0; u < 8; u++) corrections[u] = (uint32_t)(-f->offset * units[u]);
        else
            corrections[0] = ck_correction(f, ck_round_to_half(d * (float)sum), sum);
        ck_put_group(r, g, ck_round_to_half(d), corrections);
    }
}

// Q8_K: one f32 scale per 256 values, −127/max with max the signed value of largest magnitude
// (first one), round to even, clamped to 127; d = 1/iscale.
CK_INLINE void ck_quantize_256(const ck_format *f, const float *x, int cols, const ck_act_row *r) {
    const int g = f->g, per = 256 / g;
    for (int s = 0; s < cols / 256; s++) {
        const float *xs = x + 256 * s;
        const float amax = ck_abs_max(xs, 256);
        float iscale = 0.f, d = 0.f;
        if (amax != 0.f) {
            float max = amax;
            for (int j = 0; j < 256; j++) {
                if (__builtin_fabsf(xs[j]) == amax) { max = xs[j]; break; }
            }
            iscale = -127.f / max;
            d = 1.f / iscale;
        }
        for (int gi = 0; gi < per; gi++) {
            int8_t *qs = r->q + (size_t)(s * per + gi) * r->qstride;
            int sum = 0;
            for (int j = 0; j < g; j++) {
                const int v = (int)__builtin_rintf(iscale * xs[gi * g + j]);
                qs[j] = (int8_t)(v > 127 ? 127 : v);
                sum += qs[j];
            }
            const uint32_t correction = ck_correction(f, d * (float)sum, sum);
            ck_put_group(r, s * per + gi, d, &correction);
        }
    }
}

// An instruction set with its own block quantizers defines these before including this file.
#ifndef CK_QUANTIZE_32
#define CK_QUANTIZE_32 ck_quantize_32
#endif
#ifndef CK_QUANTIZE_256
#define CK_QUANTIZE_256 ck_quantize_256
#endif

void CK_SUFFIX(ck_quantize_acts)(const ck_format *f, const float *x, size_t ldx, int cols, int b0, int b1, int batch, void *acts) {
    size_t da_at, corr_at;
    ck_acts_layout(f, batch, cols, &da_at, &corr_at);
    uint8_t *base = (uint8_t *)acts;
    const int n = ck_corrections(f);
    for (int b = b0; b < b1; b++) {
        const ck_act_row r = {(int8_t *)base + (size_t)b * (size_t)f->g, (size_t)batch * (size_t)f->g,
                              (float *)(base + da_at) + b, base + corr_at + 4 * (size_t)n * (size_t)b, (size_t)batch, n};
        if (f->act == CK_ACT_Q8_K) CK_QUANTIZE_256(f, x + (size_t)b * ldx, cols, &r);
        else CK_QUANTIZE_32(f, x + (size_t)b * ldx, cols, &r);
    }
}

// ---- weight blocks → unsigned values, scale and min per group (ggml's dequantize_row_*) ----

CK_INLINE void ck_nibbles(const uint8_t *qs, uint8_t *v) {
    for (int j = 0; j < 16; j++) {
        v[j] = qs[j] & 15;
        v[j + 16] = qs[j] >> 4;
    }
}

CK_INLINE void ck_nibbles_high_bit(const uint8_t *qs, uint32_t qh, uint8_t *v) {
    for (int j = 0; j < 16; j++) {
        v[j] = (uint8_t)((qs[j] & 15) | (((qh >> j) & 1) << 4));
        v[j + 16] = (uint8_t)((qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4));
    }
}

// The 6-bit scale and min of sub-block j of a Q4_K / Q5_K super-block.
CK_INLINE void ck_scale_min_k4(int j, const uint8_t *q, int *d, int *m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

CK_INLINE void ck_decode(const int type, const uint8_t *b, uint8_t *v, float *sc, float *mn) {
    switch (type) {
    case CK_Q4_0:
        sc[0] = ck_load_half(b);
        ck_nibbles(b + 2, v);
        break;
    case CK_Q4_1:
        sc[0] = ck_load_half(b);
        mn[0] = ck_load_half(b + 2);
        ck_nibbles(b + 4, v);
        break;
    case CK_Q5_0:
        sc[0] = ck_load_half(b);
        ck_nibbles_high_bit(b + 6, ck_load_u32(b + 2), v);
        break;
    case CK_Q5_1:
        sc[0] = ck_load_half(b);
        mn[0] = ck_load_half(b + 2);
        ck_nibbles_high_bit(b + 8, ck_load_u32(b + 4), v);
        break;
    case CK_Q8_0:
        sc[0] = ck_load_half(b);
        for (int j = 0; j < 32; j++) v[j] = b[2 + j] ^ 0x80;  // q + 128
        break;
    case CK_Q4_K:
    case CK_Q5_K: {
        const float d = ck_load_half(b), dmin = ck_load_half(b + 2);
        const uint8_t *scales = b + 4, *qh = b + 16, *qs = b + (type == CK_Q5_K ? 48 : 16);
        for (int s = 0; s < 8; s++) {
            int is, im;
            ck_scale_min_k4(s, scales, &is, &im);
            sc[s] = d * (float)is;
            mn[s] = -(dmin * (float)im);
        }
        for (int j = 0; j < 4; j++) {
            for (int l = 0; l < 32; l++) {
                const uint8_t byte = qs[32 * j + l];
                uint8_t lo = byte & 15, hi = byte >> 4;
                if (type == CK_Q5_K) {
                    lo |= (uint8_t)(((qh[l] >> (2 * j)) & 1) << 4);
                    hi |= (uint8_t)(((qh[l] >> (2 * j + 1)) & 1) << 4);
                }
                v[64 * j + l] = lo;
                v[64 * j + 32 + l] = hi;
            }
        }
        break;
    }
    case CK_Q6_K: {
        const uint8_t *ql = b, *qh = b + 128;
        const int8_t *scales = (const int8_t *)(b + 192);
        const float d = ck_load_half(b + 208);
        for (int s = 0; s < 16; s++) sc[s] = d * (float)scales[s];
        for (int n = 0; n < 2; n++) {
            const uint8_t *l6 = ql + 64 * n, *h6 = qh + 32 * n;
            uint8_t *o = v + 128 * n;
            for (int l = 0; l < 32; l++) {
                o[l] = (uint8_t)((l6[l] & 15) | ((h6[l] & 3) << 4));
                o[l + 32] = (uint8_t)((l6[l + 32] & 15) | (((h6[l] >> 2) & 3) << 4));
                o[l + 64] = (uint8_t)((l6[l] >> 4) | (((h6[l] >> 4) & 3) << 4));
                o[l + 96] = (uint8_t)((l6[l + 32] >> 4) | (((h6[l] >> 6) & 3) << 4));
            }
        }
        break;
    }
    }
}

// Row i of a group, or the last row for a partial group: the extra lanes are computed and never
// stored, so they may hold anything.
CK_INLINE const uint8_t *ck_group_row(const uint8_t *w, size_t row_bytes, int nrows, int i) {
    return w + (size_t)(i < nrows ? i : nrows - 1) * row_bytes;
}

// Unpacks the 16-row group starting at w (rows [0, nrows) real) into `panel`, one row at a time.
CK_INLINE void ck_pack(const int type, const uint8_t *w, size_t row_bytes, int nrows, int cols, uint8_t *panel) {
    ck_format f;
    ck_format_of(type, CK_ARITH_FAST, &f);  // the panel is the same in both arithmetics
    const size_t stride = ck_panel_stride(&f);
    const int g = f.g, units = g / 4, per = f.block / g, blocks = cols / f.block;
    uint8_t v[256];
    float sc[16], mn[16];
    for (int i = 0; i < CK_PANEL_ROWS; i++) {
        const uint8_t *row = ck_group_row(w, row_bytes, nrows, i);
        for (int blk = 0; blk < blocks; blk++) {
            ck_decode(type, row + (size_t)blk * (size_t)f.block_bytes, v, sc, mn);
            for (int gi = 0; gi < per; gi++) {
                uint8_t *p = panel + (size_t)(blk * per + gi) * stride;
                for (int u = 0; u < units; u++) memcpy(p + 64 * u + 4 * i, v + gi * g + 4 * u, 4);
                float *s = (float *)(p + 64 * units);
                s[i] = sc[gi];
                if (f.kind == CK_MIN) s[16 + i] = mn[gi];
            }
        }
    }
}

// Activation rows per pass over the weights: a chunk of quantized activations stays in L2 while
// every row group of the range meets it.
CK_INLINE int ck_batch_chunk(int cols, int batch) {
    int chunk = (384 * 1024 / cols) & ~7;
    if (chunk < 8) chunk = 8;
    return chunk < batch ? chunk : batch;
}

// The loop every instruction set shares: pack a group of 16 rows, then run `tile` over the batch.
// The first tile of a group is also given the next group's raw rows (`next`), which it may prefetch
// while it computes; the others, and the last group's, get NULL.
// An instruction set with its own unpacking for some types defines CK_PACK before including this.
#ifndef CK_PACK
#define CK_PACK ck_pack
#endif
#define CK_MATMUL_DRIVER(TYPE, TILE)                                                                \
    do {                                                                                            \
        ck_format f_;                                                                               \
        ck_format_of(TYPE, f->exact ? CK_ARITH_EXACT : CK_ARITH_FAST, &f_);                         \
        const ck_acts a_ = ck_acts_view(&f_, acts, batch, cols);                                    \
        const int chunk_ = ck_batch_chunk(cols, batch);                                             \
        for (int b0_ = 0; b0_ < batch; b0_ += chunk_) {                                             \
            const int b1_ = b0_ + chunk_ < batch ? b0_ + chunk_ : batch;                            \
            for (int r_ = r0; r_ < r1; r_ += CK_PANEL_ROWS) {                                       \
                const int nr_ = r1 - r_ < CK_PANEL_ROWS ? r1 - r_ : CK_PANEL_ROWS;                  \
                CK_PACK(TYPE, w + (size_t)r_ * row_bytes, row_bytes, nr_, cols, panel);             \
                const uint8_t *next_ = r_ + nr_ < r1 ? w + (size_t)(r_ + nr_) * row_bytes : NULL;   \
                for (int b_ = b0_; b_ < b1_; b_ += CK_TILE_BATCH) {                                 \
                    const int bt_ = b1_ - b_ < CK_TILE_BATCH ? b1_ - b_ : CK_TILE_BATCH;            \
                    TILE(&f_, panel, cols / f_.g, &a_, b_, bt_, y + (size_t)b_ * ldy + r_, ldy, nr_, \
                         b_ == b0_ ? next_ : NULL);                                                 \
                }                                                                                   \
            }                                                                                       \
        }                                                                                           \
    } while (0)

// One case per type, so that unpacking and kernel are specialised for it.
#define CK_MATMUL_SWITCH(TILE)                                         \
    switch (f->type) {                                                 \
    case CK_Q4_0: CK_MATMUL_DRIVER(CK_Q4_0, TILE); break;              \
    case CK_Q4_1: CK_MATMUL_DRIVER(CK_Q4_1, TILE); break;              \
    case CK_Q5_0: CK_MATMUL_DRIVER(CK_Q5_0, TILE); break;              \
    case CK_Q5_1: CK_MATMUL_DRIVER(CK_Q5_1, TILE); break;              \
    case CK_Q8_0: CK_MATMUL_DRIVER(CK_Q8_0, TILE); break;              \
    case CK_Q4_K: CK_MATMUL_DRIVER(CK_Q4_K, TILE); break;              \
    case CK_Q5_K: CK_MATMUL_DRIVER(CK_Q5_K, TILE); break;              \
    case CK_Q6_K: CK_MATMUL_DRIVER(CK_Q6_K, TILE); break;              \
    }

// Instantiates a tile kernel for every batch size 1...8 (4, 16) and names them in a table.
#define CK_FOR_TILE_BATCH(M, G, KIND) \
    M(G, KIND, 1) M(G, KIND, 2) M(G, KIND, 3) M(G, KIND, 4) M(G, KIND, 5) M(G, KIND, 6) M(G, KIND, 7) M(G, KIND, 8)
#define CK_FOR_TILE_BATCH16(M, G, KIND) CK_FOR_TILE_BATCH(M, G, KIND) \
    M(G, KIND, 9) M(G, KIND, 10) M(G, KIND, 11) M(G, KIND, 12) M(G, KIND, 13) M(G, KIND, 14) M(G, KIND, 15) M(G, KIND, 16)
#define CK_FOR_TILE_BATCH4(M, G, KIND) M(G, KIND, 1) M(G, KIND, 2) M(G, KIND, 3) M(G, KIND, 4)
