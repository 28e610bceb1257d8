#ifndef LOOM_CKERNELS_H
#define LOOM_CKERNELS_H
#include <stdint.h>
#include <stddef.h>

// Quantized matrix products for the engine: y[b][r] = Σ_k W[r][k] · x[b][k] with W in ggml's blocks,
// used where it lies in the mapped file. Types are ggml_type numbers (GGMLType's raw values).
//
// A product runs in two steps: ck_quantize_acts turns the f32 activations into 8-bit blocks (once
// per call, for all output rows), then ck_matmul_rows computes a range of output rows for every
// activation row. Both may run on several threads over disjoint ranges.

/// Instruction sets for the integer kernels.
enum {
    CK_ISA_SCALAR = 0,   // portable C
    CK_ISA_AVX2 = 1,     // AVX2 + FMA + F16C: vpmaddubsw + vpmaddwd
    CK_ISA_AVX512 = 2,   // AVX-512 F/BW/VL/DQ + VNNI: vpdpbusd
};

/// How a product adds its terms. In both, every output value has one fixed order of float
/// operations, whatever the batch it comes in, the rows computed beside it or the thread: a row's
/// result never depends on its neighbours.
enum {
    /// Per block (a 32-value block, or a K-quant's sub-block), the block's products added as exact
    /// integers, then one float multiply-add with the block's scales: the default, and the fastest.
    CK_ARITH_FAST = 0,
    /// The 32-value-block types add as llama.cpp's x86 build does, every float operation in its
    /// order, so that logits equal llama.cpp's to the bit: the check, slower from batch 8 on.
    /// The K-quants add as in CK_ARITH_FAST.
    CK_ARITH_EXACT = 1,
};

/// The best instruction set this CPU (and OS) supports.
int ck_best_isa(void);

/// 1 if `type` has an integer kernel (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K), else 0.
int ck_has_int8_kernel(int type);

/// Types with the same value here use the same quantized activations (so one quantization of x
/// serves products with all of them); 0 for types without an integer kernel.
int ck_act_format(int type, int arithmetic);

/// Bytes of activation scratch for `batch` rows of `cols` values against weights of `type`.
size_t ck_act_bytes(int type, int arithmetic, int batch, int cols);

/// Quantizes activation rows [b0, b1) of x (row stride ldx floats) into `acts`, laid out for
/// `batch` rows. cols must be a multiple of the type's block.
void ck_quantize_acts(int isa, int type, int arithmetic, const float *x, size_t ldx, int cols, int b0, int b1,
                      int batch, void *acts);

/// Bytes of per-thread panel scratch (unpacked weights of one group of output rows) for `cols`.
size_t ck_panel_bytes(int type, int cols);

/// Output rows [r0, r1) of y (row stride ldy) for all `batch` activation rows. `w` is the first
/// weight row, `row_bytes` apart; `panel` is this thread's scratch (64-byte aligned). Each output
/// value depends only on its own activation row, whatever the batch size or row range.
void ck_matmul_rows(int isa, int type, int arithmetic, const void *w, size_t row_bytes, int cols, int r0, int r1,
                    const void *acts, int batch, float *y, size_t ldy, void *panel);

// ---- half precision ----

/// dst[i] = f32(src[i]) for n IEEE half-precision values.
void ck_halfs_to_floats(const uint16_t *src, float *dst, size_t n);
/// dst[i] = f16(src[i]), rounding to nearest even.
void ck_floats_to_halfs(const float *src, uint16_t *dst, size_t n);
/// x[i] = f32(f16(x[i])): rounds a row to half precision in place, as computing in f16 would.
void ck_round_to_halfs(float *x, size_t n);

// ---- synchronisation for the compute pool ----
// A job is published as one 64-bit word: generation << 32 | count << 16 | next index. Threads claim
// indices with compare-and-swap, so a thread that wakes late claims nothing from a finished job and
// nobody waits for it; the caller waits only for the indices to complete.

/// The job word for `count` (at most 65535) indices of job `generation`, none claimed.
static inline uint64_t ck_job_word(uint32_t generation, uint32_t count) {
    return (uint64_t)generation << 32 | (uint64_t)(count & 0xffff) << 16;
}

/// Publishes a job: `job` into *slot, *completed = 0, then the job word (release).
void ck_publish_job(uint64_t *word, void **slot, void *job, uint32_t *completed, uint64_t value);

/// Claims the next index of the job published in *word: returns it, with the job's pointer in *job,
/// or −1 when no index is left.
int32_t ck_claim(uint64_t *word, void *const *slot, void **job);

/// Adds one completed index.
static inline void ck_complete(uint32_t *completed) { __atomic_fetch_add(completed, 1, __ATOMIC_RELEASE); }

/// Waits until *word == value: spins, then yields the CPU (a worker holding an index may be preempted).
void ck_wait_until_equal(uint32_t *word, uint32_t value);

/// Returns *signal once it differs from `seen`: spins for up to spin_ns, then sleeps on a futex,
/// counted in *sleepers while asleep.
uint32_t ck_wait_change(uint32_t *signal, uint32_t seen, uint32_t *sleepers, uint64_t spin_ns);

/// Gives the calling thread (not its process) the nice value `nice`: background work such as image
/// decoding that should wait for the compute threads. Returns 0, or -1 where it cannot.
int ck_set_thread_nice(int nice);

/// Increments *signal and wakes every thread sleeping in ck_wait_change on it.
void ck_bump_and_wake(uint32_t *signal, uint32_t *sleepers);

static inline uint32_t ck_load_acquire(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void ck_store_release(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

#endif
