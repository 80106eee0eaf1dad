/*
 * random-mixed, C port (see /work/shared/BENCHMARKS.md and ../README.md).
 *
 * The same pattern as the JavaScript runners in ../src/random-mixed/, op for op:
 *   - xorshift32 on a uint32 state: x ^= x << 13; x ^= x >> 17; x ^= x << 5
 *   - idx = r % ws (computed as r & (ws - 1) when ws is a power of two: the same value, and the
 *     JavaScript runners do the same, so both sides pay the same for the index)
 *   - slot full: free it; slot empty: size = 16 + (r & 0x3FF) clamped to [min, max], malloc,
 *     write (r & 0xFF) at p[0]; the same r picks the slot and the size
 *   - prefault: cycles / 10 iterations with seed + 0xDEADBEEF (uint32 wrap), slots not drained
 *   - timed: the main loop of `cycles` iterations plus the final drain; result cycles / seconds
 *
 * Modes (one JSON object on stdout):
 *   (default)   run with malloc/free (glibc, or whatever LD_PRELOAD puts in front), print ops/s
 *   --pattern   a null allocator: no malloc at all; print a checksum over every op
 *               (idx, size or free) and the per-phase counts, to compare with the JS generator
 *   --verify    like the default, plus the slot fingerprints after prefault and main loop
 *   --start-at-ms T   after the prefault, wait until CLOCK_REALTIME reaches T (ms since the epoch)
 *               before the timed region, and print wallStart / wallEnd (CLOCK_REALTIME seconds):
 *               the scaling bench starts several processes on one start line this way
 *
 * Counts cost nothing in the hot loop: each iteration does exactly one of free / alloc / failed
 * alloc, so allocs and frees follow from the iteration count, the failed allocs (counted on the
 * rare path) and the number of live slots before and after (counted outside the loop).
 */
#define _POSIX_C_SOURCE 200112L
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifndef RTLD_DEFAULT
#define RTLD_DEFAULT ((void *)0)
#endif

typedef struct {
  uint64_t cycles;
  uint32_t ws, seed, min, max;
} params_t;

static inline uint32_t mix(uint32_t h, uint32_t w) { return (h ^ w) * 16777619u; }

/* One pass of the pattern over `slots` with malloc/free. Returns the failed allocs. */
static uint64_t loop_malloc(unsigned char **slots, const params_t *p, uint32_t seed, uint64_t n) {
  uint32_t x = seed;
  const uint32_t ws = p->ws, mask = ws - 1, min = p->min, max = p->max;
  const int pow2 = (ws & mask) == 0;
  uint64_t failed = 0;
  for (uint64_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    const uint32_t r = x;
    const uint32_t idx = pow2 ? (r & mask) : (r % ws);
    unsigned char *q = slots[idx];
    if (q != NULL) {
      free(q);
      slots[idx] = NULL;
    } else {
      uint32_t size = 16 + (r & 0x3FF);
      if (size < min) size = min;
      if (size > max) size = max;
      q = (unsigned char *)malloc(size);
      if (q == NULL) {
        failed++;
        continue;
      }
      q[0] = (unsigned char)(r & 0xFF);
      slots[idx] = q;
    }
  }
  return failed;
}

static uint64_t drain_malloc(unsigned char **slots, uint32_t ws) {
  uint64_t frees = 0;
  for (uint32_t i = 0; i < ws; i++) {
    if (slots[i] != NULL) {
      free(slots[i]);
      slots[i] = NULL;
      frees++;
    }
  }
  return frees;
}

static uint64_t live_count(unsigned char **slots, uint32_t ws) {
  uint64_t n = 0;
  for (uint32_t i = 0; i < ws; i++) n += slots[i] != NULL;
  return n;
}

/* Hash over (idx, first byte) of every live slot, ascending idx: what the JS runners compute. */
static uint32_t fingerprint(unsigned char **slots, uint32_t ws) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < ws; i++) {
    if (slots[i] != NULL) {
      h = mix(h, i);
      h = mix(h, slots[i][0]);
    }
  }
  return h;
}

/* The null allocator: slot state only, and a checksum over every op. */
typedef struct {
  uint64_t allocs, frees;
  uint32_t h;
} pattern_t;

