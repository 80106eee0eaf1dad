#!/bin/sh
# Builds main.wasm from main.c with clang 14 and wasm-ld (Debian: apt-get install clang-14 lld-14).
# wasm32, shared memory imported from JavaScript (threads), malloc & co. imported (hakmem serves
# them), no libc, no entry point. CLANG may name another clang (a wasm32-capable one, 14 or later),
# WASM_LD another wasm-ld.
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-clang-14}"
if command -v wasm-ld-14 >/dev/null 2>&1; then WASM_LD="${WASM_LD:-wasm-ld-14}"; else WASM_LD="${WASM_LD:-wasm-ld}"; fi
# Compile, then link with wasm-ld ourselves: the clang driver runs binaryen's wasm-opt after the
# link whenever one is on PATH (emscripten brings one), and the bytes would depend on the machine.
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
"$CLANG" --target=wasm32 -O2 -matomics -mbulk-memory -mmutable-globals -nostdlib -fno-builtin \
  -c main.c -o "$T/main.o"
"$WASM_LD" --no-entry --import-memory --shared-memory --max-memory=33554432 \
  --export=run --export=drain --export=__heap_base --export=__stack_pointer \
  -o "${OUT:-main.wasm}" "$T/main.o"
