#!/usr/bin/env bash
# The floor of bench/run.sh's cases a, b and c (issue 18): what the export cannot go below with these
# codecs. Side by side, interleaved, in one run:
#   decode    ffmpeg decodes the trimmed source alone (video and audio, 2 decoder threads, to null)
#   encode    ffmpeg encodes the export's own pictures and sound alone, from raw files, through the
#             same x264 and AAC settings as the export (X264_PARAMS, veryfast, crf 23, 2 slice
#             threads). The raw pictures come from one extra, unmeasured export of the same recipe at
#             crf 1 (60 dB from what the export encodes), decoded to yuv420p + PCM. Not from the
#             measured crf 23 output: its pictures have lost the detail x264 spends on, and encode
#             5-8 % cheaper than the pictures the export really encodes (a floor too low).
#   floor     decode + encode (wall and CPU added)
#   clipforge `clipforge export` of the case's recipe; for case a also the same with one caption
#             (issue 18's memory case)
# Cases (bench/run.sh): a = 0–15 s → one 9:16 blur output; b = 0.5–3.5 s looped to 6 s → 9:16 blur,
# 1:1 crop, 4:5 pad (clipforge encodes the 3 s once, so the floor encodes 90 frames per output);
# c = 0–15 s → the same three outputs. Several outputs: their encodes run one after the other and
# add up (each already has two slice threads). Case d is case b in more decode passes: b's floor.
# GNU time gives wall, user+sys CPU and peak RSS; medians over the repetitions.
#
#   bash bench/floor.sh [REPS] [CASE]     (default 3 a)
# Env: CLIPFORGE_BIN=path  use this binary instead of building target/release/clipforge.
# The raw pictures take 1.4 GB in bench/out/floor/ while it runs (3.2 GB for c), and the crf 1
# dumps 70 MB per output; they are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REPS=${1:-3}
CASE=${2:-a}
case "$REPS" in ''|*[!0-9]*|0) echo "floor: REPS must be a positive integer" >&2; exit 2 ;; esac
case "$CASE" in a|b|c) ;; *) echo "floor: CASE must be a, b or c" >&2; exit 2 ;; esac
die() { echo "floor: FAIL: $*" >&2; exit 1; }

if [ -n "${CLIPFORGE_BIN:-}" ]; then CF=$(realpath "$CLIPFORGE_BIN"); else
  cargo build --release -q -p clipforge-cli; CF=$ROOT/target/release/clipforge; fi
SRC=$(bash bench/source.sh)
OUT=$ROOT/bench/out/floor
rm -rf "$OUT" && mkdir -p "$OUT"
trap 'rm -f "$OUT"/frames-*.yuv "$OUT"/dump-*.mp4 "$OUT"/sound.wav' EXIT

X264P=$(sed -n 's/^pub const X264_PARAMS: &str = "\(.*\)";/\1/p' core/src/encode/video.rs)
[ -n "$X264P" ] || die "cannot read X264_PARAMS from core/src/encode/video.rs"
FF=(ffmpeg -hide_banner -loglevel error -nostdin -y)

# name:width:height of each output, the recipe's trim, loop and outputs, and how many frames each
# output encodes (a loop is encoded once and replayed).
ONE='[ { "path": "out-9x16.mp4", "aspect": "9:16", "height": 1920, "fit": "blur", "preset": "veryfast", "crf": 23 } ]'
THREE='[ { "path": "out-9x16.mp4", "aspect": "9:16", "height": 1920, "fit": "blur", "preset": "veryfast", "crf": 23 },
    { "path": "out-1x1.mp4", "aspect": "1:1", "height": 1080, "fit": "crop", "preset": "veryfast", "crf": 23 },
    { "path": "out-4x5.mp4", "aspect": "4:5", "height": 1350, "fit": "pad", "background": "#000000", "preset": "veryfast", "crf": 23 } ]'
case "$CASE" in
  a) START=0; END=15; LOOP='{ "mode": "none" }'; OUTS=$ONE; FRAMES=450; SIZES="out-9x16:1080:1920"
     TITLE="Case a (0–15 s of the 1080p30 source → 9:16 blur 1080x1920)" ;;
  b) START=0.5; END=3.5; LOOP='{ "mode": "repeat", "duration": 6.0 }'; OUTS=$THREE; FRAMES=90
     SIZES="out-9x16:1080:1920 out-1x1:1080:1080 out-4x5:1080:1350"
     TITLE="Case b (0.5–3.5 s looped to 6 s → 9:16 blur, 1:1 crop, 4:5 pad)" ;;
  c) START=0; END=15; LOOP='{ "mode": "none" }'; OUTS=$THREE; FRAMES=450
     SIZES="out-9x16:1080:1920 out-1x1:1080:1080 out-4x5:1080:1350"
     TITLE="Case c (0–15 s → 9:16 blur, 1:1 crop, 4:5 pad)" ;;
esac
recipe_json() { cat <<EOF
{
  "version": 1,
  "source": "$SRC",
  "trim": { "start": $START, "end": $END },
  "loop": $LOOP,
  "outputs": $OUTS
}
EOF
}
recipe_json >"$OUT/recipe.json"
# The pictures "encode alone" encodes: the same export at crf 1, written as dump-*.mp4.
recipe_json | sed -e 's/"crf": 23/"crf": 1/g' -e 's/"out-/"dump-/g' >"$OUT/recipe-dump.json"

# Issue 18's memory case: the same export with one caption over the whole clip (built-in font).
cat >"$OUT/recipe-caption.json" <<EOF
{
  "version": 1,
  "source": "$SRC",
  "trim": { "start": 0, "end": 15 },
  "loop": { "mode": "none" },
  "captions": [ { "text": "Street tacos at 2am", "start": 0, "end": 15, "style": "bold-outline", "position": "bottom" } ],
  "outputs": [ { "path": "out-caption.mp4", "aspect": "9:16", "height": 1920, "fit": "blur", "preset": "veryfast", "crf": 23 } ]
}
EOF

