#!/usr/bin/env bash
# All tests: install what is missing, make the fixtures, build, run every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash fixtures/make.sh
bash fixtures/composer.sh      # composer media: shots, stills, stickers, music, speech, HDR
bash fixtures/fonts/make.sh   # caption fonts (apt + a pinned fonttools subset)
# Preview personalization: ONNX Runtime from the pinned wheel, the model, clips of real photos.
bash scripts/setup-preview.sh
# --workspace: one feature set for every build and test below, so the core is compiled once.
cargo build --release -q --workspace
# Lints: every unsafe block documented (clippy::undocumented_unsafe_blocks), no warnings.
cargo clippy --release -q --workspace --all-targets -- -D warnings
bash scripts/test-bindings.sh   # Kotlin on the JVM + the Swift package's C module (bindings/ffi)
cargo test --release --workspace
