#!/usr/bin/env bash
# What captions cost: the same 15 s 9:16 blur export (bench/run.sh case a) with and without a full
# set of captions (5 styled captions covering the whole clip, emoji, Arabic, karaoke words, fades),
# run alternately, median wall time of each.
#
#   bash bench/captions.sh [--reps N]      (default 3)
#
# Env: CLIPFORGE_BIN=path  use this binary instead of building target/release/clipforge.
# Target (issue 4): captions add at most 5 % to the export's wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REPS=3
[ "${1:-}" = "--reps" ] && REPS=${2:?--reps needs a number}
if [ -n "${CLIPFORGE_BIN:-}" ]; then CF=$(realpath "$CLIPFORGE_BIN"); else
  cargo build --release -q -p clipforge-cli; CF=$ROOT/target/release/clipforge; fi
SRC=$(bash "$ROOT/bench/source.sh")   # the same source as bench/run.sh, so the numbers compare
W=$ROOT/bench/out/captions
rm -rf "$W"; mkdir -p "$W"

common='"version": 1, "source": "'"$SRC"'", "trim": { "start": 0, "end": 15 }, "loop": { "mode": "none" }'
out='"outputs": [ { "path": "out-9x16.mp4", "aspect": "9:16", "height": 1920, "fit": "blur", "preset": "veryfast", "crf": 23 } ]'
cat >"$W/plain.json" <<J
{ $common, $out }
J
cat >"$W/captions.json" <<J
{ $common, $out,
  "captions": [
    { "text": "Street tacos at 2am 🌮🔥", "start": 0, "end": 3, "style": "bold-outline", "position": "bottom", "fade_in": 0.2, "pop": true },
    { "text": "مرحبا بالعالم", "start": 3, "end": 6, "style": "box", "position": "center" },
    { "text": "one two three four five six", "start": 6, "end": 9, "style": "shadow", "position": "top",
      "words": [ {"start":6,"end":6.5}, {"start":6.5,"end":7}, {"start":7,"end":7.5}, {"start":7.5,"end":8}, {"start":8,"end":8.5}, {"start":8.5,"end":9} ] },
    { "text": "A longer caption that wraps onto two or three balanced lines", "start": 9, "end": 12, "style": "box", "position": "bottom", "fade_out": 0.5 },
    { "text": "नमस्ते 你好 ✨", "start": 12, "end": 15, "style": "bold-outline", "position": { "x": 0.5, "y": 0.3 } }
  ] }
J

# The captions use Arabic, Devanagari, CJK and emoji: the fixture fonts, registered as an app would.
run() { /usr/bin/time -f "%e %M %U %S" -o "$W/$1.time" "$CF" export "$W/$1.json" --json --fonts "$ROOT/fixtures/fonts" >"$W/$1.log" 2>&1; cat "$W/$1.time"; }
: >"$W/plain.txt"; : >"$W/captions.txt"
for i in $(seq "$REPS"); do
  run plain >>"$W/plain.txt"
  run captions >>"$W/captions.txt"
done
med() { awk '{print $1}' "$1" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
rss() { awk '{print $2}' "$1" | sort -g | tail -n 1; }
P=$(med "$W/plain.txt"); C=$(med "$W/captions.txt")
echo "plain:    median ${P} s over $REPS runs (peak RSS $(( $(rss "$W/plain.txt") / 1024 )) MB)   [$(awk '{printf "%s ", $1}' "$W/plain.txt")]"
echo "captions: median ${C} s over $REPS runs (peak RSS $(( $(rss "$W/captions.txt") / 1024 )) MB)   [$(awk '{printf "%s ", $1}' "$W/captions.txt")]"
cpu() { awk '{print $3 + $4}' "$1" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
PC=$(cpu "$W/plain.txt"); CC=$(cpu "$W/captions.txt")
echo "cpu (user+sys) median: plain ${PC} s, captions ${CC} s"
awk -v p="$P" -v c="$C" -v pc="$PC" -v cc="$CC" 'BEGIN { printf "captions add %+.1f %% wall time, %+.1f %% CPU time (target <= +5 %% wall)\n", (c / p - 1) * 100, (cc / pc - 1) * 100 }'
