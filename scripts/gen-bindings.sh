#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings from the host release build of libclipforge_ffi.so (uniffi
# library mode) into their committed places:
#   android/src/main/kotlin/dev/clipforge/clipforge_ffi.kt (package dev.clipforge, beside Clipforge.kt)
#   ios/Sources/Clipforge/Generated/Clipforge.swift
#   ios/Headers/ClipforgeFFI.h, ios/Headers/module.modulemap
# With --check, generates into a temporary folder and fails if the committed files differ (CI).
# Needs: cargo build --release -p clipforge-ffi (the library and the in-tree uniffi-bindgen binary).
set -euo pipefail
cd "$(dirname "$0")/.."
LIB=target/release/libclipforge_ffi.so
BINDGEN=target/release/uniffi-bindgen
[[ -f $LIB && -x $BINDGEN ]] || { echo "build first: cargo build --release -p clipforge-ffi" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# --no-format: output must not depend on whether ktlint/swiftformat happen to be installed.
"$BINDGEN" generate --library "$LIB" --language kotlin --out-dir "$TMP/kotlin" --no-format >/dev/null
"$BINDGEN" generate --library "$LIB" --language swift --out-dir "$TMP/swift" --no-format >/dev/null

OUT=$TMP/tree
mkdir -p "$OUT/android/src/main/kotlin/dev/clipforge" "$OUT/ios/Sources/Clipforge/Generated" "$OUT/ios/Headers"
cp "$TMP/kotlin/dev/clipforge/clipforge_ffi.kt" "$OUT/android/src/main/kotlin/dev/clipforge/"
cp "$TMP/swift/Clipforge.swift" "$OUT/ios/Sources/Clipforge/Generated/"
cp "$TMP/swift/ClipforgeFFI.h" "$OUT/ios/Headers/"
# An XCFramework's headers folder needs the module map under this fixed name.
cp "$TMP/swift/ClipforgeFFI.modulemap" "$OUT/ios/Headers/module.modulemap"

FILES=(android/src/main/kotlin/dev/clipforge/clipforge_ffi.kt ios/Sources/Clipforge/Generated/Clipforge.swift
       ios/Headers/ClipforgeFFI.h ios/Headers/module.modulemap)
if [[ ${1:-} == --check ]]; then
  status=0
  for f in "${FILES[@]}"; do
    if ! diff -u "$f" "$OUT/$f" >"$TMP/diff" 2>&1; then
      echo "DRIFT: $f differs from what the current library generates:" >&2
      head -40 "$TMP/diff" >&2
      status=1
    fi
  done
  if [[ $status != 0 ]]; then
    echo "Run 'bash scripts/gen-bindings.sh' and commit the result." >&2
    exit 1
  fi
  echo "bindings: committed Kotlin and Swift bindings match the library (${#FILES[@]} files)"
else
  for f in "${FILES[@]}"; do mkdir -p "$(dirname "$f")"; cp "$OUT/$f" "$f"; done
  printf 'generated %s\n' "${FILES[@]}"
fi
