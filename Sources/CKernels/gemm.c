// AVX-512 SGEMM, C = act(A·B + bias [+ C]), for the vision tower's products.
//
// B is packed once into panels of NR = 32 columns, each k-major (k rows of 32 floats), so the micro-kernel
// reads it with two aligned loads per step. A is read where it lies: 14 rows, one broadcast each per
// step (the callers pad row strides so those rows do not alias in L1). The micro-kernel keeps a 14×32
// tile of C in 28 of the 32 vector registers: per step 2 loads of B, 14 broadcasts of A, 28 FMAs.
// Blocking: a slice of at most KC_MAX steps (one pass over k for the 768-wide products), rows in blocks
// of at most MC_MAX that stay in L2 while every panel of the part streams past them. The first tile of
// each panel fetches the next panel's slice into L2 as it goes (two lines a step), so panels arrive from
// L3 ahead of use; each tile fetches the rows of C it will add to before it starts.
// F16 and BF16 panels (half the bytes) are widened a slice at a time into a per-thread buffer, which the
// micro-kernel reads as an F32 slice: one conversion per weight per block of rows, not per tile.
#include "loom_gemm.h"
#include "ckernels.h"
#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MR 14
#define NR LOOM_GEMM_PANEL
#define KC_MAX 768
#define MC_MAX 224
// Shortest row tile worth its own pass: below 4 rows the 2·mr accumulator chains cannot hide FMA latency.
#define MR_MIN 4

#define AVX512 __attribute__((target("avx512f")))
#define INLINE_AVX512 __attribute__((target("avx512f"), always_inline)) static inline

int loom_gemm_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

// MARK: - Activation tables: ggml's half-precision GELUs

static float gelu_table[1 << 16];
static float gelu_quick_table[1 << 16];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static float gelu_reference(float x) {
    return 0.5f * x * (1.0f + tanhf(0.79788456080286535587989211986876f * x * (1.0f + 0.044715f * x * x)));
}

static float gelu_quick_reference(float x) { return x * (1.0f / (1.0f + expf(-1.702f * x))); }

/// table[h] = f16(f(f32(h))) for every half-precision bit pattern h, as ggml's tables.
static void fill_table(float *table, float (*f)(float), const float *inputs, float *scratch, uint16_t *halves) {
    const int n = 1 << 16;
    for (int i = 0; i < n; i++) scratch[i] = f(inputs[i]);
    ck_floats_to_halfs(scratch, halves, n);
    ck_halfs_to_floats(halves, table, n);
}

static void build_tables(void) {
    const int n = 1 << 16;
    uint16_t *halves = malloc(sizeof(uint16_t) * n);
    float *inputs = malloc(sizeof(float) * n), *scratch = malloc(sizeof(float) * n);
    for (int i = 0; i < n; i++) halves[i] = (uint16_t)i;
    ck_halfs_to_floats(halves, inputs, n);
    fill_table(gelu_table, gelu_reference, inputs, scratch, halves);
    fill_table(gelu_quick_table, gelu_quick_reference, inputs, scratch, halves);
    free(halves);
    free(inputs);
    free(scratch);
}

static void ensure_tables(loom_activation activation) {
    if (activation != LOOM_ACT_NONE) pthread_once(&tables_once, build_tables);
}

INLINE_AVX512 __m512 activate(__m512 v, loom_activation activation) {
    if (activation == LOOM_ACT_NONE) return v;
    __m512i index = _mm512_cvtepu16_epi32(_mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    if (activation == LOOM_ACT_GELU_QUICK) return _mm512_i32gather_ps(index, gelu_quick_table, 4);
    __m512 g = _mm512_i32gather_ps(index, gelu_table, 4);
    g = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(10.0f), _CMP_GE_OQ), g, v);
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(-10.0f), _CMP_NLE_UQ), g);
}

static void activate_row_scalar(float *x, int n, loom_activation activation) {
    uint16_t halves[256];
    const float *table = activation == LOOM_ACT_GELU ? gelu_table : gelu_quick_table;
    for (int i0 = 0; i0 < n; i0 += 256) {
        int count = n - i0 < 256 ? n - i0 : 256;
        ck_floats_to_halfs(x + i0, halves, count);
        for (int i = 0; i < count; i++) {
            float v = x[i0 + i];
            if (activation == LOOM_ACT_GELU && v <= -10.0f) x[i0 + i] = 0.0f;
            else if (!(activation == LOOM_ACT_GELU && v >= 10.0f)) x[i0 + i] = table[halves[i]];
        }
    }
}

