#!/usr/bin/env bash
# Cancel latency measured from Kotlin (issue 15, point 8): 20 exports (8 s of the 1080p30 bench source
# to a 1080x1920 blur output), each cancelled at a different point of its progress; p50 / p95 / max of
# ExportJob.cancel() -> join() and of coroutine cancelAndJoin(). Prints the load average first: the
# README promises "well under 100 ms" on a loaded 2-core machine, so run it next to other work.
#
#   bash bench/cancel.sh [N]      (default 20)
#
# Needs what scripts/test-kotlin.sh installs (JRE, kotlinc, JNA) and a release build of clipforge-ffi.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
ROOT=$PWD
KOTLIN_HOME=$ROOT/.cache/kotlin/node_modules/kotlin-compiler
[[ -x $KOTLIN_HOME/bin/kotlinc ]] || { echo "run bash scripts/test-kotlin.sh once first (installs kotlinc)" >&2; exit 2; }
JNA=/usr/share/java/jna.jar
COROUTINES=$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar
STDLIB=$KOTLIN_HOME/lib/kotlin-stdlib.jar
cargo build --release -q -p clipforge-ffi
SRC=$(bash bench/source.sh)
OUT=$ROOT/bench/out/cancel-classes
rm -rf "$OUT"
"$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$JNA:$COROUTINES" $(find android/src/main/kotlin bench/kotlin -name '*.kt' | sort) -d "$OUT" 2>&1 | grep -v '^warning:' || true
echo "load: $(cat /proc/loadavg) ($(nproc) cores), $(date -u +%H:%M) UTC, commit $(git rev-parse --short HEAD)"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
java -Djna.library.path="$ROOT/target/release" -cp "$OUT:$STDLIB:$JNA:$COROUTINES" dev.clipforge.bench.CancelLatencyKt "$SRC" "$WORK" "$N"
echo "load after: $(cat /proc/loadavg)"
