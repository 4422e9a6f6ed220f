#!/usr/bin/env bash
# The pictures of docs/TEMPLATES.md: every built-in template filled from the bundled fixtures
# (real photographs: fixtures/photos/make.sh), exported at 640 px high in its four aspects, and for
# each a 4-up strip (9:16, 1:1, 4:5, 16:9) of the loop and one of the end card, as small PNGs.
#
#   bash scripts/template-pictures.sh            (after `cargo build --release -p clipforge-cli`,
#                                                 bash fixtures/models/make.sh and fixtures/photos/make.sh)
#   OUT=/tmp/x bash scripts/template-pictures.sh (keep the videos somewhere else; default a temp dir)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
B="${CLIPFORGE:-$ROOT/target/release/clipforge}"
P="$ROOT/fixtures/photos/media"
DOCS="$ROOT/docs/templates"
WORK="${OUT:-$(mktemp -d)}"
FONT="$ROOT/fixtures/fonts/NotoSans-Bold.ttf"
mkdir -p "$WORK" "$DOCS"
[ -x "$B" ] || { echo "build the CLI first: cargo build --release -p clipforge-cli" >&2; exit 1; }
[ -f "$P/coffee.mp4" ] || { echo "make the photo clips first: bash fixtures/photos/make.sh" >&2; exit 1; }

# Inputs made here, deterministically: a dish photo (a frame of the coffee clip) and a sponsor logo
# (a word mark on transparency).
ffmpeg -v error -y -ss 2 -i "$P/coffee.mp4" -frames:v 1 "$WORK/dish.png"
ffmpeg -v error -y -f lavfi -i "color=c=black@0.0:s=720x240,format=rgba" -f lavfi -i "color=c=white:s=200x200,format=rgba" \
  -filter_complex "[0][1]overlay=x=0:y=20,drawtext=fontfile=$FONT:text=N:fontsize=170:fontcolor=0x0A66C2:x=100-tw/2:y=120-th/2-12,drawtext=fontfile=$FONT:text=NOVA:fontsize=150:fontcolor=white:x=235:y=120-th/2-10" \
  -frames:v 1 "$WORK/logo.png"

render() { # name, then the fill flags
  local name="$1"; shift
  "$B" template render "$name" --height 640 --out-dir "$WORK/$name" "$@" > "$WORK/$name.log"
}

render drop-6s --locale de-DE --clip hero="$P/coffee.mp4" --text title="Espresso, Röstung 7" \
  --price price=12.5:EUR --link shop=https://shop.example/espresso --date ends=2026-12-13T18:00 \
  --text cta="Jetzt scannen"
render tip-jar --clip loop="$P/cat.mp4" --text thanks="Chelsea says thanks for watching" \
  --link tip=https://tips.example/chelsea
render event-recap-15s --clip opener="$P/rocket.mp4" --clip middle="$P/cat.mp4" --clip closer="$P/coffee.mp4" \
  --text event="Launch Night 2026" --text line1="T-minus zero" --text line2="The crew's cat approves" \
  --text line3="Coffee till sunrise" --link tickets=https://events.example/launch \
  --price price=25:USD --date next=2026-12-20T20:00
render menu-item --image photo="$WORK/dish.png" --text dish="Double espresso" \
  --price price=3.2:EUR --link pickup=https://cafe.example/order --locale fr-FR --text cta="Commander"
render sponsored-moment --clip before="$P/rocket.mp4" --clip after="$P/cat.mp4" --image logo="$WORK/logo.png" \
  --text sponsor="Presented by Nova Coffee" --color brand="#0A66C2" --text offer="20 % off your first bag" \
  --link link=https://nova.example/launch

# One frame per aspect at time $3, $H px high, side by side with a small gap; 48 colours keep a
# strip near 60 kB.
H=210
strip() { # name, suffix, seconds
  local name="$1" suffix="$2" t="$3" i=0 args=() f
  for tag in 9x16 1x1 4x5 16x9; do
    f="$WORK/$name-$tag-$suffix.png"
    ffmpeg -v error -y -ss "$t" -i "$WORK/$name/$name-$tag.mp4" -frames:v 1 -vf "scale=-2:${H}:flags=lanczos,pad=iw+6:ih:0:0:white" "$f"
    args+=(-i "$f"); i=$((i + 1))
  done
  ffmpeg -v error -y "${args[@]}" -filter_complex "hstack=inputs=$i,split[s][p];[p]palettegen=max_colors=48:stats_mode=full[pal];[s][pal]paletteuse=dither=none" -frames:v 1 \
    "$DOCS/$name-$suffix.png"
}

for name in drop-6s tip-jar event-recap-15s menu-item sponsored-moment; do
  len=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$WORK/$name/$name-9x16.mp4")
  # The loop early on (the sting for sponsored-moment), the end card near the end.
  case "$name" in
    sponsored-moment) loop_t=2.6 ;;
    event-recap-15s) loop_t=5.0 ;;
    *) loop_t=1.2 ;;
  esac
  strip "$name" loop "$loop_t"
  strip "$name" card "$(awk -v l="$len" 'BEGIN { printf "%.2f", l - 0.5 }')"
done
ls -l "$DOCS"
