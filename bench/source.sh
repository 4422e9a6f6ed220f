#!/usr/bin/env bash
# Makes the benchmarks' shared source once and prints its path: bench/media/source-1080p30-20s.mp4.
# 1920x1080, 30 fps, 20 s, like a phone clip: testsrc2 (moving shapes, colour bars) blended with a
# slowly zooming Mandelbrot texture plus light temporal grain, x264 crf 18 (~16 Mbit/s, about what
# phones record at 1080p30), 1 s GOP, AAC stereo 48 kHz sine.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD/bench/media/source-1080p30-20s.mp4
if [ ! -s "$SRC" ]; then
  echo "bench: generating $SRC (once; ~1 min)" >&2
  mkdir -p "$(dirname "$SRC")"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=s=1920x1080:r=30:d=20" \
    -f lavfi -i "mandelbrot=s=480x270:r=30,scale=1920:1080:flags=bilinear,format=yuv420p" \
    -f lavfi -i "sine=f=440:r=48000:d=20" \
    -filter_complex "[0:v][1:v]blend=all_mode=overlay:all_opacity=0.3:shortest=1,noise=alls=5:allf=t+u[v]" \
    -map "[v]" -map 2:a \
    -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -g 30 \
    -c:a aac -b:a 128k -ar 48000 -ac 2 -movflags +faststart "$SRC.part.mp4"
  mv "$SRC.part.mp4" "$SRC"
fi
echo "$SRC"
