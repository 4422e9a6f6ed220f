#!/usr/bin/env bash
# clipforge vs the ffmpeg CLI on the same edits, from the same 1080p30 phone-like source.
#
#   bash bench/run.sh            # 3 repetitions per measurement, median wall time
#   bash bench/run.sh --quick    # 1 repetition (fast check that everything works)
#   bash bench/run.sh --reps 5   # any other repetition count
#   bash bench/run.sh --full     # also repeat case c's three separate ffmpeg runs (the slowest
#                                # measurement; by default it runs once, in the first repetition)
#
# Env: CLIPFORGE_BIN=path  use this binary instead of building target/release/clipforge.
#
# Wall time and peak RSS come from GNU time (`/usr/bin/time -f "%e %M %U %S"`).
# Results: printed, and written as markdown to bench/out/results.md.
# The source clip is generated once and cached in bench/media/ (gitignored).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
ROOT=$PWD

REPS=3
FULL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) REPS=1 ;;
    --full) FULL=1 ;;
    --reps) REPS=${2:?--reps needs a number}; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (try --quick or --reps N)" >&2; exit 2 ;;
  esac
  shift
done
case "$REPS" in ''|*[!0-9]*|0) echo "bench: --reps needs a positive integer" >&2; exit 2 ;; esac

die() { echo "bench: FAIL: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

# --- tools --------------------------------------------------------------------------------------
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || die "ffmpeg and ffprobe are required (apt-get install ffmpeg)"
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" -eq 0 ]; then
    log "installing GNU time (apt package 'time')"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  else
    die "/usr/bin/time (GNU time) is missing: run 'sudo apt-get install -y time'"
  fi
fi

if [ -n "${CLIPFORGE_BIN:-}" ]; then
  CF=$(realpath "$CLIPFORGE_BIN")
else
  log "building clipforge (release)"
  cargo build --release -q -p clipforge-cli
  CF=$ROOT/target/release/clipforge
fi
[ -x "$CF" ] || die "clipforge binary $CF not found"

MEDIA=$ROOT/bench/media
OUT=$ROOT/bench/out
mkdir -p "$MEDIA" "$OUT"

# --- source (shared with the other benches) ---------------------------------------------------
SRC=$(bash "$ROOT/bench/source.sh")

# --- measuring ------------------------------------------------------------------------------------
# measure LOGFILE CMD... → prints "wall_s peak_rss_kb user_s sys_s"; fails loudly on a non-zero exit.
# The command line is saved next to LOGFILE as *.cmd (bench/out/work/<case>/<side>/).
measure() {
  local logf=$1; shift
  local tf; tf=$(mktemp)
  printf '%q ' "$@" >"${logf%.txt}.cmd"; echo >>"${logf%.txt}.cmd"   # the exact command, for the record
  if ! /usr/bin/time -f "%e %M %U %S" -o "$tf" "$@" >"$logf" 2>&1; then
    cat "$logf" >&2; cat "$tf" >&2; rm -f "$tf"
    die "command failed: $*"
  fi
  tail -n 1 "$tf"; rm -f "$tf"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) exit 1; print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
maxof() { sort -g | tail -n 1; }

# verify FILE W H FRAMES SECONDS → ffprobe checks size, exact video frame count, and that the
# container, video and audio durations are within 0.1 s of SECONDS.
verify() {
  local f=$1 w=$2 h=$3 frames=$4 secs=$5
  [ -s "$f" ] || die "output $f is missing"
  local v a fmt gw gh gdur gn
  v=$(ffprobe -v error -select_streams v:0 -count_packets \
        -show_entries stream=width,height,nb_read_packets,duration -of default=nw=0 "$f") || die "ffprobe $f"
  gw=$(sed -n 's/^width=//p' <<<"$v"); gh=$(sed -n 's/^height=//p' <<<"$v")
  gdur=$(sed -n 's/^duration=//p' <<<"$v"); gn=$(sed -n 's/^nb_read_packets=//p' <<<"$v")
  a=$(ffprobe -v error -select_streams a:0 -show_entries stream=duration -of csv=p=0 "$f")
  fmt=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$f")
  [ "$gw" = "$w" ] && [ "$gh" = "$h" ] || die "$f is ${gw}x${gh}, expected ${w}x${h}"
  [ "$gn" = "$frames" ] || die "$f has $gn video frames, expected $frames"
  [ -n "$a" ] || die "$f has no audio stream"
  local d
  for d in "$gdur" "$a" "$fmt"; do
    awk -v d="$d" -v s="$secs" 'BEGIN { exit !(d != "N/A" && d - s < 0.1 && s - d < 0.1) }' \
      || die "$f: duration $d s (video $gdur, audio $a, container $fmt), expected $secs s"
  done
}

# --- the edits ----------------------------------------------------------------------------------
# Common x264/AAC settings = clipforge's defaults (core/src/plan/mod.rs, encode/video.rs): the same
# x264 params, 2 slice threads for a single output, 1 per encoder when three encode in parallel,
# and a 2-thread decoder.
X264P=$(sed -n 's/^pub const X264_PARAMS: &str = "\(.*\)";/\1/p' core/src/encode/video.rs)
[ -n "$X264P" ] || die "cannot read X264_PARAMS from core/src/encode/video.rs"
VENC=(-r 30 -c:v libx264 -preset veryfast -crf 23 -profile:v high -pix_fmt yuv420p -g 60 -x264-params "$X264P")
VENC1=("${VENC[@]}" -threads:v 2)
VENC3=("${VENC[@]}" -threads:v 1)
DEC=(-threads 2)
AENC=(-c:a aac -b:a 128k -ar 48000 -ac 2)
FF=(ffmpeg -hide_banner -loglevel error -nostdin -y)

# Reframe chains from 1920x1080, matching core/src/frame/reframe.rs geometry.
# 9:16 blur: backdrop built at 1/8 size (136x240) like clipforge: centre cover crop, bilinear
# downscale, 3-pass box blur radius 4 (chroma 2), luma contrast x0.6 above 16, chroma x0.85,
# bilinear upscale; sharp picture fitted to 1080x608 and overlaid at y=656.
blur916() { # IN OUT
  echo "[$1]split=2[$2bg][$2fg];[$2bg]crop=trunc(ih*9/16/2)*2:ih,scale=136:240:flags=bilinear,boxblur=luma_radius=4:luma_power=3:chroma_radius=2:chroma_power=3,lutyuv=y=16+(val-16)*0.6:u=128+(val-128)*0.85:v=128+(val-128)*0.85,scale=1080:1920:flags=bilinear[$2bgs];[$2fg]scale=1080:608[$2fgs];[$2bgs][$2fgs]overlay=0:656:format=yuv420"
}
crop11() { echo "[$1]crop=ih:ih,scale=1080:1080"; }                                   # IN (appendable)
pad45() { echo "[$1]scale=1080:608,pad=1080:1350:(ow-iw)/2:(oh-ih)/2:black"; }         # IN (appendable)
# Loop the trimmed 3 s (90 frames / 144000 samples) once more → 6 s. The loop sits after the reframe
# so the scaling is done once per source frame, as clipforge does.
VLOOP="loop=loop=1:size=90:start=0"
ALOOP="aloop=loop=1:size=144000:start=0"

recipe() { # FILE TRIM_START TRIM_END LOOP_JSON OUTPUTS_JSON
  cat >"$1" <<EOF
{
  "version": 1,
  "source": "$SRC",
  "trim": { "start": $2, "end": $3 },
  "loop": $4,
  "outputs": $5
}
EOF
}
THREE_OUTPUTS='[
    { "path": "out-9x16.mp4", "aspect": "9:16", "height": 1920, "fit": "blur", "preset": "veryfast", "crf": 23 },
    { "path": "out-1x1.mp4", "aspect": "1:1", "height": 1080, "fit": "crop", "preset": "veryfast", "crf": 23 },
    { "path": "out-4x5.mp4", "aspect": "4:5", "height": 1350, "fit": "pad", "background": "#000000", "preset": "veryfast", "crf": 23 }
  ]'

