// Integer kernels for AVX-512 with VNNI: one vpdpbusd multiplies 64 unsigned weight bytes (4 values
// of each of 16 rows) by 4 signed activation bytes broadcast to every lane, and adds each lane's 4
// products to its 32-bit sum.
//
// Written in C because Swift's SIMD types have no access to vpdpbusd / vpmaddubsw (integer
// multiply-accumulate of u8 × s8): the integer dot product is the whole point of these kernels.
#if defined(__x86_64__)
#include <immintrin.h>
#include "ck_internal.h"

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c"))), apply_to = function)

#define CK_SUFFIX(name) name##_avx512
#define CK_TILE_BATCH 16
#define CK_PACK pack_avx512
#define CK_QUANTIZE_32 quantize_32_512
#define CK_QUANTIZE_256 quantize_256_512
struct ck_act_row;
static inline void quantize_32_512(const ck_format *f, const float *x, int cols, const struct ck_act_row *r);
static inline void quantize_256_512(const ck_format *f, const float *x, int cols, const struct ck_act_row *r);
#include "ck_generic.h"

// ---- Activation quantization: the same arithmetic as ck_quantize_32 / ck_quantize_256 ----

CK_INLINE float ck_round_to_half_f16c(float f) { return _cvtsh_ss(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT)); }

CK_INLINE __m512i ck_round_to_int(__m512 v) {
    return _mm512_cvt_roundps_epi32(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

// Lane i of the result = the reduction of v[i] (max of floats, or sum of integers), for 16 vectors
// at once: four rounds of pairwise shuffles instead of a horizontal reduction per vector.
#define CK_REDUCE16(T, PERMUTE, OP, v, out)                                                           \
    do {                                                                                              \
        static const int32_t ck_idx[4][2][16] = {                                                     \
            {{0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23},                                \
             {8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31}},                         \
            {{0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27},                              \
             {4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31}},                           \
            {{0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29},                              \
             {2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31}},                           \
            {{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30},                             \
             {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31}}};                           \
        T r_[16];                                                                                     \
        for (int i_ = 0; i_ < 16; i_++) r_[i_] = (v)[i_];                                             \
        for (int level_ = 0, n_ = 8; level_ < 4; level_++, n_ /= 2) {                                 \
            const __m512i lo_ = _mm512_loadu_si512(ck_idx[level_][0]), hi_ = _mm512_loadu_si512(ck_idx[level_][1]); \
            for (int k_ = 0; k_ < n_; k_++)                                                           \
                r_[k_] = OP(PERMUTE(r_[2 * k_], lo_, r_[2 * k_ + 1]), PERMUTE(r_[2 * k_], hi_, r_[2 * k_ + 1])); \
        }                                                                                             \
        (out) = r_[0];                                                                                \
    } while (0)

// Stores a block's 32 values (q0: values 0–15, q1: 16–31) at q; with per-unit corrections
// (r->n == 8), −offset · the sum of each unit of 4 values into corrections[0…7].
CK_INLINE void store_block_512(const ck_format *f, const ck_act_row *r, __m512i q0, __m512i q1, int8_t *q,
                               uint32_t *corrections) {
    const __m256i bytes = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm512_cvtepi32_epi8(q0)), _mm512_cvtepi32_epi8(q1), 1);
    _mm256_storeu_si256((__m256i *)q, bytes);
    if (r->n == 8) {
        const __m256i units = _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8(1), bytes);
        _mm256_storeu_si256((__m256i *)corrections, _mm256_mullo_epi32(units, _mm256_set1_epi32(-f->offset)));
    }
}

// One block of 32 (ggml's AVX quantize_row_q8_0 / q8_1 arithmetic), group k of the row.
CK_INLINE void quantize_block_512(const ck_format *f, const float *x, const ck_act_row *r, int k) {
    const __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16);
    const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(x0), _mm512_abs_ps(x1)));
    const float d = amax / 127.f, id = amax != 0.f ? 127.f / amax : 0.f;
    const __m512i q0 = ck_round_to_int(_mm512_mul_ps(x0, _mm512_set1_ps(id)));
    const __m512i q1 = ck_round_to_int(_mm512_mul_ps(x1, _mm512_set1_ps(id)));
    uint32_t corrections[8];
    store_block_512(f, r, q0, q1, r->q + (size_t)k * r->qstride, corrections);
    if (r->n == 1) {
        const int sum = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
        corrections[0] = ck_correction(f, ck_round_to_half_f16c(d * (float)sum), sum);
    }
    ck_put_group(r, k, ck_round_to_half_f16c(d), corrections);
}

