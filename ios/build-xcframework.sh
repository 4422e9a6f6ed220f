#!/usr/bin/env bash
# Builds ClipforgeFFI.xcframework (static libclipforge_ffi.a for iOS devices and the simulator, arm64 +
# x86_64 simulator slices merged with lipo) with the committed Headers/ (ClipforgeFFI.h + module.modulemap).
# Runs on macOS with Xcode; not on the project's CI machine (no Apple SDKs there).
#
# Inputs (see README.md in this folder):
#   FFMPEG_IOS_DIR   FFmpeg 5.1+ static builds per target: $FFMPEG_IOS_DIR/<rust-target>/{include,lib/pkgconfig}
#                    (LGPL, --enable-videotoolbox --enable-encoder=h264_videotoolbox; no libx264 on device)
#   ONNX Runtime     the onnxruntime-c / onnxruntime-objc pod's framework, added to the app: clipforge loads
#                    it at run time (ort load-dynamic), so nothing is linked here
set -euo pipefail
cd "$(dirname "$0")"
: "${FFMPEG_IOS_DIR:?set FFMPEG_IOS_DIR to per-target FFmpeg builds (see README.md)}"
DEVICE=aarch64-apple-ios
SIMS=(aarch64-apple-ios-sim x86_64-apple-ios)
export IPHONEOS_DEPLOYMENT_TARGET=15.0
rustup target add "$DEVICE" "${SIMS[@]}"
# No debug info in what ships (the workspace's release profile keeps line tables for backtraces).
export CARGO_PROFILE_RELEASE_DEBUG=false

for t in "$DEVICE" "${SIMS[@]}"; do
  PKG_CONFIG_ALLOW_CROSS=1 PKG_CONFIG_LIBDIR=$FFMPEG_IOS_DIR/$t/lib/pkgconfig \
    cargo build --manifest-path ../Cargo.toml --release -p clipforge-ffi --target "$t"
done

# The generated bindings must match this build of the library (CI checks the same on Linux).
(cd .. && cargo build --release -p clipforge-ffi && bash scripts/gen-bindings.sh --check)

T=../target
mkdir -p "$T/ios-sim-universal"
lipo -create "$T/aarch64-apple-ios-sim/release/libclipforge_ffi.a" "$T/x86_64-apple-ios/release/libclipforge_ffi.a" \
  -output "$T/ios-sim-universal/libclipforge_ffi.a"
rm -rf ClipforgeFFI.xcframework
xcodebuild -create-xcframework \
  -library "$T/$DEVICE/release/libclipforge_ffi.a" -headers Headers \
  -library "$T/ios-sim-universal/libclipforge_ffi.a" -headers Headers \
  -output ClipforgeFFI.xcframework
echo "ClipforgeFFI.xcframework ready; FFmpeg's static libraries must be linked by the app as well (README.md)"
