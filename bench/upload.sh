#!/usr/bin/env bash
# Upload plans and signing (docs/BENCHMARKS.md, "Upload plans and provenance"):
#  1. `clipforge upload-plan` (whole SHA-256 + per-part SHA-256 and CRC-64/NVME, one read) next to
#     `sha256sum` alone on the same 200 MB file, alternating, REPS times each, page cache warm;
#  2. peak RSS of upload-plan at 200 MB and 1 GB (bounded: it must not grow with the file);
#  3. the signing cost of a 15 s 1080x1920 export at crf 18 of the phone-like 17 Mbit/s source
#     (bench/source.sh), examples/sign_bench.rs, ephemeral chain.
#
#   bash bench/upload.sh [--reps N]     (default 5)
#
# Wall, user time and peak RSS from GNU time. Files in bench/media/ (gitignored). The load average
# is printed before and after: on a shared machine, compare the two columns of one run only.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=5
[ "${1:-}" = "--reps" ] && REPS=${2:?--reps needs a number}
mkdir -p bench/media bench/out
cargo build --release -q -p clipforge-cli
BIN=target/release/clipforge
MB200=bench/media/upload-200M.bin
GB1=bench/media/upload-1G.bin
[ -s "$MB200" ] || head -c 200000000 /dev/urandom > "$MB200"
[ -s "$GB1" ] || head -c 1000000000 /dev/urandom > "$GB1"
cat "$MB200" > /dev/null   # warm the page cache: both tools then read from memory

timed() { /usr/bin/time -f "%e %U %M" "$@" 2>&1 >/dev/null | tail -1; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "run  sha256sum(s)  user   upload-plan(s) user   plan RSS(kB)"
sums=() plans=()
for ((i = 1; i <= REPS; i++)); do
  read -r sw su _ <<<"$(timed sha256sum "$MB200")"
  read -r pw pu prss <<<"$(timed "$BIN" upload-plan "$MB200" --json)"
  printf '%3d  %12s  %5s  %14s  %5s  %12s\n' "$i" "$sw" "$su" "$pw" "$pu" "$prss"
  sums+=("$sw") plans+=("$pw")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms=$(median "${sums[@]}") mp=$(median "${plans[@]}")
echo "median: sha256sum $ms s ($(awk -v s="$ms" 'BEGIN {printf "%.0f", 200/s}') MB/s), upload-plan $mp s ($(awk -v s="$mp" 'BEGIN {printf "%.0f", 200/s}') MB/s)"
read -r _ _ rss1 <<<"$(timed "$BIN" upload-plan "$GB1" --json)"
read -r _ _ rss2 <<<"$(timed "$BIN" upload-plan "$MB200" --json)"
echo "peak RSS: 200 MB file $rss2 kB, 1 GB file $rss1 kB"

SRC=$(bash bench/source.sh)
cat > bench/out/sign-15s.json <<JSON
{ "version": 1, "source": "$SRC", "trim": { "start": 0.0, "end": 15.0 },
  "outputs": [{ "path": "$PWD/bench/out/sign-15s.mp4", "aspect": "9:16", "height": 1920, "crf": 18 }],
  "provenance": { "ephemeral": true } }
JSON
cargo run --release -q -p clipforge --features golden,uploader,provenance --example sign_bench -- bench/out/sign-15s.json 11
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