static void loop_pattern(uint8_t *full, uint8_t *byte, const params_t *p, uint32_t seed, uint64_t n, pattern_t *out) {
  uint32_t x = seed, h = out->h;
  const uint32_t ws = p->ws, mask = ws - 1;
  const int pow2 = (ws & mask) == 0;
  uint64_t allocs = 0, frees = 0;
  for (uint64_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    const uint32_t r = x;
    const uint32_t idx = pow2 ? (r & mask) : (r % ws);
    h = mix(h, idx);
    if (full[idx]) {
      full[idx] = 0;
      h = mix(h, 0xFFFFFFFFu);
      frees++;
    } else {
      uint32_t size = 16 + (r & 0x3FF);
      if (size < p->min) size = p->min;
      if (size > p->max) size = p->max;
      full[idx] = 1;
      byte[idx] = (uint8_t)(r & 0xFF);
      h = mix(h, size);
      allocs++;
    }
  }
  out->allocs = allocs;
  out->frees = frees;
  out->h = h;
}

static uint32_t fingerprint_pattern(const uint8_t *full, const uint8_t *byte, uint32_t ws) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < ws; i++) {
    if (full[i]) {
      h = mix(h, i);
      h = mix(h, byte[i]);
    }
  }
  return h;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Sleep until CLOCK_REALTIME reaches `ms` milliseconds since the epoch (at once if it has). */
static void wait_until_ms(uint64_t ms) {
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) != 0) {
  }
}

/* Which malloc answers: LD_PRELOAD puts mimalloc's or jemalloc's symbols in the global scope. */
static const char *malloc_impl(void) {
  if (dlsym(RTLD_DEFAULT, "mi_version") != NULL) return "mimalloc";
  if (dlsym(RTLD_DEFAULT, "mallctl") != NULL) return "jemalloc";
  return "glibc";
}

