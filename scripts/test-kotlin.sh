#!/usr/bin/env bash
# Kotlin on the JVM against the host release build of libclipforge_ffi.so: compiles the committed
# generated bindings + the idiomatic layer (android/src/main/kotlin) + tests/kotlin with the official
# Kotlin compiler (npm `kotlin-compiler`, pinned; stdlib and kotlinx-coroutines jars come inside it),
# JNA from Debian's libjna-java, then runs every test and prints a PASS/FAIL summary.
# Expects: cargo build --release -p clipforge-ffi (scripts/test-bindings.sh does it).
set -euo pipefail
cd "$(dirname "$0")/.."
KOTLIN_VERSION=2.4.20
ROOT=$PWD
CACHE=$ROOT/.cache/kotlin

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
apt_install() { as_root apt-get install -y -q "$@" >/dev/null || { as_root apt-get update -q >/dev/null && as_root apt-get install -y -q "$@" >/dev/null; }; }

command -v java >/dev/null || apt_install default-jre-headless
command -v npm >/dev/null || apt_install npm
JNA=/usr/share/java/jna.jar
[[ -f $JNA ]] || apt_install libjna-java
# OkHttp 3 (Java) and okio for the upload test's README flow (tests/kotlin/UploadTest.kt).
OKHTTP=/usr/share/java/okhttp.jar:/usr/share/java/okio.jar
[[ -f /usr/share/java/okhttp.jar ]] || apt_install libokhttp-java
KOTLIN_HOME=$CACHE/node_modules/kotlin-compiler
if [[ ! -x $KOTLIN_HOME/bin/kotlinc || $(node -p "require('$KOTLIN_HOME/package.json').version" 2>/dev/null) != "$KOTLIN_VERSION" ]]; then
  mkdir -p "$CACHE"
  npm install --prefix "$CACHE" --no-save --no-audit --no-fund --loglevel=error "kotlin-compiler@$KOTLIN_VERSION" >/dev/null
fi
STDLIB=$KOTLIN_HOME/lib/kotlin-stdlib.jar
COROUTINES=$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar

# README "Use from Kotlin" must be the tested code, line for line.
between() { sed -n "/$2-BEGIN/,/$2-END/p" "$1" | sed '1d;$d'; }
for pair in ReadmeExample.kt:README-KOTLIN ReadmeUploadExample.kt:README-UPLOAD ReadmePreviewExample.kt:README-PREVIEW; do
  src=tests/kotlin/${pair%%:*} mark=${pair##*:}
  if ! diff <(between "$src" "$mark") <(between README.md "$mark") >/dev/null; then
    echo "README.md's Kotlin example differs from $src ($mark markers)" >&2
    diff <(between "$src" "$mark") <(between README.md "$mark") >&2 || true
    exit 1
  fi
done

OUT=$CACHE/classes
rm -rf "$OUT"
echo "kotlinc $KOTLIN_VERSION: compiling bindings, wrapper and tests..."
t0=$SECONDS
"$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$JNA:$COROUTINES:$OKHTTP" \
  $(find android/src/main/kotlin tests/kotlin -name '*.kt' | sort) -d "$OUT" 2>&1 | grep -v '^warning:' || true
[[ -f $OUT/dev/clipforge/test/BindingsTestKt.class ]] || { echo "kotlinc failed" >&2; exit 1; }
echo "compiled in $((SECONDS - t0)) s"

# RUST_BACKTRACE=0: the one expected panic (a listener that throws) prints a line, not a backtrace.
# Preview tests: the real model and ONNX Runtime made by scripts/setup-preview.sh (or the CLI's env vars).
ORT_LIB=${CLIPFORGE_ORT_LIB:-$ROOT/.cache/onnxruntime/libonnxruntime.so.1.31.1}
MODEL=${CLIPFORGE_MODEL:-$ROOT/fixtures/models/efficientnet_lite0.onnx}
RUST_BACKTRACE=0 java -Djna.library.path="$ROOT/target/release" \
  -Dclipforge.ortLib="$ORT_LIB" -Dclipforge.model="$MODEL" -cp "$OUT:$STDLIB:$JNA:$COROUTINES" \
  dev.clipforge.test.BindingsTestKt "$ROOT"
# Upload plans (OkHttp against the local S3) and provenance (c2pa-python): servers and venv from
# scripts/upload-servers.sh (CLIPFORGE_TEST_*), skipped with a message when they are not running.
RUST_BACKTRACE=0 java -Djna.library.path="$ROOT/target/release" -cp "$OUT:$STDLIB:$JNA:$COROUTINES:$OKHTTP" \
  dev.clipforge.test.UploadTestKt "$ROOT"
# Seamless-loop candidates (loopPoints) on fixtures/analysis/media (scripts/setup-analysis.sh).
java -Djna.library.path="$ROOT/target/release" -cp "$OUT:$STDLIB:$JNA:$COROUTINES" dev.clipforge.test.analysis.AnalysisTestKt "$ROOT"
# The composer (recipe version 2) as typed records, checked with ffprobe / ebur128 / signalstats.
java -Djna.library.path="$ROOT/target/release" -cp "$OUT:$STDLIB:$JNA:$COROUTINES" dev.clipforge.test.composer.ComposerTestKt "$ROOT"
# Templates: drop-6s filled with typed values, exported; zbarimg reads each output's QR code.
java -Djna.library.path="$ROOT/target/release" -cp "$OUT:$STDLIB:$JNA:$COROUTINES" dev.clipforge.test.template.TemplateTestKt "$ROOT"