W=$OUT/work
rm -rf "$W"
mkdir -p "$W"/a/{cf,ff} "$W"/{b,c}/{cf,ff,ffsplit} "$W"/d/cf
recipe "$W/a/cf/recipe.json" 0 15 '{ "mode": "none" }' \
  '[ { "path": "out-9x16.mp4", "aspect": "9:16", "height": 1920, "fit": "blur", "preset": "veryfast", "crf": 23 } ]'
recipe "$W/b/cf/recipe.json" 0.5 3.5 '{ "mode": "repeat", "duration": 6.0 }' "$THREE_OUTPUTS"
recipe "$W/c/cf/recipe.json" 0 15 '{ "mode": "none" }' "$THREE_OUTPUTS"
# d: case b under a 250 MB memory limit: the outputs no longer fit one pass, so each gets its own.
recipe "$W/d/cf/recipe.json" 0.5 3.5 '{ "mode": "repeat", "duration": 6.0 }' "$THREE_OUTPUTS"
sed -i 's/^  "version": 1,$/  "version": 1, "max_memory_mb": 250,/' "$W/d/cf/recipe.json"
grep -q '"max_memory_mb": 250' "$W/d/cf/recipe.json" || die "could not set max_memory_mb in case d's recipe"

# Each runner: removes old outputs, runs the timed command(s), verifies, prints "wall rss_kb user sys".
run_cf() { # CASE SECS FRAMES
  local d=$W/$1/cf
  rm -f "$d"/out-*.mp4
  local r; r=$(measure "$d/log.txt" "$CF" export "$d/recipe.json" --json)
  verify "$d/out-9x16.mp4" 1080 1920 "$3" "$2"
  if [ "$1" != a ]; then
    verify "$d/out-1x1.mp4" 1080 1080 "$3" "$2"
    verify "$d/out-4x5.mp4" 1080 1350 "$3" "$2"
  fi
  echo "$r"
}

