#!/usr/bin/env bash
# Fuzzing (docs/RELIABILITY.md): builds the cargo-fuzz targets in core/fuzz with the nightly
# toolchain (AddressSanitizer, debug assertions and overflow checks on), replays the regression
# corpus (core/fuzz/regressions/<target>/), then fuzzes each target for a bounded time.
#
#   bash scripts/fuzz.sh                          # all targets, FUZZ_SECONDS each (CI: 30 s)
#   FUZZ_SECONDS=1800 bash scripts/fuzz.sh media  # one target, longer
#   FUZZ_SECONDS=0 bash scripts/fuzz.sh           # build and replay only
#   FUZZ_FORK=1 FUZZ_SECONDS=300 bash scripts/fuzz.sh   # keep going after a finding (collects several)
#
# Every input runs under the same caps: RSS and single allocations at FUZZ_MEMORY_MB (2048), one
# input at most FUZZ_TIMEOUT (20) seconds; a crash, an out-of-memory or a timeout is a failure.
# Findings of a run are written to core/fuzz/artifacts/<target>/; commit each reproducer to
# core/fuzz/regressions/<target>/. Regressions that still fail on purpose (the fix is pending) are
# listed in core/fuzz/regressions/known-failing.txt: they are reported, and the run still passes;
# once such an input passes, the run fails until its line is removed, so the list stays true.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(recipe subtitles taste_profile caption_layout media)
SECONDS_EACH="${FUZZ_SECONDS:-30}"
MEMORY_MB="${FUZZ_MEMORY_MB:-2048}"
TIMEOUT="${FUZZ_TIMEOUT:-20}"
FUZZ_DIR=core/fuzz
BIN_DIR="$FUZZ_DIR/target/x86_64-unknown-linux-gnu/release"
KNOWN="$FUZZ_DIR/regressions/known-failing.txt"
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")

# Leak checks while fuzzing: on for media (FFmpeg objects the wrapper must free); off elsewhere, where
# caches that grow on purpose (fonts, glyphs) would make libFuzzer rerun every input to look for
# leaks. scripts/sanitize.sh checks for leaks in the tests and across the FFI.
detect_leaks() { [ "$1" = media ] && echo 1 || echo 0; }

# Longest input libFuzzer makes per target: a few times the largest seed.
max_len() {
  case "$1" in
    recipe) echo 8192 ;;
    subtitles) echo 16384 ;;
    taste_profile) echo 65536 ;;
    caption_layout) echo 4096 ;;
    media) echo 131072 ;;
  esac
}

# --- toolchain -------------------------------------------------------------------------------
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz: a nightly Rust toolchain is needed beside stable: rustup toolchain install nightly --profile minimal" >&2
  exit 1
