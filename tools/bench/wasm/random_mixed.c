/*
 * random-mixed for wasm32, one source for every wasm row of `pnpm bench --bench wasm` (see
 * ../README.md and shared/BENCHMARKS.md): the same ops as native/random_mixed.c and the JS runners
 * (xorshift32, idx = r % ws, size = 16 + (r & 0x3FF) clamped, one byte written, the same r for slot
 * and size; prefault of cycles / 10 with seed + 0xDEADBEEF, not drained; timed: main loop + drain).
 *
 * Each thread runs worker_run(i, ...): a warm-up as the JS scaling workers do it (3 rounds at a
 * tenth, drained), the prefault, then it waits at the start line (wasm atomics in this module's own
 * memory), and times its main loop and drain. coordinate(n) is the main thread's side: it waits
 * until n threads are ready, releases them together and waits until all have drained.
 *
 * Two builds of this file (build.sh):
 *   - clang --target=wasm32, no libc: malloc and free imported from JavaScript (hakmem), `now`
 *     imported too; JavaScript instantiates the module once per Worker (wasm/host.mjs).
 *   - emcc -pthread, -sMALLOC=dlmalloc or emmalloc: main() below starts the threads with
 *     pthread_create (emscripten's pthread runtime on Node's worker_threads) and prints one JSON line.
 * Only who starts the threads and where malloc comes from differ; the work is this code.
 */
typedef __SIZE_TYPE__ size_t;
typedef unsigned int u32;
typedef unsigned char u8;

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#define now() emscripten_get_now()
#define EXPORT(name)
#else
#define IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))
#define NULL ((void *)0)
IMPORT(malloc) void *malloc(size_t size);
IMPORT(free) void free(void *p);
/* milliseconds, a monotonic clock (performance.now) */
IMPORT(now) double now(void);
#endif

#define MAX_THREADS 4
#define MAX_WS 65536
#define FNV_BASIS 2166136261u

/* The slots live outside the allocator under test: static, one table per thread. */
static u8 *slots[MAX_THREADS][MAX_WS];

/* What a thread reports (read by JavaScript or printed by main; every field 4 or 8 bytes). */
struct result {
  double t0, t1; /* now() around the timed region, ms */
  u32 pcycles, pfailed, live0, fp0, mfailed, live1, fp1, drained;
};
static struct result results[MAX_THREADS];

/* The start line: threads ready, the release, threads done; `begin` lets a host hold the threads
   back before their warm-up (emscripten's main measures the heap after pthread_create). */
static struct { int begin, ready, go, done; } ctl;
/* coordinate()'s clock: release .. the last thread's end of drain, ms */
static double span[2];

static inline u32 mix(u32 h, u32 w) { return (h ^ w) * 16777619u; }

/* noinline: a function of its own, called before the timed region by the warm-up, so the engine's
   optimizing tier (V8 tiers up a function for its next call, never inside a running one) has it */
__attribute__((noinline)) static u32 loop(u8 **s, u32 ws, u32 min, u32 max, u32 seed, u32 n) {
  u32 x = seed, failed = 0;
  const u32 mask = ws - 1;
  const int pow2 = (ws & mask) == 0;
  for (u32 i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    const u32 r = x;
    const u32 idx = pow2 ? (r & mask) : (r % ws);
    u8 *q = s[idx];
    if (q != NULL) {
      free(q);
      s[idx] = NULL;
    } else {
      u32 size = 16 + (r & 0x3FF);
      if (size < min) size = min;
      if (size > max) size = max;
      q = (u8 *)malloc(size);
      if (q == NULL) {
        failed++;
        continue;
      }
      q[0] = (u8)(r & 0xFF);
      s[idx] = q;
    }
  }
  return failed;
}

__attribute__((noinline)) static u32 drain(u8 **s, u32 ws) {
  u32 n = 0;
  for (u32 i = 0; i < ws; i++)
    if (s[i] != NULL) {
      free(s[i]);
      s[i] = NULL;
      n++;
    }
  return n;
}

static u32 live(u8 **s, u32 ws) {
  u32 n = 0;
  for (u32 i = 0; i < ws; i++) n += s[i] != NULL;
  return n;
}

static u32 fingerprint(u8 **s, u32 ws) {
  u32 h = FNV_BASIS;
  for (u32 i = 0; i < ws; i++)
    if (s[i] != NULL) h = mix(mix(h, i), s[i][0]);
  return h;
}

static void wait_while(int *w, int v) {
  while (__atomic_load_n(w, __ATOMIC_SEQ_CST) == v) __builtin_wasm_memory_atomic_wait32(w, v, -1);
}

static void bump(int *w) {
  __atomic_fetch_add(w, 1, __ATOMIC_SEQ_CST);
  __builtin_wasm_memory_atomic_notify(w, -1);
}