measure() { # LOG CMD... → "wall rss_kb cpu"
  local logf=$1 tf; shift; tf=$(mktemp)
  /usr/bin/time -f "%e %M %U %S" -o "$tf" "$@" >"$logf" 2>&1 || { cat "$logf" >&2; die "command failed: $*"; }
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$tf"; rm -f "$tf"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

run_cf() { (cd "$OUT" && measure "$OUT/cf.log" "$CF" export recipe.json); }
run_caption() { (cd "$OUT" && measure "$OUT/cf-caption.log" "$CF" export recipe-caption.json); }
run_decode() { measure "$OUT/dec.log" "${FF[@]}" -threads 2 -ss "$START" -t "$(awk -v a="$START" -v b="$END" 'BEGIN {print b - a}')" -i "$SRC" -map 0:v -map 0:a -f null -; }
# Every output's pictures through the export's x264 settings, one after the other, and the sound once.
encode_all() {
  local first=1 spec name w h
  for spec in $SIZES; do
    IFS=: read -r name w h <<<"$spec"
    local audio=(-an)
    [ "$first" = 1 ] && audio=(-i "$OUT/sound.wav" -map 1:a -c:a aac -b:a 128k -ar 48000 -ac 2)
    "${FF[@]}" -f rawvideo -pix_fmt yuv420p -s "${w}x$h" -r 30 -i "$OUT/frames-$name.yuv" "${audio[@]}" \
      -map 0:v -c:v libx264 -preset veryfast -crf 23 -profile:v high -g 60 -x264-params "$X264P" -threads:v 2 \
      -movflags +faststart "$OUT/enc-$name.mp4" || return 1
    first=0
  done
}
run_encode() { measure "$OUT/enc.log" bash -c "$(declare -p FF OUT SIZES X264P); $(declare -f encode_all); encode_all"; }

declare -a CFR DECR ENCR CAPR
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= REPS; i++)); do
  CFR+=("$(run_cf)")
  if [ "$i" = 1 ]; then
    # The export's own pictures and sound, raw: what "encoding the output alone" encodes.
    (cd "$OUT" && "$CF" export recipe-dump.json >"$OUT/dump.log" 2>&1) || { cat "$OUT/dump.log" >&2; die "the crf 1 export failed"; }
    "${FF[@]}" -i "$OUT/dump-9x16.mp4" -map 0:a -f wav "$OUT/sound.wav"
    for spec in $SIZES; do
      IFS=: read -r name w h <<<"$spec"
      "${FF[@]}" -i "$OUT/${name/out-/dump-}.mp4" -map 0:v -frames:v "$FRAMES" -f rawvideo -pix_fmt yuv420p "$OUT/frames-$name.yuv"
      frames=$(( $(stat -c %s "$OUT/frames-$name.yuv") / (w * h * 3 / 2) ))
      [ "$frames" = "$FRAMES" ] || die "$name has $frames frames, expected $FRAMES"
    done
  fi
  DECR+=("$(run_decode)")
  ENCR+=("$(run_encode)")
  if [ "$CASE" = a ]; then CAPR+=("$(run_caption)"); fi
  echo "floor: rep $i/$REPS: clipforge ${CFR[-1]} | decode ${DECR[-1]} | encode ${ENCR[-1]}${CAPR:+ | with a caption ${CAPR[-1]}}" >&2
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

col() { printf '%s\n' "${@:2}" | awk -v c="$1" '{print $c}' | median; }
cfw=$(col 1 "${CFR[@]}"); cfc=$(col 3 "${CFR[@]}"); cfm=$(col 2 "${CFR[@]}")
dw=$(col 1 "${DECR[@]}"); dc=$(col 3 "${DECR[@]}"); dm=$(col 2 "${DECR[@]}")
ew=$(col 1 "${ENCR[@]}"); ec=$(col 3 "${ENCR[@]}"); em=$(col 2 "${ENCR[@]}")
if [ "$CASE" = a ]; then
  kw=$(col 1 "${CAPR[@]}"); kc=$(col 3 "${CAPR[@]}"); km=$(printf '%s\n' "${CAPR[@]}" | awk '{print $2}' | sort -g | tail -n 1)
fi
{
  echo "$TITLE, median of $REPS, load $LOAD0 → $LOAD1, commit $(git rev-parse --short HEAD)"
  echo
  echo "| | wall s | CPU s | peak RSS MB | clipforge / this |"
  echo "|---|---:|---:|---:|---:|"
  echo "| decode alone (ffmpeg, trimmed source, video + audio) | $dw | $dc | $((dm / 1024)) | |"
  echo "| encode alone (ffmpeg, the export's raw pictures + PCM, same x264/AAC settings; outputs one after the other) | $ew | $ec | $((em / 1024)) | |"
  awk -v dw="$dw" -v dc="$dc" -v ew="$ew" -v ec="$ec" -v w="$cfw" -v c="$cfc" \
    'BEGIN {fw = dw + ew; fc = dc + ec; printf "| **floor** = decode + encode | %.2f | %.2f | | **%.2fx wall, %.2fx CPU** |\n", fw, fc, w / fw, c / fc}'
  echo "| clipforge export | $cfw | $cfc | $((cfm / 1024)) | |"
  if [ "$CASE" = a ]; then echo "| clipforge export with one caption (largest peak RSS of the runs; target ≤ 200 MB) | $kw | $kc | $((km / 1024)) | |"; fi
} | tee "$OUT/results.md"