# a: one 9:16 blur output, 0–15 s, accurate seek.
run_ff_a() {
  local d=$W/a/ff; rm -f "$d"/out-*.mp4
  local r; r=$(measure "$d/log.txt" "${FF[@]}" "${DEC[@]}" -ss 0 -t 15 -i "$SRC" \
    -filter_complex "$(blur916 0:v v)[vo]" -map "[vo]" -map 0:a \
    "${VENC1[@]}" "${AENC[@]}" -movflags +faststart "$d/out-9x16.mp4")
  verify "$d/out-9x16.mp4" 1080 1920 450 15
  echo "$r"
}

# b/c, three separate ffmpeg runs (one per output): summed wall and CPU time, max RSS.
run_ff_separate() { # CASE
  local c=$1 d=$W/$1/ff ss t tout frames vl al
  if [ "$c" = b ]; then ss=0.5 t=3 tout=6 frames=180 vl=",$VLOOP" al="[0:a]$ALOOP[ao]"
  else ss=0 t=15 tout=15 frames=450 vl="" al="[0:a]anull[ao]"; fi
  rm -f "$d"/out-*.mp4
  local r1 r2 r3
  r1=$(measure "$d/log1.txt" "${FF[@]}" "${DEC[@]}" -ss "$ss" -t "$t" -i "$SRC" \
    -filter_complex "$(blur916 0:v v)$vl[vo];$al" -map "[vo]" -map "[ao]" \
    "${VENC1[@]}" "${AENC[@]}" -t "$tout" -movflags +faststart "$d/out-9x16.mp4")
  r2=$(measure "$d/log2.txt" "${FF[@]}" "${DEC[@]}" -ss "$ss" -t "$t" -i "$SRC" \
    -filter_complex "$(crop11 0:v)$vl[vo];$al" -map "[vo]" -map "[ao]" \
    "${VENC1[@]}" "${AENC[@]}" -t "$tout" -movflags +faststart "$d/out-1x1.mp4")
  r3=$(measure "$d/log3.txt" "${FF[@]}" "${DEC[@]}" -ss "$ss" -t "$t" -i "$SRC" \
    -filter_complex "$(pad45 0:v)$vl[vo];$al" -map "[vo]" -map "[ao]" \
    "${VENC1[@]}" "${AENC[@]}" -t "$tout" -movflags +faststart "$d/out-4x5.mp4")
  verify "$d/out-9x16.mp4" 1080 1920 "$frames" "$tout"
  verify "$d/out-1x1.mp4" 1080 1080 "$frames" "$tout"
  verify "$d/out-4x5.mp4" 1080 1350 "$frames" "$tout"
  printf '%s\n%s\n%s\n' "$r1" "$r2" "$r3" | awk '{w+=$1; if ($2>m) m=$2; u+=$3; s+=$4} END {printf "%.2f %d %.2f %.2f\n", w, m, u, s}'
}

