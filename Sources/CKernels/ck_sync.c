// Waiting and waking for the compute pool: spin briefly (calls come back to back within a forward
// pass), then sleep on a futex so idle workers cost nothing.
#include "ckernels.h"
#include <sched.h>
#include <time.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <limits.h>
#else
#include <pthread.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#define CK_RELAX() _mm_pause()
#else
#define CK_RELAX() ((void)0)
#endif

static uint64_t ck_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

#if defined(__linux__)
static void ck_sleep_while_equal(uint32_t *word, uint32_t seen) {
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}
static void ck_wake(uint32_t *word) {
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}
#else
// Elsewhere: one process-wide condition variable stands in for the futex.
static pthread_mutex_t ck_park_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ck_park_cond = PTHREAD_COND_INITIALIZER;
static void ck_sleep_while_equal(uint32_t *word, uint32_t seen) {
    pthread_mutex_lock(&ck_park_lock);
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == seen) pthread_cond_wait(&ck_park_cond, &ck_park_lock);
    pthread_mutex_unlock(&ck_park_lock);
}
static void ck_wake(uint32_t *word) {
    (void)word;
    pthread_mutex_lock(&ck_park_lock);
    pthread_cond_broadcast(&ck_park_cond);
    pthread_mutex_unlock(&ck_park_lock);
}
#endif

uint32_t ck_wait_change(uint32_t *word, uint32_t seen, uint32_t *sleepers, uint64_t spin_ns) {
    uint32_t v;
    uint64_t start = 0;
    for (uint32_t i = 1;; i++) {
        v = __atomic_load_n(word, __ATOMIC_ACQUIRE);
        if (v != seen) return v;
        if ((i & 63) == 0) {
            const uint64_t now = ck_now_ns();
            if (start == 0) start = now;
            else if (now - start >= spin_ns) break;
        }
        CK_RELAX();
    }
    // Announce the sleep before the last look at the word; the waker bumps the word before it
    // looks at the sleepers (both sequentially consistent), so one of them sees the other.
    __atomic_fetch_add(sleepers, 1, __ATOMIC_SEQ_CST);
    while ((v = __atomic_load_n(word, __ATOMIC_SEQ_CST)) == seen) ck_sleep_while_equal(word, seen);
    __atomic_fetch_sub(sleepers, 1, __ATOMIC_SEQ_CST);
    return v;
}

void ck_bump_and_wake(uint32_t *word, uint32_t *sleepers) {
    __atomic_fetch_add(word, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(sleepers, __ATOMIC_SEQ_CST) != 0) ck_wake(word);
}

void ck_publish_job(uint64_t *word, void **slot, void *job, uint32_t *completed, uint64_t value) {
    __atomic_store_n(slot, job, __ATOMIC_RELAXED);
    __atomic_store_n(completed, 0, __ATOMIC_RELAXED);
    __atomic_store_n(word, value, __ATOMIC_RELEASE);
}

int32_t ck_claim(uint64_t *word, void *const *slot, void **job) {
    uint64_t w = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    for (;;) {
        const uint32_t count = (uint32_t)(w >> 16) & 0xffff, index = (uint32_t)w & 0xffff;
        if (index >= count) return -1;
        // Read before the claim: while this job has an unclaimed index it cannot be replaced, so a
        // successful claim of w means the slot held w's job.
        void *candidate = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
        if (__atomic_compare_exchange_n(word, &w, w + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            *job = candidate;
            return (int32_t)index;
        }
    }
}

void ck_wait_until_equal(uint32_t *word, uint32_t value) {
    for (uint32_t spins = 0; __atomic_load_n(word, __ATOMIC_ACQUIRE) != value; spins++) {
        if (spins < 4096) CK_RELAX();
        else sched_yield();
    }
}

int ck_set_thread_nice(int nice) {
#if defined(__linux__)
    // On Linux a thread's nice value is its own: setpriority with its thread id.
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
#else
    (void)nice;
    return -1;
#endif
}
