#!/usr/bin/env bash
# fit "smart" in the export against fit "crop" (issue 16's target: smart reframe adds ≤ 15 % to a
# 15 s 9:16 export's wall time): `clipforge export` of the benchmarks' 1080p30 source
# (bench/source.sh), 0–15 s, to one 9:16 1080x1920 output, once with fit crop and once with fit
# smart, interleaved. The smart run includes everything smart adds: loading the models (the CLI
# registers them per process; an app does it once), the subject analysis, the path and the moving
# crop. The source has no face, so every analysed frame runs both models: the worst case.
#
#   bash bench/smart.sh            # 3 repetitions, medians
#   bash bench/smart.sh --reps 5
#
# Needs what scripts/setup-analysis.sh installs (ONNX Runtime, the models). Wall time, CPU time
# (user + sys) and peak RSS from GNU time; the load average before and after is printed, since other
# work on the machine moves wall times. Results: printed, and bench/out/smart.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REPS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS=${2:?--reps needs a number}; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench/smart.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
case "$REPS" in ''|*[!0-9]*|0) echo "bench/smart.sh: --reps needs a positive integer" >&2; exit 2 ;; esac
die() { echo "bench/smart.sh: FAIL: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "GNU time is missing (apt-get install time)"

cargo build --release -q -p clipforge-cli
CF=$ROOT/target/release/clipforge
export CLIPFORGE_ORT_LIB=${CLIPFORGE_ORT_LIB:-$ROOT/.cache/onnxruntime/libonnxruntime.so.1.31.1}
export CLIPFORGE_FACE_MODEL=${CLIPFORGE_FACE_MODEL:-$ROOT/fixtures/models/blazeface_back_256.onnx}
export CLIPFORGE_MODEL=${CLIPFORGE_MODEL:-$ROOT/fixtures/models/efficientnet_lite0.onnx}
for f in "$CLIPFORGE_ORT_LIB" "$CLIPFORGE_FACE_MODEL" "$CLIPFORGE_MODEL"; do [ -s "$f" ] || die "$f missing: run bash scripts/setup-analysis.sh"; done
SRC=$(bash "$ROOT/bench/source.sh")
OUT=$ROOT/bench/out/smart
mkdir -p "$OUT"

# measure CMD... → "wall_s cpu_s rss_mb" (GNU time); fails loudly on a non-zero exit.
measure() {
  local tf; tf=$(mktemp)
  if ! /usr/bin/time -f "%e %U %S %M" -o "$tf" "$@" >"$OUT/last.log" 2>&1; then
    cat "$OUT/last.log" >&2; rm -f "$tf"; die "command failed: $*"
  fi
  awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' "$tf"; rm -f "$tf"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for fit in crop smart; do
  cat >"$OUT/$fit.json" <<JSON
{ "version": 1, "source": "$SRC", "trim": { "start": 0, "end": 15 },
  "outputs": [ { "path": "$OUT/$fit-9x16.mp4", "aspect": "9:16", "height": 1920, "fit": "$fit" } ] }
JSON
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench/smart.sh: $(nproc) CPUs, load average $load_before, clipforge $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')" >&2
crop=(); smart=()
for r in $(seq "$REPS"); do
  crop+=("$(measure "$CF" export "$OUT/crop.json" --json)")
  smart+=("$(measure "$CF" export "$OUT/smart.json" --json)")
  grep -q '"smart"' "$OUT/last.log" || die "the smart export has no smart report: $(cat "$OUT/last.log")"
  echo "  rep $r: crop ${crop[-1]} | smart ${smart[-1]}  (wall s, CPU s, RSS MB)" >&2
done
report=$(grep -o '"smart":{[^}]*' "$OUT/last.log" | head -1)
col() { local i=$1; shift; printf '%s\n' "$@" | awk -v i="$i" '{print $i}' | median; }
c_w=$(col 1 "${crop[@]}"); c_c=$(col 2 "${crop[@]}"); c_m=$(col 3 "${crop[@]}")
s_w=$(col 1 "${smart[@]}"); s_c=$(col 2 "${smart[@]}"); s_m=$(col 3 "${smart[@]}")
add_w=$(awk -v a="$s_w" -v b="$c_w" 'BEGIN {printf "%+.1f", 100 * (a - b) / b}')
add_c=$(awk -v a="$s_c" -v b="$c_c" 'BEGIN {printf "%+.1f", 100 * (a - b) / b}')
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "clipforge $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $load_before before, $load_after after; $REPS repetitions interleaved, medians"
  echo
  echo "| \`clipforge export\`: 0–15 s of 1080p30 → 9:16 1080x1920 | wall s | CPU s | peak RSS MB |"
  echo "|---|---:|---:|---:|"
  echo "| fit crop | $c_w | $c_c | $c_m |"
  echo "| fit smart (models loaded in the process) | $s_w | $s_c | $s_m |"
  echo
  echo "Smart adds **$add_w %** wall time, $add_c % CPU time (target ≤ 15 % wall). Report: $report}"
  echo
  echo "Per repetition (crop | smart; wall s, CPU s, RSS MB):"
  for i in "${!crop[@]}"; do echo "- ${crop[$i]} | ${smart[$i]}"; done
} | tee "$OUT/smart.md"
