#!/usr/bin/env bash
# No Swift toolchain here: check the committed Swift package's C half instead. clang compiles
# tests/swift-c/call_ffi.m as an Objective-C module user of ios/Headers (header + module.modulemap) and
# links the host libclipforge_ffi.so; the program checks every checksum the generated Swift checks at
# load, and calls real functions through the header. Expects the release build of clipforge-ffi.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=ios/Sources/Clipforge/Generated/Clipforge.swift
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# The generated Swift's load-time checks, as C: `if (f() != N) {` → CHECK(f() == N, ...).
{
  v=$(sed -n 's/.*let bindings_contract_version = \([0-9]*\).*/\1/p' "$SWIFT")
  [[ -n $v ]] || { echo "no contract version in $SWIFT" >&2; exit 1; }
  echo "CHECK(ffi_clipforge_ffi_uniffi_contract_version() == $v, \"contract version $v\");"
  sed -n 's/.*if (\(uniffi_clipforge_ffi_checksum_[a-z0-9_]*\)() != \([0-9]*\)).*/CHECK(\1() == \2, "\1 = \2");/p' "$SWIFT"
} >"$OUT/checks.inc"
n=$(grep -c checksum "$OUT/checks.inc")
[[ $n -gt 0 ]] || { echo "no checksums found in $SWIFT" >&2; exit 1; }

command -v clang >/dev/null || { echo "clang is missing (scripts/setup.sh installs it)" >&2; exit 1; }
clang -x objective-c -fmodules -fmodules-cache-path="$OUT/modules" -fmodule-map-file=ios/Headers/module.modulemap \
  -I ios/Headers -I "$OUT" -Wall -Werror tests/swift-c/call_ffi.m -o "$OUT/call_ffi" \
  -L target/release -lclipforge_ffi -Wl,-rpath,"$PWD/target/release"
"$OUT/call_ffi" fixtures/media/counter.mp4