void loom_bias_activation_rows(float *c, int ldc, int rows, int n, const float *bias, loom_activation activation) {
    ensure_tables(activation);
    for (int r = 0; r < rows; r++) {
        float *row = c + (size_t)r * ldc;
        if (bias)
            for (int j = 0; j < n; j++) row[j] += bias[j];
        if (activation != LOOM_ACT_NONE) activate_row_scalar(row, n, activation);
    }
}

AVX512 static void epilogue_rows_avx512(float *c, int ldc, const float *p, int ldp, int rows, int n, const float *bias,
                                        int accumulate, loom_activation activation) {
    for (int r = 0; r < rows; r++) {
        float *cr = c + (size_t)r * ldc;
        const float *pr = p + (size_t)r * ldp;
        for (int j = 0; j < n; j += 16) {
            __mmask16 m = n - j >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - j)) - 1);
            __m512 x = _mm512_maskz_loadu_ps(m, pr + j);
            if (accumulate) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, cr + j));
            if (bias) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, bias + j));
            _mm512_mask_storeu_ps(cr + j, m, activate(x, activation));
        }
    }
}

void loom_gemm_epilogue_rows(float *c, int ldc, const float *p, int ldp, int rows, int n, const float *bias,
                             int accumulate, loom_activation activation) {
    ensure_tables(activation);
    if (loom_gemm_available()) {
        epilogue_rows_avx512(c, ldc, p, ldp, rows, n, bias, accumulate, activation);
        return;
    }
    for (int r = 0; r < rows; r++) {
        float *cr = c + (size_t)r * ldc;
        const float *pr = p + (size_t)r * ldp;
        for (int j = 0; j < n; j++) cr[j] = accumulate ? pr[j] + cr[j] : pr[j];
    }
    loom_bias_activation_rows(c, ldc, rows, n, bias, activation);
}

// MARK: - Packing

size_t loom_gemm_packed_count(int n, int k) { return (size_t)((n + NR - 1) / NR) * NR * (size_t)k; }

void loom_gemm_pack_nt(const float *b, int ldb, int n, int k, float *packed) {
    enum { STEPS = 64 };  // a transpose block of NR rows × STEPS values: its 8 KiB of output stay in L1
    for (int j0 = 0; j0 < n; j0 += NR) {
        float *panel = packed + (size_t)j0 * k;
        for (int p0 = 0; p0 < k; p0 += STEPS) {
            int p1 = k - p0 < STEPS ? k : p0 + STEPS;
            for (int j = 0; j < NR; j++) {
                const float *row = b + (size_t)(j0 + j) * ldb;
                for (int p = p0; p < p1; p++) panel[(size_t)p * NR + j] = j0 + j < n ? row[p] : 0.0f;
            }
        }
    }
}

void loom_gemm_pack_nn(const float *b, int ldb, int k, int n, float *packed) {
    for (int j0 = 0; j0 < n; j0 += NR) {
        int width = n - j0 < NR ? n - j0 : NR;
        float *panel = packed + (size_t)j0 * k;
        for (int p = 0; p < k; p++) {
            memcpy(panel + (size_t)p * NR, b + (size_t)p * ldb + j0, sizeof(float) * width);
            memset(panel + (size_t)p * NR + width, 0, sizeof(float) * (NR - width));
        }
    }
}

void loom_gemm_pack_nt_halves(const uint16_t *b, int ldb, int n, int k, uint16_t *packed) {
    enum { STEPS = 64 };
    for (int j0 = 0; j0 < n; j0 += NR) {
        uint16_t *panel = packed + (size_t)j0 * k;
        for (int p0 = 0; p0 < k; p0 += STEPS) {
            int p1 = k - p0 < STEPS ? k : p0 + STEPS;
            for (int j = 0; j < NR; j++) {
                const uint16_t *row = b + (size_t)(j0 + j) * ldb;
                for (int p = p0; p < p1; p++) panel[(size_t)p * NR + j] = j0 + j < n ? row[p] : 0;
            }
        }
    }
}

// MARK: - Micro-kernel

typedef struct {
    const float *bias;     // at the tile's first column, or NULL
    int load_c;            // add what C holds (a residual, or the previous k slices)
    int finish;            // last k slice: add the bias, apply the activation
    loom_activation activation;
    const char *prefetch;  // the next slice of B (kc × NR floats), to fetch into L2 meanwhile, or NULL
} epilogue;

