#!/usr/bin/env bash
# Installs ONNX Runtime's shared library for preview personalization, from the pinned PyPI wheel
# onnxruntime==1.31.1 (ort 2.0.0-rc.15 with api-31 loads it at run time; nothing is linked):
#
#   .cache/onnxruntime/libonnxruntime.so.1.31.1
#
# `pip download` fetches the wheel into .cache/wheels/ (PyPI only); the .so is extracted from it.
# Idempotent; never committed (.cache/ is gitignored). The CLI and the tests look here by default
# (override with CLIPFORGE_ORT_LIB).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=1.31.1
OUT="$ROOT/.cache/onnxruntime"
LIB="$OUT/libonnxruntime.so.$VERSION"
PYTHON="${PYTHON:-python3}"
[ -s "$LIB" ] && exit 0
command -v "$PYTHON" >/dev/null 2>&1 || { echo "setup-onnxruntime: $PYTHON not found" >&2; exit 1; }
mkdir -p "$ROOT/.cache/wheels" "$OUT"
echo "setup-onnxruntime: pip download onnxruntime==$VERSION" >&2
"$PYTHON" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
  -d "$ROOT/.cache/wheels" "onnxruntime==$VERSION"
WHEEL="$(ls "$ROOT/.cache/wheels"/onnxruntime-$VERSION-*.whl | head -1)"
"$PYTHON" - "$WHEEL" "$LIB" <<'PYEOF'
import sys, zipfile, os
wheel, dest = sys.argv[1], sys.argv[2]
name = "onnxruntime/capi/" + os.path.basename(dest)
with zipfile.ZipFile(wheel) as z, open(dest + ".part", "wb") as f:
    f.write(z.read(name))
os.replace(dest + ".part", dest)
PYEOF
echo "setup-onnxruntime: $LIB" >&2