/* One thread's run. verify: fingerprints after prefault and main loop (inside the timed region). */
EXPORT(worker_run) void worker_run(u32 i, u32 cycles, u32 ws, u32 seed, u32 min, u32 max, u32 verify) {
  u8 **s = slots[i];
  struct result *r = &results[i];
  const u32 pseed = seed + 0xDEADBEEFu, wc = cycles / 10;
  wait_while(&ctl.begin, 0);
  for (int k = 0; wc > 0 && k < 3; k++) {
    loop(s, ws, min, max, pseed, wc / 10);
    loop(s, ws, min, max, seed, wc);
    drain(s, ws);
  }
  r->pcycles = cycles / 10;
  r->pfailed = loop(s, ws, min, max, pseed, r->pcycles);
  r->live0 = live(s, ws);
  r->fp0 = verify ? fingerprint(s, ws) : 0;
  bump(&ctl.ready);
  wait_while(&ctl.go, 0);
  if (verify) {
    r->t0 = now();
    r->mfailed = loop(s, ws, min, max, seed, cycles);
    r->live1 = live(s, ws);
    r->fp1 = fingerprint(s, ws);
    r->drained = drain(s, ws);
    r->t1 = now();
  } else {
    r->t0 = now();
    r->mfailed = loop(s, ws, min, max, seed, cycles);
    r->drained = drain(s, ws);
    r->t1 = now();
    r->live1 = r->drained;
  }
  bump(&ctl.done);
}

#ifdef __EMSCRIPTEN__
/* the heap's high-water mark while the threads run (sbrk never moves under emmalloc; dlmalloc
   may trim, so it is sampled every millisecond) */
static size_t brk_peak;
static void sample(void) {
  size_t b = (size_t)sbrk(0);
  if (b > brk_peak) brk_peak = b;
}
#define SAMPLE_NS 1000000ll
#else
#define sample()
#define SAMPLE_NS -1ll
#endif

static void wait_for(int *w, int n) {
  for (int v; (v = __atomic_load_n(w, __ATOMIC_SEQ_CST)) < n;) {
    sample();
    __builtin_wasm_memory_atomic_wait32(w, v, SAMPLE_NS);
  }
}

/* The main thread's side: release n ready threads together, wait for the last one. */
EXPORT(coordinate) double *coordinate(int n) {
  __atomic_store_n(&ctl.begin, 1, __ATOMIC_SEQ_CST);
  __builtin_wasm_memory_atomic_notify(&ctl.begin, -1);
  wait_for(&ctl.ready, n);
  span[0] = now();
  __atomic_store_n(&ctl.go, 1, __ATOMIC_SEQ_CST);
  __builtin_wasm_memory_atomic_notify(&ctl.go, -1);
  wait_for(&ctl.done, n);
  span[1] = now();
  return span;
}

EXPORT(result_at) struct result *result_at(u32 i) { return &results[i]; }
EXPORT(ctl_at) int *ctl_at(void) { return &ctl.begin; }

#ifdef __EMSCRIPTEN__
static u32 args[MAX_THREADS][7];
static void *thread_main(void *a) {
  u32 *v = a;
  worker_run(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
  return NULL;
}

/* usage: rm.js N CYCLES WS MIN MAX VERIFY SEED0 [SEED1 ...]; prints one JSON line */
int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: N CYCLES WS MIN MAX VERIFY SEED...\n");
    return 2;
  }
  int n = atoi(argv[1]);
  u32 cycles = (u32)strtoul(argv[2], 0, 10), ws = (u32)strtoul(argv[3], 0, 10);
  u32 min = (u32)strtoul(argv[4], 0, 10), max = (u32)strtoul(argv[5], 0, 10), verify = (u32)strtoul(argv[6], 0, 10);
  if (n < 1 || n > MAX_THREADS || argc != 7 + n || ws < 1 || ws > MAX_WS) {
    fprintf(stderr, "bad arguments (N in 1..%d, one seed per thread, ws in 1..%d)\n", MAX_THREADS, MAX_WS);
    return 2;
  }
  pthread_t t[MAX_THREADS];
  for (int i = 0; i < n; i++) {
    u32 v[7] = {(u32)i, cycles, ws, (u32)strtoul(argv[7 + i], 0, 10), min, max, verify};
    for (int k = 0; k < 7; k++) args[i][k] = v[k];
    if (pthread_create(&t[i], NULL, thread_main, args[i]) != 0) {
      fprintf(stderr, "pthread_create failed\n");
      return 1;
    }
  }
  /* the heap as the threads find it (their stacks and TLS come from malloc too) */
  const size_t brk0 = (size_t)sbrk(0);
  brk_peak = brk0;
  double *sp = coordinate(n);
  for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
  sample();
  printf("{\"span\":[%.6f,%.6f],\"brk0\":%zu,\"brkPeak\":%zu,\"threads\":[", sp[0], sp[1], brk0, brk_peak);
  for (int i = 0; i < n; i++) {
    struct result *r = &results[i];
    printf("%s{\"t0\":%.6f,\"t1\":%.6f,\"pcycles\":%u,\"pfailed\":%u,\"live0\":%u,\"fp0\":%u,\"mfailed\":%u,\"live1\":%u,\"fp1\":%u,\"drained\":%u}",
           i ? "," : "", r->t0, r->t1, r->pcycles, r->pfailed, r->live0, r->fp0, r->mfailed, r->live1, r->fp1, r->drained);
  }
  printf("]}\n");
  return 0;
}
#endif
