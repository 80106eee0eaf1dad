/*
 * larson, C port (Larson & Krishnan; the mimalloc-bench version). See /work/shared/BENCHMARKS.md
 * and ../README.md. The JavaScript runners in ../src/larson/ do the same, op for op.
 *
 *   larson [flags] sleep_s min_size max_size chunks_per_thread rounds seed threads
 *
 *   - RNG: Gloger's lran2, a 97-entry shuffle table over x = (x * 1366 + 150889) % 714025;
 *     sizes are min + lran2() % (max - min) (min when max == min: no draw).
 *   - Warm-up on the main thread: allocate threads * chunks blocks of random sizes, shuffle them,
 *     then 4 * threads * chunks random free-and-replace operations.
 *   - Then one seed per thread from the main RNG (lran2), and each thread owns `chunks` slots:
 *     for rounds * chunks iterations, pick a random victim, free it, allocate a new random size,
 *     write two bytes; stop early when the stop flag is set.
 *   - Bleeding: a thread that finishes its iterations without the stop flag starts a new thread
 *     on the same slots and the same RNG stream (its successor frees its blocks), then exits.
 *   - Main sleeps sleep_s (fractions allowed), sets the stop flag, waits for every thread; the
 *     result is total allocations / elapsed seconds.
 *
 * One deliberate difference from larson.cpp: the counters are kept in locals of the loop and
 * added to the range's totals when a generation ends (larson.cpp increments two struct fields per
 * iteration); the JavaScript runners do the same, so neither side pays for them.
 * Also, larson.cpp shuffles only the pointers in the warm-up (its blksize[] stays in the old order,
 * unread); here the sizes move with their blocks, because the final sizes are a fidelity checksum.
 *
 * Flags:
 *   --generations G   fixed mode (tests): no sleep, no stop flag; every range runs exactly G
 *                     generations (G threads one after another, as bleeding starts them)
 *   --verify          tag every block (thread id at p+4, generation id at p+8: needs min >= 12),
 *                     count at each free whether another thread / an earlier generation allocated
 *                     it and whether its two bytes are intact; main frees every block at the end
 *   --lran2 SEED N    print the first N outputs of lran2 seeded with SEED, and exit
 *
 * Output: one JSON object: per-range iteration counts, the checksum over the final sizes
 * (FNV over slot, size), which malloc answered, and the timing (wall and the process's CPU seconds).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifndef RTLD_DEFAULT
#define RTLD_DEFAULT ((void *)0)
#endif

#define LRAN2_MAX 714025L
#define IA 1366L
#define IC 150889L

typedef struct {
  long x, y, v[97];
} lran2_t;

static void lran2_init(lran2_t *d, long seed) {
  long x = (IC - seed) % LRAN2_MAX;
  if (x < 0) x = -x;
  for (int j = 0; j < 97; j++) {
    x = (IA * x + IC) % LRAN2_MAX;
    d->v[j] = x;
  }
  d->x = (IA * x + IC) % LRAN2_MAX;
  d->y = d->x;
}

static inline long lran2(lran2_t *d) {
  int j = (int)(d->y % 97);
  d->y = d->v[j];
  d->x = (IA * d->x + IC) % LRAN2_MAX;
  d->v[j] = d->x;
  return d->y;
}

typedef struct {
  int range_no;
  long num_blocks; /* rounds * chunks */
  char **array;
  int *blksize;
  int asize;
  int min_size, max_size;
  long seed;
  lran2_t rgen;
  /* totals over the range's generations (written by the one thread running it) */
  long long iters, generations;
  long long older_frees, cross_frees, bad_bytes, failed;
  char pad[64];
} thread_data;

static atomic_int stopflag;
static atomic_int running;
static atomic_int next_thread_id = 1; /* main is 0 */
static long long target_gens;        /* fixed mode: generations per range (0: until stopped) */
static int verify;
static int nthreads;
static _Thread_local int my_tid, my_gen;