/// C[0..<mr, 0..<nr] (+)= A[0..<mr, 0..<kc] · B panel slice, then the epilogue. `mr` and `vectors`
/// (B vectors per step: 1 when nr ≤ 16, the panel's second half being padding) are constants in each instantiation, so the
/// accumulators are registers and rows or columns past the tile's cost nothing.
INLINE_AVX512 void tile(const int mr, const int vectors, int kc, const float *restrict a, int lda,
                        const float *restrict b, float *c, int ldc, int nr, epilogue e) {
    __m512 acc[MR][2];
    for (int i = 0; i < MR; i++) {
        if (i < mr) {
            acc[i][0] = acc[i][1] = _mm512_setzero_ps();
            if (e.load_c) {
                _mm_prefetch((const char *)(c + (size_t)i * ldc), _MM_HINT_T0);
                _mm_prefetch((const char *)(c + (size_t)i * ldc + 16), _MM_HINT_T0);
            }
        }
    }

    for (int p = 0; p < kc; p++) {
        __m512 b0 = _mm512_load_ps(b), b1 = vectors == 2 ? _mm512_load_ps(b + 16) : b0;
        if (e.prefetch) {  // one step of the next slice: NR floats, two cache lines
            _mm_prefetch(e.prefetch + (size_t)p * NR * sizeof(float), _MM_HINT_T1);
            _mm_prefetch(e.prefetch + (size_t)p * NR * sizeof(float) + 64, _MM_HINT_T1);
        }
        b += NR;
        for (int i = 0; i < MR; i++) {
            if (i < mr) {
                __m512 ai = _mm512_set1_ps(a[(size_t)i * lda + p]);
                acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
                if (vectors == 2) acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
            }
        }
    }

    // Columns nr.. of the tile are padding: masked off in C and in the bias.
    __mmask16 mask[2] = {
        nr >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << nr) - 1),
        nr >= 32 ? (__mmask16)0xffff : nr > 16 ? (__mmask16)((1u << (nr - 16)) - 1) : 0,
    };
    __m512 bias[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};
    for (int v = 0; v < vectors; v++)
        if (e.finish && e.bias) bias[v] = _mm512_maskz_loadu_ps(mask[v], e.bias + 16 * v);
    for (int i = 0; i < MR; i++) {
        for (int v = 0; v < vectors; v++) {
            if (i < mr) {
                float *cv = c + (size_t)i * ldc + 16 * v;
                __m512 x = acc[i][v];
                if (e.load_c) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mask[v], cv));
                if (e.finish) x = activate(_mm512_add_ps(x, bias[v]), e.activation);
                _mm512_mask_storeu_ps(cv, mask[v], x);
            }
        }
    }
}

AVX512 static void tile_rows(int mr, int kc, const float *a, int lda, const float *b, float *c, int ldc, int nr,
                             epilogue e) {
    switch (mr) {
#define TILE(n) case n: if (nr > 16) tile(n, 2, kc, a, lda, b, c, ldc, nr, e); \
                        else tile(n, 1, kc, a, lda, b, c, ldc, nr, e); break;
        TILE(1) TILE(2) TILE(3) TILE(4) TILE(5) TILE(6) TILE(7)
        TILE(8) TILE(9) TILE(10) TILE(11) TILE(12) TILE(13) TILE(14)
#undef TILE
        default: break;
    }
}

// MARK: - Driver

/// Rows of the next tile when `left` rows remain: whole tiles, but never a last one shorter than MR_MIN.
static int next_tile_rows(int left) {
    if (left <= MR) return left;
    if (left < MR + MR_MIN) return (left + 1) / 2;
    return MR;
}

/// Steps pc..<pc + kc of panel `panel` in the packed B, whose elements are `size` bytes.
static const char *slice(const loom_gemm_args *g, int panel, int pc, size_t size) {
    return (const char *)g->packed_b + ((size_t)panel * NR * g->k + (size_t)pc * NR) * size;
}

/// The calling thread's F32 copy of the half-precision slice in use.
static _Thread_local float widened[KC_MAX * NR] __attribute__((aligned(64)));