CK_INLINE __m512 ck_round_to_half_512(__m512 v) {
    return _mm512_cvtph_ps(_mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

// 16 blocks at a time, the same arithmetic as quantize_block_512 with the scalar steps vectorized.
CK_INLINE void quantize_32_512(const ck_format *f, const float *x, int cols, const ck_act_row *r) {
    const int groups = cols / 32;
    int g = 0;
    for (; g + 16 <= groups; g += 16) {
        const float *xs = x + 32 * g;
        __m512 m[16];
        for (int i = 0; i < 16; i++)
            m[i] = _mm512_max_ps(_mm512_abs_ps(_mm512_loadu_ps(xs + 32 * i)), _mm512_abs_ps(_mm512_loadu_ps(xs + 32 * i + 16)));
        __m512 amax;
        CK_REDUCE16(__m512, _mm512_permutex2var_ps, _mm512_max_ps, m, amax);
        const __m512 d = _mm512_div_ps(amax, _mm512_set1_ps(127.f));
        const __m512 id = _mm512_maskz_div_ps(_mm512_cmp_ps_mask(amax, _mm512_setzero_ps(), _CMP_NEQ_OQ), _mm512_set1_ps(127.f), amax);
        float ids[16];
        _mm512_storeu_ps(ids, id);
        __m512i sums[16];
        uint32_t corrections[16][8];
        for (int i = 0; i < 16; i++) {
            const __m512i q0 = ck_round_to_int(_mm512_mul_ps(_mm512_loadu_ps(xs + 32 * i), _mm512_set1_ps(ids[i])));
            const __m512i q1 = ck_round_to_int(_mm512_mul_ps(_mm512_loadu_ps(xs + 32 * i + 16), _mm512_set1_ps(ids[i])));
            store_block_512(f, r, q0, q1, r->q + (size_t)(g + i) * r->qstride, corrections[i]);
            sums[i] = _mm512_add_epi32(q0, q1);
        }
        float scales[16];
        _mm512_storeu_ps(scales, ck_round_to_half_512(d));
        if (r->n == 1) {
            // One correction per block: ggml's s for mins, −offset·Σq else.
            __m512i sum;
            CK_REDUCE16(__m512i, _mm512_permutex2var_epi32, _mm512_add_epi32, sums, sum);
            uint32_t block[16];
            if (f->kind == CK_MIN)
                _mm512_storeu_ps(block, ck_round_to_half_512(_mm512_mul_ps(d, _mm512_cvtepi32_ps(sum))));
            else
                _mm512_storeu_si512(block, _mm512_mullo_epi32(sum, _mm512_set1_epi32(-f->offset)));
            for (int i = 0; i < 16; i++) corrections[i][0] = block[i];
        }
        for (int i = 0; i < 16; i++) ck_put_group(r, g + i, scales[i], corrections[i]);
    }
    for (; g < groups; g++) quantize_block_512(f, x + 32 * g, r, g);
}

CK_INLINE void quantize_256_512(const ck_format *f, const float *x, int cols, const ck_act_row *r) {
    const int per = 256 / f->g;
    for (int s = 0; s < cols / 256; s++) {
        const float *xs = x + 256 * s;
        __m512 v[16], m = _mm512_setzero_ps();
        for (int k = 0; k < 16; k++) {
            v[k] = _mm512_loadu_ps(xs + 16 * k);
            m = _mm512_max_ps(m, _mm512_abs_ps(v[k]));
        }
        const float amax = _mm512_reduce_max_ps(m);
        float d = 0.f, iscale = 0.f;
        if (amax != 0.f) {
            // The first value of largest magnitude, with its sign.
            float max = amax;
            for (int k = 0; k < 16; k++) {
                const __mmask16 hit = _mm512_cmp_ps_mask(_mm512_abs_ps(v[k]), _mm512_set1_ps(amax), _CMP_EQ_OQ);
                if (hit) { max = xs[16 * k + __builtin_ctz(hit)]; break; }
            }
            iscale = -127.f / max;
            d = 1.f / iscale;
        }
        __m512i qs[16];
        for (int k = 0; k < 16; k++) {
            qs[k] = _mm512_min_epi32(ck_round_to_int(_mm512_mul_ps(v[k], _mm512_set1_ps(iscale))), _mm512_set1_epi32(127));
            // 16 values: a whole group of 16, or half of a group of 32.
            const int group = 16 * k / f->g;
            _mm_storeu_si128((__m128i *)(r->q + (size_t)(s * per + group) * r->qstride + 16 * k % f->g), _mm512_cvtepi32_epi8(qs[k]));
        }
        __m512i sum16;
        CK_REDUCE16(__m512i, _mm512_permutex2var_epi32, _mm512_add_epi32, qs, sum16);
        int sums[16];
        _mm512_storeu_si512(sums, sum16);
        for (int gi = 0; gi < per; gi++) {
            const int sum = per == 16 ? sums[gi] : sums[2 * gi] + sums[2 * gi + 1];
            const uint32_t correction = ck_correction(f, d * (float)sum, sum);
            ck_put_group(r, s * per + gi, d, &correction);
        }
    }
}

// ---- Unpacking with whole-register shuffles ----

// The 16 × 16 bytes at rows[i] + at, as four units: unit u holds bytes 4u…4u+3 of every row.
CK_INLINE void ck_transpose16x4(const uint8_t *const *rows, size_t at, __m512i *units) {
    __m512i a[4];
    for (int k = 0; k < 4; k++) {
        a[k] = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(rows[k] + at)));
        a[k] = _mm512_inserti32x4(a[k], _mm_loadu_si128((const __m128i *)(rows[k + 4] + at)), 1);
        a[k] = _mm512_inserti32x4(a[k], _mm_loadu_si128((const __m128i *)(rows[k + 8] + at)), 2);
        a[k] = _mm512_inserti32x4(a[k], _mm_loadu_si128((const __m128i *)(rows[k + 12] + at)), 3);
    }
    // Lane L of a[k] is row 4L + k: a 4 × 4 transpose of dwords inside each lane.
    const __m512i t0 = _mm512_unpacklo_epi32(a[0], a[1]), t1 = _mm512_unpackhi_epi32(a[0], a[1]);
    const __m512i t2 = _mm512_unpacklo_epi32(a[2], a[3]), t3 = _mm512_unpackhi_epi32(a[2], a[3]);
    units[0] = _mm512_unpacklo_epi64(t0, t2);
    units[1] = _mm512_unpackhi_epi64(t0, t2);
    units[2] = _mm512_unpacklo_epi64(t1, t3);
    units[3] = _mm512_unpackhi_epi64(t1, t3);
}