static void spawn(thread_data *d);

/* verify mode: the allocator under a tag (thread id at p+4, generation id at p+8) */
static inline char *v_malloc(size_t size) {
  char *p = malloc(size);
  if (p) {
    int32_t t[2] = {my_tid, my_gen};
    memcpy(p + 4, t, 8);
  }
  return p;
}

static inline void v_free(char *p, thread_data *d) {
  if (p) {
    int32_t t[2];
    memcpy(t, p + 4, 8);
    if (t[1] != my_gen) d->older_frees++;
    if (t[0] != my_tid) d->cross_frees++;
    if (t[1] != 0 && (p[0] != 'a' || p[1] != 'b')) d->bad_bytes++;
  }
  free(p);
}

/* THE loop: one generation on the range. Specialized for verify by constant propagation. */
static inline __attribute__((always_inline)) long long exercise(thread_data *d, const int tagged) {
  const int range = d->max_size - d->min_size;
  long long i = 0, failed = 0;
  const long long n = d->num_blocks;
  char **array = d->array;
  int *blksize = d->blksize;
  while (i < n) {
    const int victim = (int)(lran2(&d->rgen) % d->asize);
    if (tagged) v_free(array[victim], d);
    else free(array[victim]);
    long blk_size;
    if (range == 0) blk_size = d->min_size;
    else blk_size = d->min_size + lran2(&d->rgen) % range;
    char *p = tagged ? v_malloc((size_t)blk_size) : (char *)malloc((size_t)blk_size);
    array[victim] = p;
    blksize[victim] = (int)blk_size;
    i++;
    if (p == NULL) {
      failed++;
    } else {
      /* Write something! (larson.cpp: two bytes, through a volatile pointer) */
      volatile char *chptr = p;
      *chptr++ = 'a';
      volatile char ch = *p;
      (void)ch;
      *chptr = 'b';
    }
    if (atomic_load_explicit(&stopflag, memory_order_relaxed)) break;
  }
  d->failed += failed;
  return i;
}

static void *exercise_heap(void *arg) {
  thread_data *d = (thread_data *)arg;
  if (atomic_load(&stopflag)) {
    atomic_fetch_sub(&running, 1);
    return NULL;
  }
  my_tid = atomic_fetch_add(&next_thread_id, 1);
  my_gen = (int)(1 + d->range_no + (long long)nthreads * d->generations);
  d->generations++;
  const long long done = verify ? exercise(d, 1) : exercise(d, 0);
  d->iters += done;
  /* bleeding: a successor on the same slots, unless stopped (or, fixed mode, enough generations) */
  const int more = target_gens > 0 ? d->generations < target_gens : !atomic_load(&stopflag);
  if (more) spawn(d);
  atomic_fetch_sub(&running, 1);
  return NULL;
}

static void spawn(thread_data *d) {
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  atomic_fetch_add(&running, 1);
  if (pthread_create(&t, &attr, exercise_heap, d) != 0) {
    fprintf(stderr, "larson: pthread_create failed\n");
    exit(1);
  }
  pthread_attr_destroy(&attr);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the whole process (every thread), for allocations per CPU second */
static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *malloc_impl(void) {
  if (dlsym(RTLD_DEFAULT, "mi_version") != NULL) return "mimalloc";
  if (dlsym(RTLD_DEFAULT, "mallctl") != NULL) return "jemalloc";
  return "glibc";
}

static inline uint32_t mix(uint32_t h, uint32_t w) { return (h ^ w) * 16777619u; }

static long parse_long(const char *what, const char *s) {
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 0) {
    fprintf(stderr, "larson: %s needs a non-negative integer, got '%s'\n", what, s);
    exit(2);
  }
  return v;
}

/* Peak resident set of this process so far, KiB: VmHWM from /proc/self/status (this image's own
   peak). getrusage's ru_maxrss only where that is missing: across exec Linux keeps the parent's
   peak in it (a child of node would report node's RSS). */