static uint64_t parse_u64(const char *flag, const char *s) {
  char *end = NULL;
  unsigned long long v = strtoull(s, &end, 10);
  if (end == s || *end != '\0') {
    fprintf(stderr, "random_mixed: %s needs an unsigned integer, got '%s'\n", flag, s);
    exit(2);
  }
  return (uint64_t)v;
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
  params_t p = {10000000ull, 8192, 1234567, 16, 1039};
  int pattern = 0, verify = 0, empty = 0;
  uint64_t start_at_ms = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--pattern") == 0) pattern = 1;
    else if (strcmp(a, "--verify") == 0) verify = 1;
    else if (strcmp(a, "--empty") == 0) empty = 1;
    else if (v == NULL) {
      fprintf(stderr, "random_mixed: unknown or incomplete argument '%s'\n", a);
      return 2;
    } else if (strcmp(a, "--cycles") == 0) p.cycles = parse_u64(a, v), i++;
    else if (strcmp(a, "--ws") == 0) p.ws = (uint32_t)parse_u64(a, v), i++;
    else if (strcmp(a, "--seed") == 0) p.seed = (uint32_t)parse_u64(a, v), i++;
    else if (strcmp(a, "--min") == 0) p.min = (uint32_t)parse_u64(a, v), i++;
    else if (strcmp(a, "--max") == 0) p.max = (uint32_t)parse_u64(a, v), i++;
    else if (strcmp(a, "--start-at-ms") == 0) start_at_ms = parse_u64(a, v), i++;
    else {
      fprintf(stderr, "random_mixed: unknown argument '%s'\n", a);
      return 2;
    }
  }
  if (p.ws == 0) {
    fprintf(stderr, "random_mixed: --ws must be at least 1\n");
    return 2;
  }
  /* the empty program: the same binary and preload, no benchmark; its peak RSS is the baseline
     subtracted from a run's (what mimalloc-bench's rss means less the process itself) */
  if (empty) {
    printf("{\"mode\":\"empty\",\"impl\":\"%s\",\"maxrssKiB\":%ld}\n", malloc_impl(), maxrss_kib());
    return 0;
  }
  const uint32_t pseed = p.seed + 0xDEADBEEFu; /* uint32 wrap */
  const uint64_t pcycles = p.cycles / 10;

  if (pattern) {
    uint8_t *full = calloc(p.ws, 1), *byte = calloc(p.ws, 1);
    if (!full || !byte) return 1;
    pattern_t pre = {0, 0, 2166136261u}, mainp = {0, 0, 0};
    loop_pattern(full, byte, &p, pseed, pcycles, &pre);
    const uint32_t fp_pre = fingerprint_pattern(full, byte, p.ws);
    mainp.h = pre.h;
    loop_pattern(full, byte, &p, p.seed, p.cycles, &mainp);
    const uint32_t fp_main = fingerprint_pattern(full, byte, p.ws);
    uint32_t h = mainp.h;
    uint64_t drained = 0;
    for (uint32_t i = 0; i < p.ws; i++) {
      if (full[i]) {
        full[i] = 0;
        h = mix(h, i);
        h = mix(h, 0xFFFFFFFEu);
        drained++;
      }
    }
    printf("{\"mode\":\"pattern\",\"cycles\":%llu,\"ws\":%u,\"seed\":%u,\"min\":%u,\"max\":%u,"
           "\"prefault\":{\"allocs\":%llu,\"frees\":%llu,\"failed\":0,\"fingerprint\":%u},"
           "\"main\":{\"allocs\":%llu,\"frees\":%llu,\"failed\":0,\"fingerprint\":%u},"
           "\"drain\":{\"frees\":%llu},\"checksum\":%u}\n",
           (unsigned long long)p.cycles, p.ws, p.seed, p.min, p.max, (unsigned long long)pre.allocs,
           (unsigned long long)pre.frees, fp_pre, (unsigned long long)mainp.allocs,
           (unsigned long long)mainp.frees, fp_main, (unsigned long long)drained, h);
    free(full);
    free(byte);
    return 0;
  }

  unsigned char **slots = calloc(p.ws, sizeof *slots);
  if (!slots) return 1;
  const uint64_t pfailed = loop_malloc(slots, &p, pseed, pcycles);
  const uint64_t live0 = live_count(slots, p.ws);
  const uint32_t fp_pre = verify ? fingerprint(slots, p.ws) : 0;

  uint32_t fp_main = 0;
  uint64_t live1 = 0, mfailed, drained;
  double t0, t1;
  if (start_at_ms) wait_until_ms(start_at_ms);
  const double w0 = wall_s();
  if (verify) {
    t0 = now_s();
    mfailed = loop_malloc(slots, &p, p.seed, p.cycles);
    live1 = live_count(slots, p.ws);
    fp_main = fingerprint(slots, p.ws);
    drained = drain_malloc(slots, p.ws);
    t1 = now_s();
  } else {
    t0 = now_s();
    mfailed = loop_malloc(slots, &p, p.seed, p.cycles);
    drained = drain_malloc(slots, p.ws);
    t1 = now_s();
    live1 = drained;
  }
  const double w1 = wall_s();
  const double secs = t1 - t0;
  /* allocs - frees = live change, allocs + frees + failed = iterations */
  const uint64_t pallocs = (pcycles - pfailed + live0) / 2, pfrees = pcycles - pfailed - pallocs;
  const uint64_t mallocs = (p.cycles - mfailed + live1 - live0) / 2, mfrees = p.cycles - mfailed - mallocs;
  printf("{\"mode\":\"%s\",\"impl\":\"%s\",\"cycles\":%llu,\"ws\":%u,\"seed\":%u,\"min\":%u,\"max\":%u,"
         "\"seconds\":%.9f,\"opsPerSec\":%.1f,"
         "\"prefault\":{\"allocs\":%llu,\"frees\":%llu,\"failed\":%llu,\"fingerprint\":%u},"
         "\"main\":{\"allocs\":%llu,\"frees\":%llu,\"failed\":%llu,\"fingerprint\":%u},"
         "\"drain\":{\"frees\":%llu},\"wallStart\":%.6f,\"wallEnd\":%.6f,\"maxrssKiB\":%ld}\n",
         verify ? "verify" : "bench", malloc_impl(), (unsigned long long)p.cycles, p.ws, p.seed, p.min, p.max,
         secs, (double)p.cycles / secs, (unsigned long long)pallocs, (unsigned long long)pfrees,
         (unsigned long long)pfailed, fp_pre, (unsigned long long)mallocs, (unsigned long long)mfrees,
         (unsigned long long)mfailed, fp_main, (unsigned long long)drained, w0, w1, maxrss_kib());
  free(slots);
  return 0;
}
