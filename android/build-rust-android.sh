#!/usr/bin/env bash
# Builds libclipforge_ffi.so for arm64-v8a, armeabi-v7a and x86_64 into src/main/jniLibs/ with cargo-ndk.
# Not runnable on the project's CI machine (no NDK, no Android Rust targets); run it on a dev machine.
#
# Inputs (see README.md in this folder):
#   ANDROID_NDK_HOME     NDK r26+ (cargo-ndk finds the clang toolchain there)
#   FFMPEG_ANDROID_DIR   an FFmpeg 5.1+ build per ABI: $FFMPEG_ANDROID_DIR/<abi>/{include,lib,lib/pkgconfig}
#                        (LGPL build with --enable-jni --enable-mediacodec --enable-encoder=h264_mediacodec)
#   ORT_ANDROID_DIR      ONNX Runtime for Android (the onnxruntime-android AAR's jni/<abi>/libonnxruntime.so),
#                        only copied beside the library: clipforge loads it at run time (ort load-dynamic)
set -euo pipefail
cd "$(dirname "$0")"
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to an Android NDK}"
: "${FFMPEG_ANDROID_DIR:?set FFMPEG_ANDROID_DIR to a per-ABI FFmpeg build (see README.md)}"
API=${ANDROID_API:-24}
ABIS=(arm64-v8a armeabi-v7a x86_64)
command -v cargo-ndk >/dev/null || cargo install cargo-ndk --locked
rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android

# Ship without debug info and symbols (the workspace's release profile keeps line tables for backtraces).
export CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=symbols

for abi in "${ABIS[@]}"; do
  # ffmpeg-sys-next finds FFmpeg through pkg-config; point it at this ABI's build only.
  export PKG_CONFIG_ALLOW_CROSS=1
  export PKG_CONFIG_LIBDIR=$FFMPEG_ANDROID_DIR/$abi/lib/pkgconfig
  export PKG_CONFIG_SYSROOT_DIR=/
  (cd .. && cargo ndk --platform "$API" -t "$abi" -o android/src/main/jniLibs build --release -p clipforge-ffi)
  cp "$FFMPEG_ANDROID_DIR/$abi"/lib/lib{avcodec,avformat,avutil,swscale,swresample}.so src/main/jniLibs/"$abi"/
  if [[ -n ${ORT_ANDROID_DIR:-} ]]; then
    cp "$ORT_ANDROID_DIR/jni/$abi/libonnxruntime.so" src/main/jniLibs/"$abi"/
  fi
done
echo "jniLibs ready: $(find src/main/jniLibs -name '*.so' | wc -l) libraries"
