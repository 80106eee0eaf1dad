/*
 * A small multi-threaded C program for wasm32 whose malloc, free, calloc, realloc, aligned_alloc,
 * posix_memalign and malloc_usable_size are imported from JavaScript (served by hakmem in the
 * module's shared memory). Each thread runs `run`: random mallocs, callocs, over-aligned blocks
 * (32 B to 64 KiB), reallocs and frees over a table of blocks (at least 8 bytes each), every block
 * filled with a pattern that is checked before it is resized or freed; some blocks are handed to
 * the other thread through a mailbox in shared memory and freed there. It counts the blocks that
 * are not 16-byte aligned (C's max_align_t on wasm32) and those not aligned as asked. No libc:
 * the few helpers are written here.
 */
typedef __SIZE_TYPE__ size_t;
typedef unsigned int u32;
typedef unsigned char u8;

#define IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

IMPORT(malloc) void *malloc(size_t size);
IMPORT(free) void free(void *p);
IMPORT(calloc) void *calloc(size_t count, size_t size);
IMPORT(realloc) void *realloc(void *p, size_t size);
IMPORT(aligned_alloc) void *aligned_alloc(size_t align, size_t size);
IMPORT(posix_memalign) int posix_memalign(void **pp, size_t align, size_t size);
IMPORT(malloc_usable_size) size_t malloc_usable_size(void *p);
/* a damaged block: what went wrong (1 pattern, 2 calloc not zeroed, 3 realloc lost bytes, 4 NULL,
 * 5 not aligned as asked, 6 usable size short), where */
IMPORT(report) void report(int what, void *p, size_t size);

#define SLOTS 256
#define MAILBOX 64

/* Shared by the threads: blocks on their way to the other thread (0: empty). */
static void *mailbox[MAILBOX];

static u32 next(u32 *s) { /* xorshift32 */
  u32 x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}

/* The pattern of a block: its size, a tag, then bytes derived from the tag (a copy keeps them). */
static void fill(u8 *p, size_t size, u32 tag) {
  ((u32 *)p)[0] = (u32)size;
  ((u32 *)p)[1] = tag;
  for (size_t i = 8; i < size; i++) p[i] = (u8)(tag + i * 7);
}

/* The first `upto` bytes of a block of `size` bytes still hold its pattern. */
static int intact(u8 *p, size_t size, size_t upto) {
  if (((u32 *)p)[0] != (u32)size) return 0;
  u32 tag = ((u32 *)p)[1];
  for (size_t i = 8; i < upto; i++)
    if (p[i] != (u8)(tag + i * 7)) return 0;
  return 1;
}

struct stats { u32 ops, errors, nulls, not16, crossFreed, checksum, aligned, misaligned; };

/* A block aligned to `align` (a power of two), by aligned_alloc or posix_memalign (its pointer
 * written into this thread's stack); counted, and checked. */
static u8 *alloc_aligned(size_t align, size_t size, u32 r, struct stats *st) {
  void *p = 0;
  if (r & 0x4000) p = aligned_alloc(align, size);
  else if (posix_memalign(&p, align, size) != 0) p = 0;
  if (p) {
    st->aligned++;
    if ((size_t)p & (align - 1)) { st->misaligned++; report(5, p, align); }
  }
  return p;
}

static void check_free(u8 *p, struct stats *st) {
  size_t size = *(u32 *)p;
  if (!intact(p, size, size)) { st->errors++; report(1, p, size); }
  free(p);
}

/* Give a block to the other thread, or free it here if the mailbox is full. */
static void post(u8 *p, u32 r, struct stats *st) {
  void **slot = &mailbox[r % MAILBOX];
  void *expected = 0;
  if (!__atomic_compare_exchange_n(slot, &expected, p, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) check_free(p, st);
}

/* Take a block another thread posted (any thread may take its own back: that is fine too). */
static void collect(u32 r, struct stats *st) {
  u8 *p = __atomic_exchange_n(&mailbox[r % MAILBOX], (void *)0, __ATOMIC_ACQ_REL);
  if (p) { check_free(p, st); st->crossFreed++; }
}

EXPORT(run) u32 run(u32 seed, u32 iters, struct stats *st) {
  u8 *blocks[SLOTS];
  size_t sizes[SLOTS];
  u32 s = seed | 1;
  for (int i = 0; i < SLOTS; i++) { blocks[i] = 0; sizes[i] = 0; }
  for (u32 it = 0; it < iters; it++) {
    u32 r = next(&s);
    int k = r % SLOTS;
    size_t size = 8 + (next(&s) % ((r & 0x100) ? 256 : 8192));
    if ((r & 0xf000) == 0) size = 70000 + (next(&s) % 100000); /* now and then a large block */
    u8 *p = blocks[k];
    st->ops++;
    if (p == 0) {
      if ((r & 0x3000) == 0x1000) {
        p = alloc_aligned((size_t)32 << (next(&s) % 12), size, r, st); /* now and then: 32 B .. 64 KiB */
      } else if (r & 0x200) {
        p = calloc(size, 1);
        if (p) for (size_t i = 0; i < size; i++) if (p[i]) { st->errors++; report(2, p, size); break; }
      } else {
        p = malloc(size);
      }
      if (!p) { st->nulls++; report(4, 0, size); continue; }
      if ((size_t)p & 15) st->not16++;
      if (malloc_usable_size(p) < size) { st->errors++; report(6, p, size); }
      fill(p, size, r);
      blocks[k] = p;
      sizes[k] = size;
    } else if (r & 0x400) {
      size_t old = sizes[k];
      u8 *q = realloc(p, size);
      if (!q) { st->nulls++; report(4, p, size); continue; }
      if (!intact(q, old, old < size ? old : size)) { st->errors++; report(3, q, size); }
      if ((size_t)q & 15) st->not16++;
      fill(q, size, r);
      blocks[k] = q;
      sizes[k] = size;
    } else {
      st->checksum += *(u32 *)p;
      if (r & 0x800) post(p, next(&s), st);
      else check_free(p, st);
      blocks[k] = 0;
      collect(next(&s), st);
    }
  }
  for (int i = 0; i < SLOTS; i++) if (blocks[i]) check_free(blocks[i], st);
  return st->errors;
}

/* After every thread has returned: free what is left in the mailbox. */
EXPORT(drain) u32 drain(struct stats *st) {
  for (u32 i = 0; i < MAILBOX; i++) collect(i, st);
  return st->errors;
}
