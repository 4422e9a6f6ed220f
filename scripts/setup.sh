#!/usr/bin/env bash
# Installs what clipforge needs on Debian/Ubuntu when it is missing: FFmpeg's libraries and CLI,
# clang for the bindings generator, pkg-config, GNU time (benchmarks), espeak-ng (speech fixtures).
# Safe to run repeatedly.
set -euo pipefail

need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }
pc() { pkg-config --exists "$1" 2>/dev/null; }

have pkg-config || need_apt+=(pkg-config)
have clang || need_apt+=(clang)
have ffmpeg || need_apt+=(ffmpeg)
[ -e /usr/lib/llvm-14/lib/libclang.so ] || ls /usr/lib/llvm-*/lib/libclang*.so >/dev/null 2>&1 || need_apt+=(libclang-dev)
for lib in libavcodec libavformat libavutil libavfilter libavdevice libswscale libswresample; do
  pc "$lib" || need_apt+=("$lib-dev")
done
[ -x /usr/bin/time ] || need_apt+=(time)
# Composer fixtures: speech for the ducking tests (espeak-ng), python3 to patch a display matrix.
have espeak-ng || need_apt+=(espeak-ng)
# Template tests read the end cards' QR codes back from exported frames with an independent decoder.
have zbarimg || need_apt+=(zbar-tools)
# ... and read the end cards' title, price and expiry badge back with an OCR engine (English data).
have tesseract || need_apt+=(tesseract-ocr tesseract-ocr-eng)
have python3 || need_apt+=(python3)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! have cargo; then
  echo "setup: Rust (cargo) is required: install it with rustup (https://rustup.rs), then rerun." >&2
  exit 1
fi
