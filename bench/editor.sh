#!/usr/bin/env bash
# Editor calls (issue 15): filmstrip thumbnails, scrubbing frames, waveform, timed as an app calls them
# (core/examples/editor_bench.rs), on clips cut from the shared 1080p30 bench source (bench/source.sh:
# x264 crf 18, ~16 Mbit/s, 1 s GOPs, AAC):
#   - 10 thumbnails, 160 px high, of a 15 s clip: whole strip (open included) and first picture;
#   - a FrameReader at 360 px: open + first frame, then dragging forward 0.1 s a call, back 0.1 s a
#     call, and 20 random times (medians, p90);
#   - waveform, 1000 buckets of a 30 s clip.
# Prints the load average before and after: wall times on a busy 2-core machine stretch with it; the
# CPU milliseconds per call do not.
#
#   bash bench/editor.sh [REPS]     (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${1:-5}
SRC=$(bash bench/source.sh)
MEDIA=bench/media
C15=$MEDIA/editor-1080p30-15s.mp4
C30=$MEDIA/editor-1080p30-30s.mp4
[ -s "$C15" ] || ffmpeg -v error -y -i "$SRC" -t 15 -c copy -movflags +faststart "$C15"
if [ ! -s "$C30" ]; then
  LIST=$(mktemp); trap 'rm -f "$LIST"' EXIT
  printf "file '%s'\nfile '%s'\n" "$SRC" "$SRC" >"$LIST"
  ffmpeg -v error -y -f concat -safe 0 -i "$LIST" -t 30 -c copy -movflags +faststart "$C30"
fi
cargo build --release -q -p clipforge --example editor_bench
echo "load: $(cat /proc/loadavg) ($(nproc) cores), $(date -u +%H:%M) UTC, commit $(git rev-parse --short HEAD)"
target/release/examples/editor_bench "$C15" "$C30" "$REPS"
echo "load after: $(cat /proc/loadavg)"