CK_INLINE __m512i ck_row_offsets(const uint8_t *const *rows) {
    int32_t o[16];
    for (int i = 0; i < 16; i++) o[i] = (int32_t)(rows[i] - rows[0]);
    return _mm512_loadu_si512(o);
}

CK_INLINE void ck_group_rows(const uint8_t *w, size_t row_bytes, int nrows, const uint8_t **rows) {
    for (int i = 0; i < 16; i++) rows[i] = ck_group_row(w, row_bytes, nrows, i);
}

// One group of 32 values of 16 rows, unpacked into registers: 8 units, scales, mins. Q4_0 / Q4_1
// hold 16 bytes of nibbles (byte j: value j low, value j + 16 high); Q8_0 32 signed bytes (q + 128).
CK_INLINE void unpack_group_512(const int type, const uint8_t *const *r, __m512i offsets, int g, __m512i *w,
                                __m512 *scale, __m512 *mins) {
    const size_t block_bytes = type == CK_Q8_0 ? 34 : type == CK_Q4_1 ? 20 : 18, o = (size_t)g * block_bytes;
    if (type == CK_Q8_0) {
        const __m512i flip = _mm512_set1_epi8((char)0x80);
        ck_transpose16x4(r, o + 2, w);
        ck_transpose16x4(r, o + 18, w + 4);
        for (int k = 0; k < 8; k++) w[k] = _mm512_xor_si512(w[k], flip);
    } else {
        const __m512i low = _mm512_set1_epi8(0x0F);
        __m512i raw[4];
        ck_transpose16x4(r, o + (type == CK_Q4_1 ? 4 : 2), raw);
        for (int k = 0; k < 4; k++) {
            w[k] = _mm512_and_si512(raw[k], low);
            w[k + 4] = _mm512_and_si512(_mm512_srli_epi16(raw[k], 4), low);
        }
    }
    // The f16 scale (and min) at each block's start, gathered for the 16 rows.
    const __m512i pairs = _mm512_i32gather_epi32(offsets, (const void *)(r[0] + o), 1);
    *scale = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(pairs));
    *mins = type == CK_Q4_1 ? _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(pairs, 16))) : _mm512_setzero_ps();
}

CK_INLINE int ck_unpacks_in_registers(int type) { return type == CK_Q4_0 || type == CK_Q4_1 || type == CK_Q8_0; }

// The 32 bytes at rows[i] + at as eight units (unit k: bytes 4k…4k+3 of every row).
CK_INLINE void ck_transpose16x8(const uint8_t *const *rows, size_t at, __m512i *units) {
    ck_transpose16x4(rows, at, units);
    ck_transpose16x4(rows, at + 16, units + 4);
}

CK_INLINE __m512i ck_gather(const uint8_t *const *r, __m512i offsets, size_t at) {
    return _mm512_i32gather_epi32(offsets, (const void *)(r[0] + at), 1);
}

// Byte `b` of every lane, as floats.
CK_INLINE __m512 ck_byte_to_float(__m512i v, int b) {
    return _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srli_epi32(v, 8 * b), _mm512_set1_epi32(0xFF)));
}

// Q4_K / Q5_K, for 16 rows at once: a super-block's scales and mins (ggml's 6-bit packing), d and dmin.
typedef struct {
    __m512 d, dmin;
    __m512i scales[2], mins[2];
} ck_k4_header;

CK_INLINE ck_k4_header k4_header(const uint8_t *const *r, __m512i offsets, size_t o) {
    const __m512i low6 = _mm512_set1_epi32(0x3f3f3f3f), low4 = _mm512_set1_epi32(0x0f0f0f0f), top2 = _mm512_set1_epi32(0x03030303);
    const __m512i dd = ck_gather(r, offsets, o);
    const __m512i q0 = ck_gather(r, offsets, o + 4), q1 = ck_gather(r, offsets, o + 8), q2 = ck_gather(r, offsets, o + 12);
    return (ck_k4_header){
        .d = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(dd)),
        .dmin = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(dd, 16))),
        .scales = {_mm512_and_si512(q0, low6),
                   _mm512_or_si512(_mm512_and_si512(q2, low4), _mm512_slli_epi32(_mm512_and_si512(_mm512_srli_epi32(q0, 6), top2), 4))},
        .mins = {_mm512_and_si512(q1, low6),
                 _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(q2, 4), low4), _mm512_slli_epi32(_mm512_and_si512(_mm512_srli_epi32(q1, 6), top2), 4))},
    };
}

// Sub-block `sub` of a super-block: its 8 units from the pair's transposed nibbles (and Q5_K's
// transposed high bits), its scale d·sc and its negated min −dmin·m.
CK_INLINE void k4_sub_block(const int type, const ck_k4_header *h, const __m512i *raw, const __m512i *high, int sub,
                            __m512i *w, __m512 *scale, __m512 *min) {
    const __m512i low = _mm512_set1_epi8(0x0F), bit4 = _mm512_set1_epi8(0x10);
    for (int k = 0; k < 8; k++) {
        w[k] = _mm512_and_si512(sub % 2 ? _mm512_srli_epi16(raw[k], 4) : raw[k], low);
        if (type == CK_Q5_K) {
            const __m512i hb = sub <= 4 ? _mm512_slli_epi16(high[k], 4 - sub) : _mm512_srli_epi16(high[k], sub - 4);
            w[k] = _mm512_or_si512(w[k], _mm512_and_si512(hb, bit4));
        }
    }
    *scale = _mm512_mul_ps(h->d, ck_byte_to_float(h->scales[sub / 4], sub % 4));
    const __m512 m = _mm512_mul_ps(h->dmin, ck_byte_to_float(h->mins[sub / 4], sub % 4));
    *min = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(m), _mm512_set1_epi32((int)0x80000000u)));
}