# b/c, one ffmpeg run: decode once, split into the three reframe chains, three encoders.
run_ff_split() { # CASE
  local c=$1 d=$W/$1/ffsplit ss t tout frames vl al
  if [ "$c" = b ]; then ss=0.5 t=3 tout=6 frames=180 vl=",$VLOOP" al="[0:a]$ALOOP,asplit=3[a1][a2][a3]"
  else ss=0 t=15 tout=15 frames=450 vl="" al="[0:a]asplit=3[a1][a2][a3]"; fi
  rm -f "$d"/out-*.mp4
  local g="[0:v]split=3[s1][s2][s3];$(blur916 s1 v1)$vl[o1];$(crop11 s2)$vl[o2];$(pad45 s3)$vl[o3];$al"
  local r; r=$(measure "$d/log.txt" "${FF[@]}" "${DEC[@]}" -ss "$ss" -t "$t" -i "$SRC" -filter_complex "$g" \
    -map "[o1]" -map "[a1]" "${VENC3[@]}" "${AENC[@]}" -t "$tout" -movflags +faststart "$d/out-9x16.mp4" \
    -map "[o2]" -map "[a2]" "${VENC3[@]}" "${AENC[@]}" -t "$tout" -movflags +faststart "$d/out-1x1.mp4" \
    -map "[o3]" -map "[a3]" "${VENC3[@]}" "${AENC[@]}" -t "$tout" -movflags +faststart "$d/out-4x5.mp4")
  verify "$d/out-9x16.mp4" 1080 1920 "$frames" "$tout"
  verify "$d/out-1x1.mp4" 1080 1080 "$frames" "$tout"
  verify "$d/out-4x5.mp4" 1080 1350 "$frames" "$tout"
  echo "$r"
}

# --- run ----------------------------------------------------------------------------------------
# Repetitions are interleaved (clipforge, ffmpeg, clipforge, ...) so background load hits both alike.
declare -A RES
add() { RES[$1]+="$2"$'\n'; }
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
T0=$(date +%s)
for ((i = 1; i <= REPS; i++)); do
  log "rep $i/$REPS: a) blur 9:16, 15 s"
  r=$(run_cf a 15 450); add a_cf "$r"
  r=$(run_ff_a); add a_ff "$r"
  log "rep $i/$REPS: b) three aspects, 3 s looped to 6 s"
  r=$(run_cf b 6 180); add b_cf "$r"
  r=$(run_ff_separate b); add b_ff "$r"
  r=$(run_ff_split b); add b_fs "$r"
  log "rep $i/$REPS: d) case b with max_memory_mb 250"
  r=$(run_cf d 6 180); add d_cf "$r"
  log "rep $i/$REPS: c) three aspects, 15 s, no loop"
  r=$(run_cf c 15 450); add c_cf "$r"
  if [ "$i" -eq 1 ] || [ "$FULL" -eq 1 ]; then r=$(run_ff_separate c); add c_ff "$r"; fi
  r=$(run_ff_split c); add c_fs "$r"
