#!/usr/bin/env bash
# AddressSanitizer + LeakSanitizer run (docs/RELIABILITY.md), with the nightly toolchain's
# -Zsanitizer=address:
#   1. the core's unit tests        (cargo test -p clipforge --lib)
#   2. the FFI crate's tests        (cargo test -p clipforge-ffi --lib)
#   3. a C caller of the FFI        (tests/sanitize/ffi_lifecycle.c: objects, buffers, errors and
#      exports through the committed C header, as Swift calls them; every handle and buffer given
#      back, so anything LeakSanitizer finds was kept by the Rust side)
# Any error or leak fails the run. Its own target folder (target/asan): the stable build is untouched.
#   bash scripts/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."

TRIPLE=x86_64-unknown-linux-gnu
DIR=target/asan
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "sanitize: a nightly Rust toolchain is needed beside stable: rustup toolchain install nightly --profile minimal" >&2
  exit 1
fi
[ -f fixtures/media/counter.mp4 ] || bash fixtures/make.sh

# With --target, RUSTFLAGS reach only the target's crates: build scripts and proc-macros stay plain.
export RUSTFLAGS="-Zsanitizer=address -Cforce-frame-pointers=yes"
export RUSTDOCFLAGS="$RUSTFLAGS"
# Leaks are checked at exit; ASan errors stop the process.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0:malloc_context_size=30"
cargo_asan() { cargo +nightly "$@" --release --target "$TRIPLE" --target-dir "$DIR"; }

echo "sanitize: core unit tests" >&2
cargo_asan test -p clipforge --lib
echo "sanitize: FFI crate tests" >&2
cargo_asan test -p clipforge-ffi --lib

echo "sanitize: C caller through the FFI" >&2
cargo_asan build -p clipforge-ffi --lib
LIB="$DIR/$TRIPLE/release"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# The executable carries the ASan runtime, the one rustc links into its own executables (same LLVM as
# the library's instrumentation; Debian's clang would need its compiler-rt package). The C side is
# not instrumented: what is checked is what the Rust side allocates and frees.
RT="$(rustc +nightly --print sysroot)/lib/rustlib/$TRIPLE/lib/librustc-nightly_rt.asan.a"
clang -g -fno-omit-frame-pointer -Wall -Werror -I ios/Headers tests/sanitize/ffi_lifecycle.c -o "$OUT/ffi_lifecycle" \
  -L "$LIB" -lclipforge_ffi -Wl,-rpath,"$PWD/$LIB" \
  -Wl,--whole-archive "$RT" -Wl,--no-whole-archive -Wl,--export-dynamic -lpthread -ldl -lm -lrt
"$OUT/ffi_lifecycle" "$PWD/fixtures/media/counter.mp4" "$OUT"
echo "sanitize: ok (no AddressSanitizer error, no leak)" >&2