/// Widens kc steps of a 16-bit slice into `widened`, fetching the next slice (if any) into L2 meanwhile.
AVX512 static const float *widen(loom_gemm_type type, const char *halves, int kc, const char *next) {
    const uint16_t *h = (const uint16_t *)halves;
    for (int p = 0; p < kc; p++) {
        if (next) _mm_prefetch(next + (size_t)p * NR * 2, _MM_HINT_T1);
        for (int v = 0; v < 2; v++) {
            __m256i x = _mm256_load_si256((const __m256i *)(h + (size_t)p * NR + 16 * v));
            __m512 f = type == LOOM_GEMM_F16 ? _mm512_cvtph_ps(x)
                                             : _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(x), 16));
            _mm512_store_ps(widened + (size_t)p * NR + 16 * v, f);
        }
    }
    return widened;
}

/// C rows [r0, r1) × panels [j0, j1).
AVX512 static void gemm_block(const loom_gemm_args *g, loom_gemm_type type, int r0, int r1, int j0, int j1) {
    size_t size = type == LOOM_GEMM_F32 ? sizeof(float) : sizeof(uint16_t);
    int k = g->k;
    int k_slices = (k + KC_MAX - 1) / KC_MAX;
    int kc_step = (k + k_slices - 1) / k_slices;
    int rows = r1 - r0;
    int row_blocks = (rows + MC_MAX - 1) / MC_MAX;
    int mc_step = (rows + row_blocks - 1) / row_blocks;

    for (int pc = 0; pc < k; pc += kc_step) {
        int kc = k - pc < kc_step ? k - pc : kc_step;
        for (int ic = r0; ic < r1; ic += mc_step) {
            int ic_end = ic + mc_step < r1 ? ic + mc_step : r1;
            for (int jr = j0; jr < j1; jr++) {
                int col = jr * NR;
                int nr = g->n - col < NR ? g->n - col : NR;
                // The slice after this one: the next panel, else the first panel again for the next row
                // block, else the first panel of the next k slice.
                const char *next = jr + 1 < j1 ? slice(g, jr + 1, pc, size)
                                 : ic + mc_step < r1 ? slice(g, j0, pc, size)
                                 : pc + kc_step < k ? slice(g, j0, pc + kc_step, size) : NULL;
                const float *b = (const float *)slice(g, jr, pc, size);
                if (type != LOOM_GEMM_F32) {
                    b = widen(type, (const char *)b, kc, next);
                    next = NULL;
                }
                epilogue e = {
                    .bias = g->bias ? g->bias + col : NULL,
                    .load_c = pc > 0 || g->accumulate,
                    .finish = pc + kc >= k,
                    .activation = g->activation,
                    .prefetch = next,
                };
                for (int ir = ic; ir < ic_end;) {
                    int mr = next_tile_rows(ic_end - ir);
                    tile_rows(mr, kc, g->a + (size_t)ir * g->lda + pc, g->lda, b, g->c + (size_t)ir * g->ldc + col,
                              g->ldc, nr, e);
                    e.prefetch = NULL;  // the first tile fetched it all
                    ir += mr;
                }
            }
        }
    }
}

void loom_gemm(const loom_gemm_args *g, int part, int parts) { loom_gemm_typed(g, LOOM_GEMM_F32, part, parts); }

void loom_gemm_typed(const loom_gemm_args *g, loom_gemm_type type, int part, int parts) {
    if (g->m <= 0 || g->n <= 0 || part < 0 || part >= parts) return;
    ensure_tables(g->activation);
    if (g->k <= 0) {  // an empty sum: C = act(bias [+ C])
        if (part != 0) return;
        for (int r = 0; r < g->m; r++)
            if (!g->accumulate) memset(g->c + (size_t)r * g->ldc, 0, sizeof(float) * g->n);
        loom_bias_activation_rows(g->c, g->ldc, g->m, g->n, g->bias, g->activation);
        return;
    }
    int panels = (g->n + NR - 1) / NR;
    if (panels >= parts) {
        gemm_block(g, type, 0, g->m, (int)((long)panels * part / parts), (int)((long)panels * (part + 1) / parts));
    } else {
        // Too few panels to share: split the rows, in whole tiles.
        int tiles = (g->m + MR - 1) / MR;
        int r0 = (int)((long)tiles * part / parts) * MR, r1 = (int)((long)tiles * (part + 1) / parts) * MR;
        if (r1 > g->m) r1 = g->m;
        if (r0 < r1) gemm_block(g, type, r0, r1, 0, panels);
    }
}
