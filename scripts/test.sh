#!/usr/bin/env bash
# All tests: install what is missing, make the fixtures, build, run every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash fixtures/make.sh
bash fixtures/fonts/make.sh   # caption fonts (apt + a pinned fonttools subset)
# Preview personalization: ONNX Runtime from the pinned wheel, the model, clips of real photos.
bash scripts/setup-preview.sh
cargo build --release -q -p clipforge-cli
cargo test --release --workspace