static long maxrss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f) {
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f)) {
      if (strncmp(line, "VmHWM:", 6) == 0) {
        kib = strtol(line + 6, NULL, 10);
        break;
      }
    }
    fclose(f);
    if (kib >= 0) return kib;
  }
  struct rusage ru;
  return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

int main(int argc, char **argv) {
  const char *pos[7];
  int npos = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--verify") == 0) verify = 1;
    else if (strcmp(argv[i], "--empty") == 0) {
      /* the empty program: same binary and preload, no benchmark (the peak RSS baseline) */
      printf("{\"mode\":\"empty\",\"impl\":\"%s\",\"maxrssKiB\":%ld}\n", malloc_impl(), maxrss_kib());
      return 0;
    }
    else if (strcmp(argv[i], "--generations") == 0 && i + 1 < argc) target_gens = parse_long("--generations", argv[++i]);
    else if (strcmp(argv[i], "--lran2") == 0 && i + 2 < argc) {
      lran2_t g;
      lran2_init(&g, parse_long("--lran2 seed", argv[i + 1]));
      const long n = parse_long("--lran2 n", argv[i + 2]);
      printf("[");
      for (long k = 0; k < n; k++) printf("%s%ld", k ? "," : "", lran2(&g));
      printf("]\n");
      return 0;
    } else if (npos < 7) pos[npos++] = argv[i];
    else {
      fprintf(stderr, "larson: unexpected argument '%s'\n", argv[i]);
      return 2;
    }
  }
  if (npos != 7) {
    fprintf(stderr, "usage: larson [--generations G] [--verify] sleep_s min max chunks rounds seed threads\n");
    return 2;
  }
  char *end = NULL;
  const double sleep_s = strtod(pos[0], &end);
  if (end == pos[0] || *end != '\0' || sleep_s < 0) {
    fprintf(stderr, "larson: sleep_s must be a non-negative number, got '%s'\n", pos[0]);
    return 2;
  }
  const int min_size = (int)parse_long("min_size", pos[1]);
  const int max_size = (int)parse_long("max_size", pos[2]);
  const int chunks = (int)parse_long("chunks_per_thread", pos[3]);
  const long rounds = parse_long("rounds", pos[4]);
  const long seed = parse_long("seed", pos[5]);
  nthreads = (int)parse_long("threads", pos[6]);
  if (max_size < min_size || chunks < 1 || nthreads < 1 || (verify && min_size < 12)) {
    fprintf(stderr, "larson: need min <= max, chunks >= 1, threads >= 1 (and min >= 12 with --verify)\n");
    return 2;
  }
  const int num_chunks = nthreads * chunks;
  char **blkp = calloc((size_t)num_chunks, sizeof *blkp);
  int *blksize = calloc((size_t)num_chunks, sizeof *blksize);
  thread_data *de_area = calloc((size_t)nthreads, sizeof *de_area);
  if (!blkp || !blksize || !de_area) return 1;

  lran2_t rgen;
  lran2_init(&rgen, seed);

  /* warm-up: every block starts out owned by the main thread (tid 0, generation 0) */
  my_tid = 0;
  my_gen = 0;
  thread_data main_d;
  memset(&main_d, 0, sizeof main_d);
  for (int c = 0; c < num_chunks; c++) {
    const int sz = min_size == max_size ? min_size : (int)(min_size + lran2(&rgen) % (max_size - min_size));
    blkp[c] = verify ? v_malloc((size_t)sz) : malloc((size_t)sz);
    blksize[c] = sz;
    if (!blkp[c]) {
      fprintf(stderr, "larson: warm-up malloc failed\n");
      return 1;
    }
  }
  for (int c = num_chunks; c > 0; c--) { /* a random permutation */
    const int victim = (int)(lran2(&rgen) % c);
    char *tmp = blkp[victim];
    blkp[victim] = blkp[c - 1];
    blkp[c - 1] = tmp;
    const int ts = blksize[victim];
    blksize[victim] = blksize[c - 1];
    blksize[c - 1] = ts;
  }
  for (long c = 0; c < 4L * num_chunks; c++) {
    const int victim = (int)(lran2(&rgen) % num_chunks);
    if (verify) v_free(blkp[victim], &main_d);
    else free(blkp[victim]);
    const int sz = max_size == min_size ? min_size : (int)(min_size + lran2(&rgen) % (max_size - min_size));
    blkp[victim] = verify ? v_malloc((size_t)sz) : malloc((size_t)sz);
    blksize[victim] = sz;
    if (!blkp[victim]) {
      fprintf(stderr, "larson: warm-up malloc failed\n");
      return 1;
    }
  }

  for (int i = 0; i < nthreads; i++) {
    thread_data *d = &de_area[i];
    d->range_no = i;
    d->num_blocks = rounds * chunks;
    d->array = &blkp[i * chunks];
    d->blksize = &blksize[i * chunks];
    d->asize = chunks;
    d->min_size = min_size;
    d->max_size = max_size;
    d->seed = lran2(&rgen);
    lran2_init(&d->rgen, d->seed);
  }
  atomic_store(&stopflag, 0);
  const double c0 = cpu_s();
  for (int i = 0; i < nthreads; i++) spawn(&de_area[i]);
  const double t0 = now_s();
  if (target_gens == 0 && sleep_s > 0) {
    struct timespec ts = {(time_t)sleep_s, (long)((sleep_s - (double)(time_t)sleep_s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0) {
    }
  }
  if (target_gens == 0) atomic_store(&stopflag, 1);
  while (atomic_load(&running) > 0) sched_yield();
  const double t1 = now_s();
  const double c1 = cpu_s();

  long long allocs = 0, gens = 0, older = 0, cross = 0, bad = 0, failed = 0;
  for (int i = 0; i < nthreads; i++) {
    allocs += de_area[i].iters;
    gens += de_area[i].generations;
    older += de_area[i].older_frees;
    cross += de_area[i].cross_frees;
    bad += de_area[i].bad_bytes;
    failed += de_area[i].failed;
  }
  uint32_t h = 2166136261u;
  for (int c = 0; c < num_chunks; c++) h = mix(mix(h, (uint32_t)c), (uint32_t)blksize[c]);
  long long final_frees = 0;
  if (verify) {
    my_tid = 0;
    my_gen = -1;
    for (int c = 0; c < num_chunks; c++) {
      if (blkp[c]) {
        free(blkp[c]);
        final_frees++;
      }
    }
  }
  const double secs = t1 - t0;
  printf("{\"impl\":\"%s\",\"mode\":\"%s\",\"sleep\":%g,\"min\":%d,\"max\":%d,\"chunks\":%d,\"rounds\":%ld,"
         "\"seed\":%ld,\"threads\":%d,\"seconds\":%.9f,\"cpuSeconds\":%.6f,\"allocs\":%lld,\"opsPerSec\":%.1f,\"generations\":%lld,"
         "\"failed\":%lld,\"checksum\":%u,\"maxrssKiB\":%ld,\"iters\":[",
         malloc_impl(), target_gens ? "fixed" : "bench", sleep_s, min_size, max_size, chunks, rounds, seed, nthreads,
         secs, c1 - c0, allocs, (double)allocs / secs, gens, failed, h, maxrss_kib());
  for (int i = 0; i < nthreads; i++) printf("%s%lld", i ? "," : "", de_area[i].iters);
  printf("]");
  if (verify) {
    printf(",\"verify\":{\"frees\":%lld,\"olderFrees\":%lld,\"crossFrees\":%lld,\"badBytes\":%lld,"
           "\"warmupFrees\":%lld,\"warmupCrossFrees\":%lld,\"finalFrees\":%lld}",
           allocs, older, cross, bad, 4LL * num_chunks, main_d.cross_frees, final_frees);
  }
  printf("}\n");
  return 0;
}