// Q4_K / Q5_K: per super-block of 256, scales and mins of its 8 sub-blocks decoded for 16 rows at
// once, 32 bytes of nibbles per pair of sub-blocks, and for Q5_K a fifth bit per value from 32 bytes
// of high bits.
CK_INLINE void pack_k4_512(const int type, const uint8_t *const *r, __m512i offsets, int cols, uint8_t *panel) {
    const size_t block_bytes = type == CK_Q5_K ? 176 : 144, nibbles = type == CK_Q5_K ? 48 : 16;
    for (int sb = 0; sb < cols / 256; sb++) {
        const size_t o = (size_t)sb * block_bytes;
        const ck_k4_header h = k4_header(r, offsets, o);
        __m512i high[8];
        if (type == CK_Q5_K) ck_transpose16x8(r, o + 16, high);
        for (int j = 0; j < 4; j++) {
            __m512i raw[8];
            ck_transpose16x8(r, o + nibbles + 32 * (size_t)j, raw);
            for (int half = 0; half < 2; half++) {
                const int sub = 2 * j + half;
                uint8_t *p = panel + (size_t)(8 * sb + sub) * 640;
                __m512i w[8];
                __m512 scale, min;
                k4_sub_block(type, &h, raw, high, sub, w, &scale, &min);
                for (int k = 0; k < 8; k++) _mm512_store_si512(p + 64 * k, w[k]);
                _mm512_store_ps((float *)(p + 512), scale);
                _mm512_store_ps((float *)(p + 576), min);
            }
        }
    }
}

// Q6_K, for 16 rows at once: d, read from the dword ending at the block's last two bytes.
CK_INLINE __m512 q6k_d(const uint8_t *const *r, __m512i offsets, size_t o) {
    return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(ck_gather(r, offsets, o + 206), 16)));
}

// The scale of group gi (0…15) of a super-block: d · its signed byte, from the 4 gathered dwords sc.
CK_INLINE __m512 q6k_scale(__m512 d, const __m512i *sc, int gi) {
    return _mm512_mul_ps(d, _mm512_cvtepi32_ps(_mm512_srai_epi32(_mm512_slli_epi32(sc[gi / 4], 24 - 8 * (gi % 4)), 24)));
}

// Unit k of quarter m (0…3) of a half super-block: 6-bit values from the transposed low nibbles
// (lo: bytes 0–31, hi: 32–63 of the half) and 2-bit pairs h; (x & 0x0F) | y, y masked to bits 4–5.
CK_INLINE __m512i q6k_unit(const __m512i *lo, const __m512i *hi, const __m512i *h, int k, int m) {
    const __m512i low = _mm512_set1_epi8(0x0F), pair = _mm512_set1_epi8(0x30);
    const __m512i x = m == 0 ? lo[k] : m == 1 ? hi[k] : m == 2 ? _mm512_srli_epi32(lo[k], 4) : _mm512_srli_epi32(hi[k], 4);
    const __m512i y = m == 0 ? _mm512_slli_epi32(h[k], 4) : m == 1 ? _mm512_slli_epi32(h[k], 2) : m == 2 ? h[k] : _mm512_srli_epi32(h[k], 2);
    return _mm512_ternarylogic_epi32(x, _mm512_and_si512(y, pair), low, 0xEC);
}

// Q6_K: per super-block of 256, 16 signed scales (one per 16 values) and 6-bit values from 128
// bytes of low nibbles and 64 bytes of 2-bit pairs, in two halves of 128 values.
CK_INLINE void pack_q6k_512(const uint8_t *const *r, __m512i offsets, int cols, uint8_t *panel) {
    for (int sb = 0; sb < cols / 256; sb++) {
        const size_t o = (size_t)sb * 210;
        const __m512 d = q6k_d(r, offsets, o);
        __m512i sc[4];
        for (int q = 0; q < 4; q++) sc[q] = ck_gather(r, offsets, o + 192 + 4 * (size_t)q);
        for (int gi = 0; gi < 16; gi++) _mm512_store_ps((float *)(panel + (size_t)(16 * sb + gi) * 320 + 256), q6k_scale(d, sc, gi));
        for (int n = 0; n < 2; n++) {
            __m512i lo[8], hi[8], h[8];
            ck_transpose16x8(r, o + 64 * (size_t)n, lo);
            ck_transpose16x8(r, o + 64 * (size_t)n + 32, hi);
            ck_transpose16x8(r, o + 128 + 32 * (size_t)n, h);
            for (int k = 0; k < 8; k++)
                for (int m = 0; m < 4; m++) {
                    const int group = 16 * sb + 8 * n + 2 * m + k / 4;
                    _mm512_store_si512(panel + (size_t)group * 320 + 64 * (k % 4), q6k_unit(lo, hi, h, k, m));
                }
        }
    }
}

CK_INLINE void pack_avx512(const int type, const uint8_t *w, size_t row_bytes, int nrows, int cols, uint8_t *panel) {
    const uint8_t *r[16];
    ck_group_rows(w, row_bytes, nrows, r);
    const __m512i offsets = ck_row_offsets(r);
    switch (type) {
    case CK_Q4_K: case CK_Q5_K: pack_k4_512(type, r, offsets, cols, panel); return;
    case CK_Q6_K: pack_q6k_512(r, offsets, cols, panel); return;
    case CK_Q4_0: case CK_Q4_1: case CK_Q8_0: break;
    default: ck_pack(type, w, row_bytes, nrows, cols, panel); return;
    }
    ck_format f;
    ck_format_of(type, CK_ARITH_FAST, &f);
    const size_t stride = ck_panel_stride(&f);
    for (int g = 0; g < cols / 32; g++) {
        __m512i units[8];
        __m512 scale, mins;
        unpack_group_512(type, r, offsets, g, units, &scale, &mins);
        uint8_t *p = panel + (size_t)g * stride;
        for (int k = 0; k < 8; k++) _mm512_store_si512(p + 64 * k, units[k]);
        _mm512_store_ps((float *)(p + 512), scale);
        if (f.kind == CK_MIN) _mm512_store_ps((float *)(p + 576), mins);
    }
}