fi
if [ "$(cargo +nightly fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION from crates.io" >&2
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION" -q
fi
# The caption target shapes with the bundled fonts (fixtures/fonts/make.sh, run by scripts/test.sh).

# --- build -----------------------------------------------------------------------------------
# -O -a: optimised, with debug assertions and overflow checks (arithmetic overflow is a finding).
# 16 codegen units: the build runs on both cores (CI's budget), for slightly slower fuzzing.
mkdir -p "$FUZZ_DIR/artifacts"
BUILD_LOG="$FUZZ_DIR/artifacts/build.log"
echo "fuzz: building the targets (nightly, AddressSanitizer)" >&2
if ! (cd core && cargo +nightly fuzz build -O -a --codegen-units 16) >"$BUILD_LOG" 2>&1; then
  tail -40 "$BUILD_LOG" >&2
  echo "fuzz: the build failed (full log: $BUILD_LOG)" >&2
  exit 1
fi

caps=(-rss_limit_mb="$MEMORY_MB" -malloc_limit_mb="$MEMORY_MB" -timeout="$TIMEOUT")
# Targets run with stdin closed: a recipe may name /dev/stdin as its subtitle file.
failed=0

# --- regression corpus -----------------------------------------------------------------------
# One process per file, so that each reproducer gets its own verdict.
known_reason() { # "target/file" -> reason text, empty when not listed
  [ -f "$KNOWN" ] || return 0
  awk -v k="$1" '$1 == k { $1 = ""; sub(/^ +/, ""); print; exit }' "$KNOWN"
}
why() { # the line of a libFuzzer log that says what went wrong
  grep -m1 -E "panicked at|ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|out-of-memory|Timeout|SUMMARY" "$1" | cut -c1-160
}
echo "fuzz: replaying the regression corpus ($FUZZ_DIR/regressions)" >&2
printf '%-9s %-62s %s\n' RESULT INPUT NOTE
for t in "${TARGETS[@]}"; do
  for f in "$FUZZ_DIR/regressions/$t"/*; do
    [ -f "$f" ] || continue
    key="$t/$(basename "$f")"
    reason="$(known_reason "$key")"
    log="$FUZZ_DIR/artifacts/replay-$t-$(basename "$f").log"
    if "$BIN_DIR/$t" "${caps[@]}" -detect_leaks="$(detect_leaks "$t")" "$f" </dev/null >"$log" 2>&1; then
      if [ -n "$reason" ]; then
        printf '%-9s %-62s %s\n' FIXED "$key" "passes now: remove its line from $KNOWN"
        failed=1
      else
        printf '%-9s %-62s\n' pass "$key"
      fi
    elif [ -n "$reason" ]; then
      printf '%-9s %-62s %s\n' known "$key" "fails as expected (pending: $reason)"
    else
      printf '%-9s %-62s %s\n' FAIL "$key" "$(why "$log") (log: $log)"
      failed=1
    fi
  done
done
if [ -f "$KNOWN" ]; then
  while read -r key _; do
    case "$key" in ''|'#'*) continue ;; esac
    [ -f "$FUZZ_DIR/regressions/$key" ] || { echo "fuzz: $KNOWN lists $key, which does not exist" >&2; failed=1; }
  done <"$KNOWN"
fi

# --- bounded fuzzing -------------------------------------------------------------------------
if [ "$SECONDS_EACH" -gt 0 ]; then
  echo "fuzz: fuzzing each target for ${SECONDS_EACH}s (memory cap ${MEMORY_MB} MB, timeout ${TIMEOUT}s per input)" >&2
  printf '%-15s %10s %8s %s\n' TARGET EXECUTIONS SECONDS FINDINGS
  for t in "${TARGETS[@]}"; do
    corpus="$FUZZ_DIR/corpus/$t"
    artifacts="$FUZZ_DIR/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    args=("${caps[@]}" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$t")" -detect_leaks="$(detect_leaks "$t")" -print_final_stats=1
      -artifact_prefix="$artifacts/")
    [ -f "$FUZZ_DIR/dicts/$t.dict" ] && args+=(-dict="$FUZZ_DIR/dicts/$t.dict")
    [ "${FUZZ_FORK:-0}" = 1 ] && args+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
    log="$artifacts/fuzz.log"
    before="$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | sort)"
    start=$(date +%s)
    status=0
    # New corpus entries go to corpus/ (gitignored); the committed seeds are read only.
    "$BIN_DIR/$t" "${args[@]}" "$corpus" "$FUZZ_DIR/seeds/$t" </dev/null >"$log" 2>&1 || status=$?
    took=$(( $(date +%s) - start ))
    execs="$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{print $2}' | tail -1)"
    [ -n "$execs" ] || execs="$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')"
    after="$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | sort)"
    new="$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')"
    if [ -n "$new" ] || [ "$status" -ne 0 ]; then
      printf '%-15s %10s %8s %s\n' "$t" "${execs:-?}" "$took" "FOUND: $(why "$log") (log: $log)"
      echo "$new" | sed 's/^/    reproducer: /'
      echo "    replay: $BIN_DIR/$t ${caps[*]} <reproducer>; keep it: copy it to $FUZZ_DIR/regressions/$t/"
      failed=1
    else
      printf '%-15s %10s %8s %s\n' "$t" "${execs:-?}" "$took" none
    fi
  done
fi

if [ "$failed" -ne 0 ]; then
  echo "fuzz: FAILED (see the tables above)" >&2
  exit 1
fi
echo "fuzz: ok" >&2
