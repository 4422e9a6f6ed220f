#!/usr/bin/env bash
# The composer against the ffmpeg CLI doing the same edit with the same encoder settings:
# three 1080p clips (5.4 s each, two 0.6 s crossfades → 15 s), a logo overlay, a music bed ducked
# under the clips' sound, loudness normalised, to one 9:16 blur output at 1080x1920.
# Also the memory of a five-clip 1080p recipe to one 9:16 output (target ≤ 250 MB).
#
#   bash bench/compose.sh [--reps N]     (default 3; median wall time, max RSS)
#
# The ffmpeg side: per-clip reframe (the 9:16 blur chain of bench/run.sh), xfade, overlay,
# sidechaincompress, amix and loudnorm; its command is saved in bench/out/compose/ff.cmd.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REPS=3
[ "${1:-}" = "--reps" ] && REPS=${2:?--reps needs a number}
die() { echo "bench: FAIL: $*" >&2; exit 1; }

cargo build --release -q -p clipforge-cli
CF=$ROOT/target/release/clipforge
bash fixtures/composer.sh
SRC=$(bash bench/source.sh)
OUT=$ROOT/bench/out/compose
rm -rf "$OUT" && mkdir -p "$OUT"
cp fixtures/media/compose/logo.png fixtures/media/compose/tone.m4a "$OUT/"

X264P=$(sed -n 's/^pub const X264_PARAMS: &str = "\(.*\)";/\1/p' core/src/encode/video.rs)
[ -n "$X264P" ] || die "cannot read X264_PARAMS from core/src/encode/video.rs"
VENC=(-r 30 -c:v libx264 -preset veryfast -crf 23 -profile:v high -pix_fmt yuv420p -g 60 -x264-params "$X264P" -threads:v 2)
AENC=(-c:a aac -b:a 128k -ar 48000 -ac 2)
blur916() { # IN OUT: clipforge's 9:16 blur geometry (see bench/run.sh)
  echo "[$1]split=2[$2bg][$2fg];[$2bg]crop=trunc(ih*9/16/2)*2:ih,scale=136:240:flags=bilinear,boxblur=luma_radius=4:luma_power=3:chroma_radius=2:chroma_power=3,lutyuv=y=16+(val-16)*0.6:u=128+(val-128)*0.85:v=128+(val-128)*0.85,scale=1080:1920:flags=bilinear[$2bgs];[$2fg]scale=1080:608[$2fgs];[$2bgs][$2fgs]overlay=0:656:format=yuv420[$2]"
}

cat >"$OUT/recipe.json" <<EOF
{
  "version": 2,
  "clips": [
    { "source": "$SRC", "trim": { "start": 0.0, "end": 5.4 } },
    { "source": "$SRC", "trim": { "start": 6.0, "end": 11.4 }, "transition": { "kind": "crossfade", "duration": 0.6 } },
    { "source": "$SRC", "trim": { "start": 12.0, "end": 17.4 }, "transition": { "kind": "crossfade", "duration": 0.6 } }
  ],
  "overlays": [ { "image": "logo.png", "anchor": "top-right", "width": 0.18 } ],
  "music": { "path": "tone.m4a", "volume": 0.7, "duck": { "amount_db": -12, "attack": 0.05, "release": 0.4 } },
  "loudness": { "target_lufs": -14, "true_peak_db": -1 },
  "outputs": [ { "path": "cf.mp4", "aspect": "9:16", "height": 1920, "fit": "blur", "preset": "veryfast", "crf": 23 } ]
}
EOF
FG="$(blur916 0:v c0);$(blur916 1:v c1);$(blur916 2:v c2);\
[c0][c1]xfade=transition=fade:duration=0.6:offset=4.8[x1];[x1][c2]xfade=transition=fade:duration=0.6:offset=9.6[x2];\
[3:v]scale=194:-2[logo];[x2][logo]overlay=x=W-w-64:y=230[vout];\
[0:a][1:a]acrossfade=d=0.6[a1];[a1][2:a]acrossfade=d=0.6[clips];[clips]asplit=2[c1s][c2s];\
[4:a]volume=0.7[m];[m][c1s]sidechaincompress=threshold=0.003:ratio=20:attack=50:release=400[duck];\
[duck][c2s]amix=inputs=2:normalize=0[mix];[mix]loudnorm=I=-14:TP=-1,aresample=48000[aout]"
FFCMD=(ffmpeg -hide_banner -loglevel error -nostdin -y
  -threads 2 -ss 0 -t 5.4 -i "$SRC" -threads 2 -ss 6 -t 5.4 -i "$SRC" -threads 2 -ss 12 -t 5.4 -i "$SRC"
  -i "$OUT/logo.png" -i "$OUT/tone.m4a"
  -filter_complex "$FG" -map "[vout]" -map "[aout]" -t 15 "${VENC[@]}" "${AENC[@]}" "$OUT/ff.mp4")
