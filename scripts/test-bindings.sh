#!/usr/bin/env bash
# Bindings: build the FFI library once (release, sharing target/ with the rest), check that the
# committed Kotlin/Swift bindings match it, run the Kotlin tests on the JVM, check the Swift package's
# C module with clang. Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
# The whole workspace, as scripts/test.sh and `cargo test --workspace` build it: with a different
# feature set (e.g. only -p clipforge-ffi) cargo would compile the core and FFmpeg's bindings again.
cargo build --release -q --workspace
bash scripts/gen-bindings.sh --check
bash scripts/test-swift-c.sh
bash scripts/test-kotlin.sh
echo "bindings: all checks passed in $((SECONDS - t0)) s"
