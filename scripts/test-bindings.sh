#!/usr/bin/env bash
# Bindings: build the FFI library once (release, sharing target/ with the rest), check that the
# committed Kotlin/Swift bindings match it, run the Kotlin tests on the JVM, check the Swift package's
# C module with clang. Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
# Built together with the CLI so the core is compiled once, with the same features as the rest of the
# test run (the CLI turns on `golden`); apps build clipforge-ffi alone, without it.
cargo build --release -q -p clipforge-cli -p clipforge-ffi
bash scripts/gen-bindings.sh --check
bash scripts/test-swift-c.sh
bash scripts/test-kotlin.sh
echo "bindings: all checks passed in $((SECONDS - t0)) s"