// ---- The hot spot ----

// Batches up to this size unpack Q4_0 / Q4_1 / Q8_0 in registers instead of through a panel: one
// tile then covers the whole batch, so each block is unpacked once.
#define CK_RAW_BATCH 2
// Activation rows per tile of the 32-value blocks: 8 (9) accumulators each, beside 8 weight vectors.
#define CK_UNITS_BATCH 2

// Where a tile's weights come from: a panel, or (for a batch of at most one tile) the raw rows,
// unpacked in registers as they are used.
typedef struct {
    const uint8_t *panel;
    size_t stride;
    const uint8_t *rows[16];
    __m512i offsets;
    // The next row group's raw bytes, which the 32-value blocks' tiles prefetch as they go, so that
    // reading the weights from memory overlaps the arithmetic.
    const uint8_t *next;
} ck_source;

// Cache lines of the next row group to prefetch per block: 16 rows of one block each, the bytes of a
// block / 4 rounded up for the largest type a tile serves (raw Q4_0 / Q4_1: 5; panels with mins,
// Q5_1: 6; panels with offsets and raw Q8_0: 9). A fixed count, as a loop would cost the hot loop
// its registers; for smaller blocks it runs on into the row group after.
CK_INLINE int ck_prefetch_lines(int kind, int raw) { return raw == CK_Q4_0 || raw == CK_Q4_1 ? 5 : kind == CK_MIN ? 6 : 9; }

// Group g's weights for a tile: `units` units, scale and min, from the panel or (RAW, a 32-value-block
// type) unpacked from the raw rows; with AHEAD, a share of the next row group prefetched first.
CK_INLINE void load_group_512(const ck_source *src, int g, const int units, const int KIND, const int RAW, const int AHEAD,
                              __m512i *w, __m512 *scale, __m512 *mins) {
    if (AHEAD) {
        const int lines = ck_prefetch_lines(KIND, RAW);
        for (int k = 0; k < lines; k++) _mm_prefetch((const char *)(src->next + 64 * (size_t)(g * lines + k)), _MM_HINT_T0);
    }
    if (RAW) {
        unpack_group_512(RAW, src->rows, src->offsets, g, w, scale, mins);
        return;
    }
    const uint8_t *p = src->panel + (size_t)g * src->stride;
    for (int u = 0; u < units; u++) w[u] = _mm512_load_si512(p + 64 * u);
    *scale = _mm512_load_ps((const float *)(p + 64 * units));
    *mins = KIND == CK_MIN ? _mm512_load_ps((const float *)(p + 64 * units + 64)) : _mm512_setzero_ps();
}

// A tile of the 32-value blocks (ck_per_unit): 16 output rows × BT activation rows, with per
// activation row 8 accumulators of 16 float lanes (accumulator u, lane r: row r's ggml acc[u]) and
// for mins one sum of m·s. Per block and activation row: 8 vpdpbusd, each unit into its own
// register (started from the unit's offset correction), 8 conversions, one multiply d_w·d_a, 8
// FMAs (one more for mins). The end is ck_hsum8 as 7 vertical adds. RAW is 0 for a panel, else
// the type unpacked from raw rows. Every activation row goes through the same arithmetic whatever
// BT and the source are, so a row's result does not depend on the batch it came in.
CK_INLINE void tile512_units(const ck_source *src, int groups, const ck_acts *a, int b, float *y, size_t ldy, int nrows,
                             const int KIND, const int RAW, const int BT, const int AHEAD) {
    const int32_t *offsets = (const int32_t *)a->corr;
    const float *sums = (const float *)a->corr;
    __m512 acc[CK_UNITS_BATCH][8], summs[CK_UNITS_BATCH];
    for (int j = 0; j < BT; j++) {
        for (int u = 0; u < 8; u++) acc[j][u] = _mm512_setzero_ps();
        summs[j] = _mm512_setzero_ps();
    }
    for (int g = 0; g < groups; g++) {
        __m512i w[8];
        __m512 scale, mins;
        load_group_512(src, g, 8, KIND, RAW, AHEAD, w, &scale, &mins);
        // The group's activations, scales and corrections of rows b… lie side by side.
        const size_t at = (size_t)g * a->batch + (size_t)b;
        const uint8_t *xg = (const uint8_t *)a->q + at * 32;
        if (!RAW) {
            // Two groups on: the activation rows of a pair are a batch of rows apart from group to group.
            const size_t ahead = 2 * a->batch;
            _mm_prefetch((const char *)(xg + 32 * ahead), _MM_HINT_T0);
            if (KIND == CK_OFFSET) _mm_prefetch((const char *)(offsets + 8 * (at + ahead)), _MM_HINT_T0);
        }
        for (int j = 0; j < BT; j++) {
            const uint8_t *x = xg + 32 * (size_t)j;
            const __m512 dd = _mm512_mul_ps(scale, _mm512_set1_ps(a->da[at + j]));
            for (int u = 0; u < 8; u++) {
                __m512i lane = KIND == CK_OFFSET ? _mm512_set1_epi32(offsets[8 * (at + j) + (size_t)u]) : _mm512_setzero_si512();
                lane = _mm512_dpbusd_epi32(lane, w[u], _mm512_set1_epi32((int)ck_load_u32(x + 4 * u)));
                acc[j][u] = _mm512_fmadd_ps(dd, _mm512_cvtepi32_ps(lane), acc[j][u]);
            }
            if (KIND == CK_MIN) summs[j] = _mm512_fmadd_ps(mins, _mm512_set1_ps(sums[at + j]), summs[j]);
        }
    }
    const __mmask16 keep = (__mmask16)((1u << nrows) - 1);
    for (int j = 0; j < BT; j++) {
        const __m512 *c = acc[j];
        __m512 out = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c[0], c[4]), _mm512_add_ps(c[2], c[6])),
                                   _mm512_add_ps(_mm512_add_ps(c[1], c[5]), _mm512_add_ps(c[3], c[7])));
        if (KIND == CK_MIN) out = _mm512_add_ps(out, summs[j]);
        _mm512_mask_storeu_ps(y + (size_t)j * ldy, keep, out);
    }
}

