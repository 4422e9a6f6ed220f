#!/usr/bin/env bash
# Preview personalization benchmark: per-frame embedding latency (fp32 and the int8 phone variant)
# and the whole `preview` (32 candidates, 3 s loop) of a 15 s 1080p30 clip, on this machine.
#
#   bash bench/preview.sh            # 7 repetitions per measurement, medians
#   bash bench/preview.sh --reps 3
#
# Needs what scripts/setup-preview.sh makes (runtime, models, photo clips). The 1080p clip
# (five scikit-image photos, 3 s pans each, H.264 CRF 23 veryfast, keyframe every 30 frames like a
# phone) is generated once into bench/media/ (gitignored). Results: printed as markdown rows.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=7
[ "${1:-}" = "--reps" ] && REPS="${2:?--reps needs a number}"
bash scripts/setup-preview.sh >/dev/null
MEDIA=bench/media
CLIP="$MEDIA/preview_1080p_15s.mp4"
mkdir -p "$MEDIA"
if [ ! -s "$CLIP" ]; then
  .cache/venv/bin/python - "$MEDIA" <<'PYEOF'
import sys, numpy as np, skimage.data as d
from PIL import Image
for n, a in {"chelsea": d.chelsea(), "coffee": d.coffee(), "rocket": d.rocket(), "astronaut": d.astronaut(),
             "motorcycle": d.stereo_motorcycle()[0]}.items():
    Image.fromarray(np.ascontiguousarray(a[:, :, :3]).astype(np.uint8)).save(f"{sys.argv[1]}/{n}.png")
PYEOF
  fill='scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1'
  pan="$fill,zoompan=z=1.3:x='(iw-iw/zoom)*on/90':y='ih/2-ih/zoom/2':d=90:s=1920x1080:fps=30"
  ffmpeg -nostdin -v error -y -i $MEDIA/rocket.png -i $MEDIA/chelsea.png -i $MEDIA/motorcycle.png -i $MEDIA/coffee.png \
    -i $MEDIA/astronaut.png -filter_complex "[0]$pan[a];[1]$pan[b];[2]$pan[c];[3]$pan[d];[4]$pan[e];[a][b][c][d][e]concat=n=5:v=1:a=0[v]" \
    -map '[v]' -frames:v 450 -c:v libx264 -preset veryfast -crf 23 -g 30 -pix_fmt yuv420p -movflags +faststart "$CLIP.part.mp4"
  mv "$CLIP.part.mp4" "$CLIP"
fi
cargo build --release -q -p clipforge --example preview_bench
cargo build --release -q -p clipforge-cli
ORT=.cache/onnxruntime/libonnxruntime.so.1.31.1
echo "| model | load ms | ms/frame batch 1 | ms/frame batch 8 | candidates | sample ms | embed ms | poster ms | loop ms | preview ms (liked) | first embedding ms | poster file ms | CPU ms per preview (liked) | preview ms (cold) | loop bytes |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
uptime
for m in efficientnet_lite0.onnx efficientnet_lite0_phone.onnx; do
  target/release/examples/preview_bench "$ORT" "fixtures/models/$m" "$CLIP" fixtures/photos/media/cat.mp4 "$REPS"
done
# The CLI end to end (process start, model load, preview, files), cold start and liked.
PROF="$(mktemp -d)"; trap 'rm -rf "$PROF"' EXIT
target/release/clipforge profile like fixtures/photos/media/cat.mp4 --profile "$PROF/p.json" >/dev/null
for m in efficientnet_lite0.onnx efficientnet_lite0_phone.onnx; do
  best=""
  for _ in $(seq "$REPS"); do
    s=$(date +%s%N)
    target/release/clipforge preview "$CLIP" --profile "$PROF/p.json" --out-dir "$PROF" --json --model "fixtures/models/$m" >/dev/null
    e=$(( ($(date +%s%N) - s) / 1000000 ))
    best="$best $e"
  done
  echo "CLI \`clipforge preview\` with $m: wall ms per run:$best"
done
# The feed rendition: how many bytes from the file's start the first picture needs (moov + the first
# keyframe), and the check that FFmpeg decodes it from the first 64 kB alone (issue 18's target).
R="$PROF/$(basename "${CLIP%.mp4}").preview.mp4"
need=$(ffprobe -v error -select_streams v -show_entries packet=pos,size -of csv=p=0 "$R" | awk -F, 'NR == 1 {print $1 + $2}')
head -c 65536 "$R" >"$PROF/head.mp4"
if ffmpeg -nostdin -v error -i "$PROF/head.mp4" -frames:v 1 -f null - 2>/dev/null; then ok=yes; else ok=NO; fi
echo "feed rendition: $(stat -c %s "$R") bytes; first picture needs the first $need bytes; decodes from the first 64 kB: $ok"
# The floor a preview cannot go under on this machine, by FFmpeg's CLI: decoding the clip's
# keyframes (the least the candidates need) plus making the 3 s loop (decode without deblocking,
# 360p x264 superfast at 350 kb/s, as rendition.rs does). CPU time is the fair figure (each CLI run
# also pays a process start); on 2 cores the preview's wall time cannot go under half of it.
med() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
FL="$PROF/floor.txt"; : >"$FL"
for _ in $(seq "$REPS"); do
  k=$( { /usr/bin/time -f "%U %S" ffmpeg -nostdin -v error -threads 2 -skip_frame nokey -i "$CLIP" -f null - ; } 2>&1 | tail -1)
  l=$( { /usr/bin/time -f "%U %S" ffmpeg -nostdin -v error -threads 2 -skip_loop_filter all -ss 6 -i "$CLIP" -t 3 -an \
        -vf scale=-2:360 -c:v libx264 -preset superfast -b:v 350k -y "$PROF/floor.mp4" ; } 2>&1 | tail -1)
  echo "$k $l" >>"$FL"
done
kc=$(awk '{print ($1 + $2) * 1000}' "$FL" | med); lc=$(awk '{print ($3 + $4) * 1000}' "$FL" | med)
echo "floor (ffmpeg CLI, CPU ms, medians of $REPS): keyframes $kc + loop $lc = $((kc + lc)); on 2 cores >= $(((kc + lc) / 2)) ms wall"