printf '%q ' "${FFCMD[@]}" >"$OUT/ff.cmd"; echo >>"$OUT/ff.cmd"

# Five 1080p clips to one 9:16 output: the memory target.
cat >"$OUT/five.json" <<EOF
{
  "version": 2,
  "clips": [
    { "source": "$SRC", "trim": { "start": 0.0, "end": 3.4 } },
    { "source": "$SRC", "trim": { "start": 4.0, "end": 7.4 }, "transition": { "kind": "crossfade", "duration": 0.4 } },
    { "source": "$SRC", "trim": { "start": 8.0, "end": 11.4 }, "transition": { "kind": "slide-left", "duration": 0.4 } },
    { "source": "$SRC", "trim": { "start": 12.0, "end": 15.4 }, "transition": { "kind": "dip-to-black", "duration": 0.4 } },
    { "source": "$SRC", "trim": { "start": 16.0, "end": 19.4 }, "transition": { "kind": "wipe-left", "duration": 0.4 } }
  ],
  "outputs": [ { "path": "five.mp4", "aspect": "9:16", "height": 1920, "fit": "blur" } ]
}
EOF

run() { # LABEL CMD... → "wall rss_kb user sys"
  local tf; tf=$(mktemp)
  /usr/bin/time -f "%e %M %U %S" -o "$tf" "${@:2}" >/dev/null 2>"$OUT/$1.err" || { cat "$OUT/$1.err" >&2; die "$1 failed"; }
  tail -n 1 "$tf"; rm -f "$tf"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
cf=(); ff=(); five=()
for r in $(seq "$REPS"); do
  cf+=("$(run cf "$CF" export "$OUT/recipe.json")")
  ff+=("$(run ff "${FFCMD[@]}")")
  five+=("$(run five "$CF" export "$OUT/five.json")")
  echo "bench: rep $r: clipforge ${cf[-1]} | ffmpeg ${ff[-1]} | five ${five[-1]}" >&2
done
col() { printf '%s\n' "${@:2}" | awk -v c="$1" '{print $c}'; }
cfw=$(col 1 "${cf[@]}" | median); ffw=$(col 1 "${ff[@]}" | median)
cfm=$(col 2 "${cf[@]}" | sort -g | tail -1); ffm=$(col 2 "${ff[@]}" | sort -g | tail -1)
fivem=$(col 2 "${five[@]}" | sort -g | tail -1); fivew=$(col 1 "${five[@]}" | median)
ratio=$(awk -v a="$cfw" -v b="$ffw" 'BEGIN{printf "%.2f", a/b}')
lufs=$(ffmpeg -hide_banner -nostats -i "$OUT/cf.mp4" -af ebur128=peak=true -f null - 2>&1 | awk '/Summary:/{s=1} s&&/I:/{print $2; exit}')
{
  echo "| measurement | clipforge | ffmpeg CLI | ratio |"
  echo "|---|---|---|---|"
  echo "| 3 clips, 2 crossfades, logo, ducked music, loudness → 9:16 blur 1080x1920, 15 s: wall (median of $REPS) | ${cfw} s | ${ffw} s | ${ratio} |"
  echo "| same: peak RSS | $((cfm / 1024)) MB | $((ffm / 1024)) MB | |"
  echo "| 5 clips (1080p) → one 9:16 blur output: wall / peak RSS | ${fivew} s / $((fivem / 1024)) MB | | |"
  echo "| clipforge output's loudness by FFmpeg's ebur128 | ${lufs} LUFS | | |"
} | tee "$OUT/results.md"