// The group's dot for BT activation rows and its float steps, the same in every tile: one
// integer dot (chains added as integers), acc = fma(dot, scale·d_a, acc), then for mins
// acc = fma(min, s, acc). Group `g` of the activations; `w` its G/4 units.
CK_INLINE void group_dot_512(__m512 *acc, const __m512i *w, __m512 scale, __m512 mins, const ck_acts *a, int b, int g,
                             const int G, const int KIND, const int BT) {
    // Independent dot chains per activation row (vpdpbusd's latency would otherwise idle the units).
    const int units = G / 4, chains = BT == 1 ? 4 : 2;
    const int32_t *offsets = (const int32_t *)a->corr;
    const float *sums = (const float *)a->corr;
    const size_t at = (size_t)g * a->batch + (size_t)b;
    const uint8_t *xg = (const uint8_t *)a->q + at * G;
    for (int j = 0; j < BT; j++) {
        const uint8_t *x = xg + (size_t)j * G;
        __m512i dot[4];
        dot[0] = KIND == CK_OFFSET ? _mm512_set1_epi32(offsets[at + j]) : _mm512_setzero_si512();
        for (int c = 1; c < chains; c++) dot[c] = _mm512_setzero_si512();
        for (int u = 0; u < units; u++)
            dot[u % chains] = _mm512_dpbusd_epi32(dot[u % chains], w[u], _mm512_set1_epi32((int)ck_load_u32(x + 4 * u)));
        for (int c = 1; c < chains; c++) dot[0] = _mm512_add_epi32(dot[0], dot[c]);
        const __m512 s = _mm512_mul_ps(scale, _mm512_set1_ps(a->da[at + j]));
        acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot[0]), s, acc[j]);
        if (KIND == CK_MIN) acc[j] = _mm512_fmadd_ps(mins, _mm512_set1_ps(sums[at + j]), acc[j]);
    }
}

// A tile of the fast arithmetic (every type's, and the K-quants' in both): 16 output rows × BT
// activation rows (up to 16), accumulated in BT registers of 16 float lanes, one per output row.
// Each weight vector is used for all BT activation rows; per activation row and group of G values:
// G/4 vpdpbusd with the activation dword broadcast from memory, added as integers, one conversion,
// one scale multiply, one FMA (one more for mins). RAW is 0 for a panel, else the 32-value-block
// type unpacked from raw rows in registers (then G = 32); AHEAD prefetches the next row group.
// The float operations of an output do not depend on BT, RAW or the number of dot chains (integer
// sums are exact), so a row's result is the same in every batch.
CK_INLINE void tile512_groups(const ck_source *src, int groups, const ck_acts *a, int b, float *y, size_t ldy, int nrows,
                              const int G, const int KIND, const int BT, const int RAW, const int AHEAD) {
    const int units = G / 4;
    __m512 acc[CK_TILE_BATCH];
    for (int j = 0; j < BT; j++) acc[j] = _mm512_setzero_ps();
    for (int g = 0; g < groups; g++) {
        __m512i w[8];
        __m512 scale, mins;
        load_group_512(src, g, units, KIND, RAW, AHEAD, w, &scale, &mins);
        group_dot_512(acc, w, scale, mins, a, b, g, G, KIND, BT);
    }
    const __mmask16 keep = (__mmask16)((1u << nrows) - 1);
    for (int j = 0; j < BT; j++) _mm512_mask_storeu_ps(y + (size_t)j * ldy, keep, acc[j]);
}

