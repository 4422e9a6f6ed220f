#!/usr/bin/env bash
# One command: install what is missing, build, make the fixtures, export the demo recipe.
# Result: demo-out/demo-9x16.mp4, demo-1x1.mp4, demo-4x5.mp4, demo-16x9.mp4 — open them in any player.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash fixtures/make.sh
cargo build --release -q -p clipforge-cli
mkdir -p demo-out
cp fixtures/recipes/demo.json demo-out/demo.json
cp fixtures/media/pcm_44k.mov demo-out/source.mov
./target/release/clipforge export demo-out/demo.json
echo "demo: open demo-out/*.mp4"
