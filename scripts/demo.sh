#!/usr/bin/env bash
# One command: install what is missing, build, make the fixtures, export the demo recipe.
# Result: demo-out/demo-9x16.mp4, demo-1x1.mp4, demo-4x5.mp4, demo-16x9.mp4 — open them in any player.
# The recipe composes four clips (a video, a still with a slow zoom, a portrait shot, speech) with
# transitions, a logo and an animated sticker, captions and a music bed ducked under the speech.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash fixtures/make.sh
bash fixtures/composer.sh
cargo build --release -q -p clipforge-cli
mkdir -p demo-out
cp fixtures/recipes/demo.json demo-out/demo.json
cp fixtures/media/pcm_44k.mov demo-out/source.mov
for f in still.jpg shot_blue.mov talk.mp4 logo.png sticker.gif tone.m4a; do cp "fixtures/media/compose/$f" demo-out/; done
# Fonts for the captions (the library has no build-machine font folder).
export CLIPFORGE_FONTS="${CLIPFORGE_FONTS:-$PWD/fixtures/fonts}"
./target/release/clipforge export demo-out/demo.json
echo "demo: open demo-out/*.mp4"