// The K-quants at decode-sized batches, unpacked from raw rows straight into registers (the
// unpacking of pack_k4_512 / pack_q6k_512 fused with tile512_groups): no panel is written and read
// again, and the next row group is prefetched as the super-blocks go. The same float operations as
// the panel tile, so the same bits.
CK_INLINE void tile512_kquant_raw(const ck_source *src, int superblocks, const ck_acts *a, int b, float *y, size_t ldy,
                                  int nrows, const int TYPE, const int BT) {
    const uint8_t *const *r = src->rows;
    const __m512i offsets = src->offsets;
    const size_t block_bytes = TYPE == CK_Q6_K ? 210 : TYPE == CK_Q5_K ? 176 : 144;
    const int lines = (int)((16 * block_bytes + 63) / 64);
    __m512 acc[CK_RAW_BATCH];
    for (int j = 0; j < BT; j++) acc[j] = _mm512_setzero_ps();
    for (int sb = 0; sb < superblocks; sb++) {
        const size_t o = (size_t)sb * block_bytes;
        for (int k = 0; k < lines; k++) _mm_prefetch((const char *)(src->next + 64 * (size_t)(sb * lines + k)), _MM_HINT_T0);
        if (TYPE == CK_Q6_K) {
            const __m512 d = q6k_d(r, offsets, o);
            __m512i sc[4];
            for (int q = 0; q < 4; q++) sc[q] = ck_gather(r, offsets, o + 192 + 4 * (size_t)q);
            for (int n = 0; n < 2; n++) {
                __m512i lo[8], hi[8], h[8];
                ck_transpose16x8(r, o + 64 * (size_t)n, lo);
                ck_transpose16x8(r, o + 64 * (size_t)n + 32, hi);
                ck_transpose16x8(r, o + 128 + 32 * (size_t)n, h);
                for (int m = 0; m < 4; m++) {
                    for (int kk = 0; kk < 2; kk++) {
                        __m512i w[4];
                        for (int u = 0; u < 4; u++) w[u] = q6k_unit(lo, hi, h, 4 * kk + u, m);
                        const int gi = 8 * n + 2 * m + kk;
                        group_dot_512(acc, w, q6k_scale(d, sc, gi), _mm512_setzero_ps(), a, b, 16 * sb + gi, 16, CK_OFFSET, BT);
                    }
                }
            }
            continue;
        }
        const size_t nibbles = TYPE == CK_Q5_K ? 48 : 16;
        const ck_k4_header h = k4_header(r, offsets, o);
        __m512i high[8];
        if (TYPE == CK_Q5_K) ck_transpose16x8(r, o + 16, high);
        for (int j = 0; j < 4; j++) {
            __m512i raw[8];
            ck_transpose16x8(r, o + nibbles + 32 * (size_t)j, raw);
            for (int half = 0; half < 2; half++) {
                __m512i w[8];
                __m512 scale, min;
                k4_sub_block(TYPE, &h, raw, high, 2 * j + half, w, &scale, &min);
                group_dot_512(acc, w, scale, min, a, b, 8 * sb + 2 * j + half, 32, CK_MIN, BT);
            }
        }
    }
    const __mmask16 keep = (__mmask16)((1u << nrows) - 1);
    for (int j = 0; j < BT; j++) _mm512_mask_storeu_ps(y + (size_t)j * ldy, keep, acc[j]);
}

typedef void (*ck_tile_fn)(const ck_source *, int, const ck_acts *, int, float *, size_t, int);

#define CK_DEFINE_UNITS(KIND, RAW, BT, AHEAD)                                                                      \
    static void tile512_units_##KIND##_##RAW##_##BT##_##AHEAD(const ck_source *src, int groups, const ck_acts *a, int b, \
                                                              float *y, size_t ldy, int nrows) {                     \
        tile512_units(src, groups, a, b, y, ldy, nrows, KIND, RAW, BT, AHEAD);                                         \
    }
// Tiles from raw rows always prefetch (one per row group); from a panel, the first of a group does.
#define CK_UNITS(KIND, RAW, AHEAD) CK_DEFINE_UNITS(KIND, RAW, 1, AHEAD) CK_DEFINE_UNITS(KIND, RAW, 2, AHEAD)
#define CK_NAME_UNITS(KIND, RAW, AHEAD) {tile512_units_##KIND##_##RAW##_1_##AHEAD, tile512_units_##KIND##_##RAW##_2_##AHEAD}
CK_UNITS(0, 0, 0) CK_UNITS(0, 0, 1)  // Q4_0, Q5_0, Q8_0 from a panel
CK_UNITS(1, 0, 0) CK_UNITS(1, 0, 1)  // Q4_1, Q5_1
CK_UNITS(0, 2, 1)                    // Q4_0 from raw rows
CK_UNITS(1, 3, 1)                    // Q4_1
CK_UNITS(0, 8, 1)                    // Q8_0
static const ck_tile_fn units_offset[2][2] = {CK_NAME_UNITS(0, 0, 0), CK_NAME_UNITS(0, 0, 1)};
static const ck_tile_fn units_min[2][2] = {CK_NAME_UNITS(1, 0, 0), CK_NAME_UNITS(1, 0, 1)};
static const ck_tile_fn units_raw_q4_0[] = CK_NAME_UNITS(0, 2, 1);
static const ck_tile_fn units_raw_q4_1[] = CK_NAME_UNITS(1, 3, 1);
static const ck_tile_fn units_raw_q8_0[] = CK_NAME_UNITS(0, 8, 1);

#define CK_DEFINE_TILE(G, KIND, BT)                                                                        \
    static void tile512_##G##_##KIND##_##BT(const ck_source *src, int groups, const ck_acts *a, int b,     \
                                            float *y, size_t ldy, int nrows) {                             \
        tile512_groups(src, groups, a, b, y, ldy, nrows, G, KIND, BT, 0, 0);                               \
    }
#define CK_NAME_TILE(G, KIND, BT) tile512_##G##_##KIND##_##BT,
CK_FOR_TILE_BATCH16(CK_DEFINE_TILE, 32, 1)  // Q4_K, Q5_K; fast Q4_1, Q5_1
CK_FOR_TILE_BATCH16(CK_DEFINE_TILE, 32, 0)  // fast Q4_0, Q5_0, Q8_0
CK_FOR_TILE_BATCH16(CK_DEFINE_TILE, 16, 0)  // Q6_K
static const ck_tile_fn tiles_32_min[] = {CK_FOR_TILE_BATCH16(CK_NAME_TILE, 32, 1)};
static const ck_tile_fn tiles_32_offset[] = {CK_FOR_TILE_BATCH16(CK_NAME_TILE, 32, 0)};
static const ck_tile_fn tiles_16_offset[] = {CK_FOR_TILE_BATCH16(CK_NAME_TILE, 16, 0)};

