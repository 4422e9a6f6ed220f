#!/usr/bin/env bash
# The analysis passes on the benchmarks' 1080p30 source (bench/source.sh), first 15 s:
#   1. loop-point search: decoding to thumbnails and the search itself (analysis_bench example),
#      and `clipforge loop-points --end 15` end to end;
#   2. smart reframe's analysis (faces, saliency, cuts, 9:16 path) against the export it would
#      precede: `clipforge export` of the same 15 s to 9:16 1080x1920 with fit "crop".
#
#   bash bench/analysis.sh            # 3 repetitions, medians
#   bash bench/analysis.sh --reps 5
#
# Needs what scripts/setup-analysis.sh installs (ONNX Runtime, the models). Wall time, CPU time
# (user + sys) and peak RSS from GNU time; the machine's load average before and after is printed,
# since other work on the machine moves wall times. Results: printed, and bench/out/analysis.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REPS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS=${2:?--reps needs a number}; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "bench/analysis.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
die() { echo "bench/analysis.sh: FAIL: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "GNU time is missing (apt-get install time)"

cargo build --release -q -p clipforge-cli
cargo build --release -q -p clipforge --example analysis_bench
CF=$ROOT/target/release/clipforge
AB=$ROOT/target/release/examples/analysis_bench
ORT=${CLIPFORGE_ORT_LIB:-$ROOT/.cache/onnxruntime/libonnxruntime.so.1.31.1}
FACES=$ROOT/fixtures/models/blazeface_back_256.onnx
FP32=$ROOT/fixtures/models/efficientnet_lite0.onnx
INT8=$ROOT/fixtures/models/efficientnet_lite0_phone.onnx
for f in "$ORT" "$FACES" "$FP32" "$INT8"; do [ -s "$f" ] || die "$f missing: run bash scripts/setup-analysis.sh"; done
SRC=$(bash "$ROOT/bench/source.sh")
OUT=$ROOT/bench/out/analysis
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

cat >"$OUT/recipe.json" <<EOF
{ "version": 1, "source": "$SRC", "trim": { "start": 0, "end": 15 },
  "outputs": [ { "path": "$OUT/crop-9x16.mp4", "aspect": "9:16", "height": 1920, "fit": "crop" } ] }
EOF

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench/analysis.sh: $(nproc) CPUs, load average $load_before, clipforge $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')" >&2

echo "== loop search, in-process split (median of $REPS)" >&2
LOOPS=$("$AB" loops "$SRC" 15 "$REPS" 2>/dev/null)
echo "$LOOPS" >&2

echo "== smart analysis, in-process (fp32 and int8 saliency model; median of $REPS)" >&2
SMART32=$("$AB" smart "$SRC" "$ORT" "$FACES" "$FP32" 15 "$REPS" 2>/dev/null)
SMART8=$("$AB" smart "$SRC" "$ORT" "$FACES" "$INT8" 15 "$REPS" 2>/dev/null)
echo "$SMART32" >&2; echo "$SMART8" >&2

echo "== end to end, interleaved: loop-points, reframe-path, export (crop 9:16)" >&2
lp=(); rp=(); ex=()
for r in $(seq "$REPS"); do
  lp+=("$(measure "$CF" loop-points "$SRC" --end 15 --json)")
  rp+=("$(CLIPFORGE_ORT_LIB=$ORT measure "$CF" reframe-path "$SRC" --end 15 --aspect 9:16 --json)")
  ex+=("$(measure "$CF" export "$OUT/recipe.json" --json)")
  echo "  rep $r: loop-points ${lp[-1]} | reframe-path ${rp[-1]} | export ${ex[-1]}  (wall s, CPU s, RSS MB)" >&2
done
col() { local i=$1; shift; printf '%s\n' "$@" | awk -v i="$i" '{print $i}' | median; }
lp_w=$(col 1 "${lp[@]}"); lp_c=$(col 2 "${lp[@]}"); lp_m=$(col 3 "${lp[@]}")
rp_w=$(col 1 "${rp[@]}"); rp_c=$(col 2 "${rp[@]}"); rp_m=$(col 3 "${rp[@]}")
ex_w=$(col 1 "${ex[@]}"); ex_c=$(col 2 "${ex[@]}"); ex_m=$(col 3 "${ex[@]}")
ratio_w=$(awk -v a="$rp_w" -v b="$ex_w" 'BEGIN {printf "%.1f", 100 * a / b}')
ratio_c=$(awk -v a="$rp_c" -v b="$ex_c" 'BEGIN {printf "%.1f", 100 * a / b}')
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "clipforge $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $load_before before, $load_after after; $REPS repetitions, medians"
  echo
  echo "- $LOOPS"
  echo "- $SMART32 (fp32 saliency)"
  echo "- $SMART8 (int8 saliency)"
  echo
  echo "| command (15 s of 1080p30) | wall s | CPU s | peak RSS MB |"
  echo "|---|---:|---:|---:|"
  echo "| \`clipforge loop-points --end 15\` | $lp_w | $lp_c | $lp_m |"
  echo "| \`clipforge reframe-path --end 15 --aspect 9:16\` (model loading included) | $rp_w | $rp_c | $rp_m |"
  echo "| \`clipforge export\`: 0–15 s → 9:16 1080x1920, fit crop | $ex_w | $ex_c | $ex_m |"
  echo
  echo "Smart analysis / crop export: **$ratio_w %** of the wall time, $ratio_c % of the CPU time."
} | tee "$OUT/analysis.md"