done
ELAPSED=$(( $(date +%s) - T0 ))
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# stat KEY FIELD → median (wall, cpu) or max (rss, in MB) over the repetitions.
wall() { printf '%s' "${RES[$1]}" | awk 'NF {print $1}' | median; }
cpu()  { printf '%s' "${RES[$1]}" | awk 'NF {print $3 + $4}' | median; }
rss()  { printf '%s' "${RES[$1]}" | awk 'NF {print $2}' | maxof | awk '{printf "%.0f", $1 / 1024}'; }

nruns() { printf '%s' "${RES[$1]}" | awk 'NF {n++} END {print n + 0}'; }
row() { # LABEL CF_KEY FF_KEY
  local cw fw label=$1; cw=$(wall "$2"); fw=$(wall "$3")
  [ "$(nruns "$3")" -eq "$REPS" ] || label="$label (ffmpeg side: $(nruns "$3") run)"
  printf '| %s | %.2f | %.2f | %.2f | %s | %s | %.1f | %.1f |\n' "$label" "$cw" "$fw" \
    "$(awk -v a="$cw" -v b="$fw" 'BEGIN {print a / b}')" "$(rss "$2")" "$(rss "$3")" "$(cpu "$2")" "$(cpu "$3")"
}

CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
FFV=$(ffmpeg -version | head -n 1 | awk '{print $3}')
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo " (+ uncommitted changes)" || true)
{
  echo "# clipforge vs ffmpeg CLI"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), clipforge $REV$DIRTY, FFmpeg $FFV, $(nproc) CPUs ($CPU_MODEL),"
  echo "load average $LOAD0 before / $LOAD1 after, $REPS repetition(s), median wall time, max peak RSS, bench took ${ELAPSED} s."
  echo "Source: 1920x1080 30 fps H.264 crf 18 (~$(ffprobe -v error -select_streams v:0 -show_entries stream=bit_rate -of csv=p=0 "$SRC" | awk '{printf "%.0f", $1/1e6}') Mbit/s) + AAC 48 kHz stereo, 20 s."
  echo
  echo "| case | clipforge s | ffmpeg s | ratio (cf/ff) | clipforge peak RSS MB | ffmpeg peak RSS MB | clipforge CPU s | ffmpeg CPU s |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  row "a) blur 9:16, 15 s (1 output)" a_cf a_ff
  row "b) 3 aspects, 3 s looped to 6 s — vs 3 separate ffmpeg runs (sum)" b_cf b_ff
  row "b) 3 aspects, 3 s looped to 6 s — vs 1 ffmpeg run, split to 3 outputs" b_cf b_fs
  row "d) case b with \`max_memory_mb: 250\` (3 decode passes) — vs 3 separate ffmpeg runs (sum)" d_cf b_ff
  row "c) 3 aspects, 15 s no loop — vs 3 separate ffmpeg runs (sum)" c_cf c_ff
  row "c) 3 aspects, 15 s no loop — vs 1 ffmpeg run, split to 3 outputs" c_cf c_fs
  echo
  echo "Targets: a) ratio ≤ 1.0; b) vs 3 separate runs ratio ≤ 0.7; peak RSS ≤ 250 MB for any 1080p export (d)."
  echo "CPU s = user + sys. Separate runs: wall and CPU summed over the three, RSS = the largest of the three."
} >"$OUT/results.md"

echo
cat "$OUT/results.md"
echo
echo "bench: every output verified with ffprobe; results in bench/out/results.md"