// The fast arithmetic from raw rows (Q4_0, Q4_1, Q8_0 at decode-sized batches).
#define CK_DEFINE_RAW(KIND, RAW, BT)                                                                       \
    static void tile512_raw_##RAW##_##BT(const ck_source *src, int groups, const ck_acts *a, int b,        \
                                         float *y, size_t ldy, int nrows) {                                \
        tile512_groups(src, groups, a, b, y, ldy, nrows, 32, KIND, BT, RAW, 1);                            \
    }
CK_DEFINE_RAW(0, 2, 1) CK_DEFINE_RAW(0, 2, 2)
CK_DEFINE_RAW(1, 3, 1) CK_DEFINE_RAW(1, 3, 2)
CK_DEFINE_RAW(0, 8, 1) CK_DEFINE_RAW(0, 8, 2)
static const ck_tile_fn groups_raw_q4_0[] = {tile512_raw_2_1, tile512_raw_2_2};
static const ck_tile_fn groups_raw_q4_1[] = {tile512_raw_3_1, tile512_raw_3_2};
static const ck_tile_fn groups_raw_q8_0[] = {tile512_raw_8_1, tile512_raw_8_2};
#define CK_DEFINE_KRAW(TYPE, BT)                                                                              \
    static void tile512_kraw_##TYPE##_##BT(const ck_source *src, int groups, const ck_acts *a, int b, float *y, \
                                           size_t ldy, int nrows) {                                              \
        tile512_kquant_raw(src, groups, a, b, y, ldy, nrows, TYPE, BT);                                          \
    }
CK_DEFINE_KRAW(12, 1) CK_DEFINE_KRAW(12, 2) CK_DEFINE_KRAW(13, 1) CK_DEFINE_KRAW(13, 2) CK_DEFINE_KRAW(14, 1) CK_DEFINE_KRAW(14, 2)
static const ck_tile_fn kquant_raw_q4_k[] = {tile512_kraw_12_1, tile512_kraw_12_2};
static const ck_tile_fn kquant_raw_q5_k[] = {tile512_kraw_13_1, tile512_kraw_13_2};
static const ck_tile_fn kquant_raw_q6_k[] = {tile512_kraw_14_1, tile512_kraw_14_2};

static void tile_avx512(const ck_format *f, const uint8_t *panel, int groups, const ck_acts *a, int b, int bt,
                        float *y, size_t ldy, int nrows, const uint8_t *next) {
    ck_source src;
    src.panel = panel;
    src.stride = ck_panel_stride(f);
    if (ck_per_unit(f)) {
        const ck_tile_fn(*table)[2] = f->kind == CK_MIN ? units_min : units_offset;
        src.next = next;
        for (int j = 0; j < bt; j += CK_UNITS_BATCH) {
            const int n = bt - j < CK_UNITS_BATCH ? bt - j : CK_UNITS_BATCH;
            table[j == 0 && next != NULL][n - 1](&src, groups, a, b + j, y + (size_t)j * ldy, ldy, nrows);
        }
        return;
    }
    const ck_tile_fn *table = f->g == 16 ? tiles_16_offset : f->kind == CK_MIN ? tiles_32_min : tiles_32_offset;
    table[bt - 1](&src, groups, a, b, y, ldy, nrows);
}

// Decode-sized batches: one tile per row group of 16, unpacked straight from the raw rows into
// registers (`blocks` weight blocks a row, one call of `tile` each).
static void raw_rows_avx512(ck_tile_fn tile, const ck_format *f, const uint8_t *w, size_t row_bytes, int cols, int blocks,
                            int r0, int r1, const void *acts, int batch, float *y, size_t ldy) {
    const ck_acts a = ck_acts_view(f, acts, batch, cols);
    ck_source src;
    for (int r = r0; r < r1; r += CK_PANEL_ROWS) {
        const int nr = r1 - r < CK_PANEL_ROWS ? r1 - r : CK_PANEL_ROWS;
        ck_group_rows(w + (size_t)r * row_bytes, row_bytes, nr, src.rows);
        src.offsets = ck_row_offsets(src.rows);
        src.next = w + (size_t)(r + nr) * row_bytes;
        tile(&src, blocks, &a, 0, y + r, ldy, nr);
    }
}

void ck_matmul_rows_avx512(const ck_format *f, const uint8_t *w, size_t row_bytes, int cols, int r0, int r1,
                           const void *acts, int batch, float *y, size_t ldy, uint8_t *panel) {
    if (batch <= CK_RAW_BATCH && ck_unpacks_in_registers(f->type)) {
        const ck_tile_fn *table = f->exact ? (f->type == CK_Q8_0 ? units_raw_q8_0 : f->type == CK_Q4_1 ? units_raw_q4_1 : units_raw_q4_0)
                                           : (f->type == CK_Q8_0 ? groups_raw_q8_0 : f->type == CK_Q4_1 ? groups_raw_q4_1 : groups_raw_q4_0);
        raw_rows_avx512(table[batch - 1], f, w, row_bytes, cols, cols / 32, r0, r1, acts, batch, y, ldy);
        return;
    }
    if (batch <= CK_RAW_BATCH && f->block == 256) {  // the K-quants, a super-block at a time
        const ck_tile_fn *table = f->type == CK_Q4_K ? kquant_raw_q4_k : f->type == CK_Q5_K ? kquant_raw_q5_k : kquant_raw_q6_k;
        raw_rows_avx512(table[batch - 1], f, w, row_bytes, cols, cols / 256, r0, r1, acts, batch, y, ldy);
        return;
    }
    CK_MATMUL_SWITCH(tile_avx512)
}

#pragma clang attribute pop
#endif
