#!/bin/sh
# Builds main.wasm from main.c with clang 14 and wasm-ld (Debian: apt-get install clang-14 lld-14).
# wasm32, shared memory imported from JavaScript (threads), malloc & co. imported (hakmem serves
# them), no libc, no entry point. CLANG may name another clang (a wasm32-capable one, 14 or later).
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-clang-14}"
"$CLANG" --target=wasm32 -O2 -matomics -mbulk-memory -mmutable-globals -nostdlib -fno-builtin \
  -fuse-ld=lld \
  -Wl,--no-entry,--import-memory,--shared-memory,--max-memory=33554432 \
  -Wl,--export=run,--export=drain,--export=__heap_base,--export=__stack_pointer \
  -o "${OUT:-main.wasm}" main.c
