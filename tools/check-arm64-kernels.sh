#!/usr/bin/env bash
# Compile check of the C kernel target (Sources/CIntRSKernels) for arm64 (aarch64-linux-gnu), on an x86-64 host.
#
#   tools/check-arm64-kernels.sh
#
# Issue 11 requires the package to build and run on arm64 with the portable path (the x86 intrinsics sit behind
# `#if defined(__x86_64__)` and per-function target attributes). This host cannot run arm64 code and has no arm64
# Swift SDK, so this is a compile check only: each .c file is compiled to an object file with the Swift
# toolchain's clang for `--target=aarch64-linux-gnu` at -O2 with -Wall -Werror. The host has no aarch64 C library
# headers, so the x86-64 glibc headers stand in for them (their declarations of memcpy, fmaf, ... are the same on
# aarch64; an empty gnu/stubs-32.h satisfies glibc's multilib switch). What it catches: an intrinsic, type or
# header used outside its #if, a missing portable fallback, a warning on the arm64 compile. What it cannot
# catch: a wrong result on arm64 (no arm64 CPU here; README says so).
# Exit 0: every file compiles; 1: a file does not; 3: no clang found (skipped).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clang="${CLANG:-$(dirname "$(command -v swift 2>/dev/null || echo /nonexistent/swift)")/clang}"
[ -x "$clang" ] || clang="$(command -v clang || true)"
if [ -z "$clang" ] || [ ! -x "$clang" ]; then echo "check-arm64-kernels: no clang found; skipped" >&2; exit 3; fi
stub="$(mktemp -d)"; trap 'rm -rf "$stub"' EXIT
mkdir -p "$stub/gnu"; : > "$stub/gnu/stubs-32.h"
if [ "$(uname -m)" = aarch64 ]; then standins=()   # a native arm64 host has its own headers
elif [ -d /usr/include/x86_64-linux-gnu ]; then standins=(-I "$stub" -isystem /usr/include/x86_64-linux-gnu)
else echo "check-arm64-kernels: no x86-64 glibc headers to stand in; skipped" >&2; exit 3; fi
status=0; n=0
for f in "$root"/Sources/CIntRSKernels/*.c; do
  n=$((n + 1))
  if ! "$clang" --target=aarch64-linux-gnu -O2 -std=c11 -Wall -Werror -c -o "$stub/out.o" \
      "${standins[@]}" -I "$root/Sources/CIntRSKernels/include" -I "$root/Sources/CIntRSKernels" "$f"; then
    echo "check-arm64-kernels: FAIL: $f does not compile for aarch64" >&2; status=1
  fi
done
[ "$status" = 0 ] && echo "check-arm64-kernels: $n C files of Sources/CIntRSKernels compile for aarch64-linux-gnu (-O2 -Wall -Werror; compile check only, not run)"
exit "$status"
