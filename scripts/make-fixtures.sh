#!/usr/bin/env bash
# Rebuilds every file in test/fixtures/ (except README.md) from Debian-packaged media and
# espeak-ng speech. Deterministic: running it twice gives byte-identical files.
#
# Usage: scripts/make-fixtures.sh          (from any directory)
# Needs: bash, espeak-ng, sox (Debian packages), node, and the repo's node_modules
#        (ffmpeg/ffprobe from @ffmpeg-installer/@ffprobe-installer, JPEG encoding by sharp).
# Source files come from installed Debian packages; a package that is not installed is fetched
# with `apt-get download` into a temporary folder and unpacked there (nothing is installed;
# apt needs its package lists, so run `apt-get update` once on a fresh machine).
# test/fixtures/README.md describes each file, its origin and licence.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/test/fixtures"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

for tool in espeak-ng sox soxi node; do
  command -v "$tool" >/dev/null || { echo "make-fixtures: $tool is missing (apt-get install espeak-ng sox / Node 20)" >&2; exit 1; }
done
FFMPEG="$(cd "$ROOT" && node -p "require('@ffmpeg-installer/ffmpeg').path")"
FFPROBE="$(cd "$ROOT" && node -p "require('@ffprobe-installer/ffprobe').path")"
mkdir -p "$OUT"

# sox everywhere with -R (seeded random generators, so noise is repeatable) and -D (no dither,
# so digital silence stays exactly zero and nothing random is added to speech).
SOX=(sox -R -D)
# ffmpeg without version strings or creation times in its output, so files are reproducible.
FF=("$FFMPEG" -v error -y -nostdin)
BITEXACT=(-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)

# ---------------------------------------------------------------------------------------------
# Helpers

# debian_file PACKAGE PATH -> prints a readable path to PATH as shipped by Debian PACKAGE.
debian_file() {
  local package="$1" path="$2"
  if [[ -r "$path" ]]; then echo "$path"; return; fi
  local unpacked="$WORK/deb/$package"
  if [[ ! -d "$unpacked" ]]; then
    mkdir -p "$WORK/deb" "$unpacked"
    # As root, apt would hand the download to its unprivileged _apt user, who cannot enter the
    # private temporary folder; keep root for this one download instead.
    local sandbox=(); [[ $EUID -eq 0 ]] && sandbox=(-o APT::Sandbox::User=root)
    (cd "$WORK/deb" && apt-get "${sandbox[@]}" download "$package" >/dev/null)
    dpkg-deb -x "$WORK/deb/${package}"_*.deb "$unpacked"
  fi
  [[ -r "$unpacked$path" ]] || { echo "make-fixtures: $package has no $path" >&2; exit 1; }
  echo "$unpacked$path"
}

# check_sha256 FILE EXPECTED: warns (does not fail) when a source differs from the one the
# committed fixtures were made from, e.g. after a Debian package update.
check_sha256() {
  local actual
  actual="$(sha256sum "$1" | cut -d' ' -f1)"
  [[ "$actual" == "$2" ]] || echo "make-fixtures: warning: $1 has sha256 $actual, README expects $2" >&2
}

# jpeg_q90 IN OUT: baseline JPEG, quality 90, no metadata (sharp = libvips + libjpeg-turbo).
jpeg_q90() {
  (cd "$ROOT" && node -e "require('sharp')(process.argv[1]).jpeg({ quality: 90 }).toFile(process.argv[2]).catch((e) => { console.error(e); process.exit(1); })" "$1" "$2")
}

# speak VOICE SPEED TEXT OUT RATE: one espeak-ng utterance (22050 Hz native), resampled to RATE,
# with leading and trailing silence (below -60 dBFS = 0.1%) trimmed off, so the first and last
# samples are where the speech starts and ends.
speak() {
  local voice="$1" speed="$2" text="$3" out="$4" rate="$5"
  espeak-ng -v "$voice" -s "$speed" -w "$WORK/raw.wav" "$text"
  "${SOX[@]}" "$WORK/raw.wav" -r "$rate" -c 1 -b 16 "$out" rate -h \
    silence 1 0.005 0.1% reverse silence 1 0.005 0.1% reverse
}

# make_silence SECONDS RATE OUT: digital silence (all samples zero).
make_silence() {
  "${SOX[@]}" -n -r "$2" -c 1 -b 16 -e signed-integer "$3" trim 0 "$1"
}

# json_list ITEM... -> the items as the lines of a JSON array body, comma-separated.
json_list() {
  local first=1 item
  for item in "$@"; do
    ((first)) || printf ',\n'
    printf '    %s' "$item"; first=0
  done
  (($#)) && printf '\n'
  return 0
}

samples() { soxi -s "$1"; }
# seconds SAMPLES RATE -> decimal seconds with millisecond precision
seconds() { awk -v n="$1" -v r="$2" 'BEGIN { printf "%.3f", n / r }'; }

# to_mp3 IN OUT: mono MP3, 48 kb/s CBR, keeping IN's sample rate. The LAME header records the
# encoder delay and padding, which ffmpeg's decoder removes, so timings survive the encoding.
to_mp3() {
  "${FF[@]}" -i "$1" -c:a libmp3lame -b:a 48k -ac 1 "${BITEXACT[@]}" -id3v2_version 0 -write_id3v1 0 "$2"
}

# silences_in FILE: the silent stretches (< -50 dBFS, >= 0.3 s) ffmpeg's silencedetect finds,
# one "start end" line each; used to check that a finished file has exactly the pauses its JSON
# promises (and that MP3 encoding did not move them).
silences_in() {
  "$FFMPEG" -nostdin -hide_banner -i "$1" -af silencedetect=noise=-50dB:d=0.3 -f null - 2>&1 |
    awk '/silence_start/ { s = $NF } /silence_end/ { printf "%s %s\n", s, $5 }'
}

# expect_silences FILE "start end" ...: the silences found must be exactly the listed ones, each
# to within 40 ms (silencedetect measures decoded MP3 frames; 40 ms is under two frames).
expect_silences() {
  local file="$1"; shift
  local found; found="$(silences_in "$file")"
  local count; count="$(echo "$found" | grep -c . || true)"
  ((count == $#)) || { echo "make-fixtures: $file: expected $# silences, found: $found" >&2; exit 1; }
  local silence
  for silence in "$@"; do
    echo "$found" | awk -v want="$silence" '
      BEGIN { split(want, w, " ") }
      { ds = $1 - w[1]; de = $2 - w[2]; if (ds < 0.04 && -ds < 0.04 && de < 0.04 && -de < 0.04) ok = 1 }
      END { exit ok ? 0 : 1 }' ||
      { echo "make-fixtures: $file: silence $silence not found; found: $found" >&2; exit 1; }
  done
}

# Builds a speech track from utterances separated by known silences.
# build_speech VOICE SPEED RATE OUT_WAV OUT_JSON LEAD TAIL "text1" PAUSE1 "text2" [PAUSE2 "text3" ...]
# Writes OUT_JSON with every utterance's and pause's start/end (seconds from the first sample).
# Sets SILENCES_FOR_CHECK to every silence (lead, pauses, tail) as "start end" strings.
build_speech() {
  local voice="$1" speed="$2" rate="$3" out_wav="$4" out_json="$5" lead="$6" tail="$7"
  shift 7
  local parts=() utterances=() pauses=() at=0 index=0 n
  make_silence "$lead" "$rate" "$WORK/lead.wav"; parts+=("$WORK/lead.wav")
  at=$(samples "$WORK/lead.wav")
  SILENCES_FOR_CHECK=("0 $(seconds "$at" "$rate")")
  while (($#)); do
    local text="$1"; shift
    speak "$voice" "$speed" "$text" "$WORK/utt$index.wav" "$rate"
    n=$(samples "$WORK/utt$index.wav")
    utterances+=("{ \"text\": \"$text\", \"start\": $(seconds "$at" "$rate"), \"end\": $(seconds $((at + n)) "$rate") }")
    parts+=("$WORK/utt$index.wav"); at=$((at + n))
    if (($#)); then
      make_silence "$1" "$rate" "$WORK/pause$index.wav"; shift
      n=$(samples "$WORK/pause$index.wav")
      pauses+=("{ \"start\": $(seconds "$at" "$rate"), \"end\": $(seconds $((at + n)) "$rate") }")
      SILENCES_FOR_CHECK+=("$(seconds "$at" "$rate") $(seconds $((at + n)) "$rate")")
      parts+=("$WORK/pause$index.wav"); at=$((at + n))
    fi
    index=$((index + 1))
  done
  make_silence "$tail" "$rate" "$WORK/tail.wav"; parts+=("$WORK/tail.wav")
  SILENCES_FOR_CHECK+=("$(seconds "$at" "$rate") $(seconds $((at + $(samples "$WORK/tail.wav"))) "$rate")")
  at=$((at + $(samples "$WORK/tail.wav")))
  "${SOX[@]}" "${parts[@]}" "$out_wav"
  {
    echo "{"
    echo "  \"voice\": \"espeak-ng $voice, $speed words/min\","
    echo "  \"sampleRate\": $rate,"
    echo "  \"durationSeconds\": $(seconds "$at" "$rate"),"
    echo "  \"leadingSilence\": { \"start\": 0, \"end\": $(seconds "$(samples "$WORK/lead.wav")" "$rate") },"
    echo "  \"utterances\": ["
    json_list "${utterances[@]}"
    echo "  ],"
    echo "  \"pauses\": ["
    json_list "${pauses[@]}"
    echo "  ],"
    echo "  \"trailingSilence\": { \"start\": $(seconds $((at - $(samples "$WORK/tail.wav"))) "$rate"), \"end\": $(seconds "$at" "$rate") }"
    echo "}"
  } >"$out_json"
}

# ---------------------------------------------------------------------------------------------
# Portraits and images

ASTRONAUT="$(debian_file python3-skimage /usr/lib/python3/dist-packages/skimage/data/astronaut.png)"
HOPPER="$(debian_file python-matplotlib-data /usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg)"
KPA_JESPER="$(debian_file kphotoalbum /usr/share/kphotoalbum/demo/jesper.jpg)"
KPA_JESPER_2="$(debian_file kphotoalbum /usr/share/kphotoalbum/demo/jesper_2.jpg)"
check_sha256 "$ASTRONAUT" 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5
check_sha256 "$HOPPER" a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130
check_sha256 "$KPA_JESPER" 5b3b5a6cdf040c238c137fd50d3f4e3aa3f6877b6f031c93ad9b06c45225b7e6
check_sha256 "$KPA_JESPER_2" e7c5112cad4076c0b16f7a822b0bf559859ad84077705442769afb91c81bcb1b

# Eileen Collins (NASA): the PNG is 774 KB, so re-encode as JPEG q90 at its 512x512 size.
jpeg_q90 "$ASTRONAUT" "$OUT/portrait-astronaut.jpg"
# Grace Hopper (U.S. Navy): already a 61 KB JPEG, copied byte for byte.
cp "$HOPPER" "$OUT/portrait-hopper.jpg"
# KPhotoAlbum demo photos (CC BY-SA 4.0): copied unchanged, so no adaptation is made.
cp "$KPA_JESPER" "$OUT/portrait-3.jpg"
cp "$KPA_JESPER_2" "$OUT/portrait-open-mouth.jpg"

# No face: one frame of ffmpeg's synthetic testsrc2 pattern.
"${FF[@]}" -f lavfi -i testsrc2=size=640x480:rate=1 -frames:v 1 "$WORK/no-face.png"
jpeg_q90 "$WORK/no-face.png" "$OUT/no-face.jpg"

# Two people side by side for lipsync-image-multi: Hopper (top 512x512 of her portrait) on the
# left, Collins on the right, scaled to 640x320.
"${FF[@]}" -i "$HOPPER" -i "$ASTRONAUT" -filter_complex \
  "[0:v]crop=512:512:0:0,format=rgb24[left];[1:v]format=rgb24[right];[left][right]hstack=2,scale=640:320:flags=lanczos" \
  -frames:v 1 "$WORK/two-faces.png"
jpeg_q90 "$WORK/two-faces.png" "$OUT/two-faces.jpg"
# Mask for two-faces.jpg: white (may be animated) on the left half, black on the right.
"${FF[@]}" -f lavfi -i color=c=black:size=640x320 -f lavfi -i color=c=white:size=320x320 \
  -filter_complex "[0:v][1:v]overlay=0:0,format=gray" -frames:v 1 "${BITEXACT[@]}" "$OUT/mask-left.png"

# ---------------------------------------------------------------------------------------------
# Videos (H.264 + yuv420p, 25 fps, 256x256: small but a real face track)

# 3 s slow zoom into the astronaut portrait, so the face moves and grows a little every frame;
# its audio track (the ALSA "Front Center" recording, padded) is what lipsync-video replaces.
FRONT_CENTER="$(debian_file alsa-utils /usr/share/sounds/alsa/Front_Center.wav)"
check_sha256 "$FRONT_CENTER" 0d61518bcd3f13b0c709a5298e939caf698b80d31d71d50475365ee0e5536cc9
ZOOM="scale=1024:1024:flags=lanczos,zoompan=z='1+0.0025*on':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=75:s=256x256:fps=25"
"${FF[@]}" -loop 1 -i "$ASTRONAUT" -i "$FRONT_CENTER" -filter_complex \
  "[0:v]$ZOOM,format=yuv420p[v];[1:a]aresample=16000,apad[a]" -map '[v]' -map '[a]' -t 3 \
  -c:v libx264 -preset medium -crf 30 -g 25 -c:a aac -b:a 32k -ac 1 -movflags +faststart \
  "${BITEXACT[@]}" "$OUT/video-astronaut.mp4"

# 3 s with the face lost in the middle: astronaut 0-1 s, testsrc2 1-2 s, astronaut 2-3 s.
# No audio track. For on_no_face = passthrough / fail.
"${FF[@]}" -loop 1 -i "$ASTRONAUT" -f lavfi -i testsrc2=size=256x256:rate=25 -filter_complex \
  "[0:v]scale=256:256,fps=25,setsar=1,format=yuv420p,split[a][b];[a]trim=duration=1[a1];[b]trim=duration=1,setpts=PTS-STARTPTS[b1];[1:v]trim=duration=1,setpts=PTS-STARTPTS,format=yuv420p,setsar=1[n];[a1][n][b1]concat=n=3:v=1:a=0[v]" \
  -map '[v]' -c:v libx264 -preset medium -crf 30 -g 25 -movflags +faststart \
  "${BITEXACT[@]}" "$OUT/video-face-gap.mp4"
cat >"$OUT/video-face-gap.json" <<'EOF'
{
  "durationSeconds": 3,
  "fps": 25,
  "frameCount": 75,
  "faceVisible": [
    { "start": 0, "end": 1, "firstFrame": 0, "lastFrame": 24 },
    { "start": 2, "end": 3, "firstFrame": 50, "lastFrame": 74 }
  ],
  "faceAbsent": [{ "start": 1, "end": 2, "firstFrame": 25, "lastFrame": 49 }]
}
EOF

# ---------------------------------------------------------------------------------------------
# Speech

# English, two sentences with a 0.8 s silence between them.
build_speech en-us 150 22050 "$WORK/speech-en.wav" "$OUT/speech-en.json" 0.3 0.4 \
  "My mother baked a big apple pie for Bob." 0.8 "Maybe bring a blue umbrella, please."
to_mp3 "$WORK/speech-en.wav" "$OUT/speech-en.mp3"
expect_silences "$OUT/speech-en.mp3" "${SILENCES_FOR_CHECK[@]}"

# English, three sentences with 1.2 s and 1.5 s silences.
build_speech en-us 150 22050 "$WORK/speech-long-pauses.wav" "$OUT/speech-long-pauses.json" 0.3 0.4 \
  "Please pass the butter to Pam." 1.2 "Mark bought a map of Boston." 1.5 "Bye for now."
to_mp3 "$WORK/speech-long-pauses.wav" "$OUT/speech-long-pauses.mp3"
expect_silences "$OUT/speech-long-pauses.mp3" "${SILENCES_FOR_CHECK[@]}"

# Italian: the requested sentence plus a short second one (~5 s at a natural speed). They are two
# utterances with a known 0.5 s pause, since espeak-ng would otherwise put a pause of its own
# choosing at the full stop.
build_speech it 140 22050 "$WORK/speech-it.wav" "$OUT/speech-it.json" 0.3 0.4 \
  "Buongiorno, mi chiamo Paolo e abito a Milano." 0.5 "Piacere di conoscerti."
to_mp3 "$WORK/speech-it.wav" "$OUT/speech-it.mp3"
expect_silences "$OUT/speech-it.mp3" "${SILENCES_FOR_CHECK[@]}"

# A short real recording of a human voice (the ALSA speaker-test "Front Center" prompt).
"${SOX[@]}" "$FRONT_CENTER" -r 16000 -c 1 -b 16 "$OUT/speech-short.wav" rate -h

# 3 s of digital silence and 3 s of pink noise at -60 dBFS RMS (no speech in either).
make_silence 3 16000 "$OUT/silence.wav"
"${SOX[@]}" -n -r 16000 -c 1 -b 32 "$WORK/pink.wav" synth 3 pinknoise
PINK_RMS_DB="$(sox "$WORK/pink.wav" -n stats 2>&1 | awk '/RMS lev dB/ { print $4 }')"
"${SOX[@]}" "$WORK/pink.wav" -b 16 "$OUT/noise.wav" gain "$(awk -v r="$PINK_RMS_DB" 'BEGIN { printf "%.2f", -60 - r }')"

# ---------------------------------------------------------------------------------------------
# Bilabials: CV syllables spoken one by one (Italian voice: it reads every syllable as written),
# 16 kHz, each trimmed to its audible extent and separated by 250 ms of digital silence. The
# non-labial syllables (la, ka, ta) are controls where the lips should stay apart.

SYLLABLES=(ma pa ba la mi po ka bu fa va ta)
RATE=16000
make_silence 0.25 "$RATE" "$WORK/gap.wav"
GAP=$(samples "$WORK/gap.wav")
parts=("$WORK/gap.wav"); at=$GAP; entries=()
for s in "${SYLLABLES[@]}"; do
  speak it 150 "$s" "$WORK/syl-$s.wav" "$RATE"
  n=$(samples "$WORK/syl-$s.wav")
  case "${s:0:1}" in
    m|b|p) place=bilabial ;;
    f|v) place=labiodental ;;
    *) place=none ;;
  esac
  entry="{ \"syllable\": \"$s\", \"consonant\": \"${s:0:1}\", \"place\": \"$place\", \"start\": $(seconds "$at" "$RATE"), \"end\": $(seconds $((at + n)) "$RATE")"
  [[ "$place" != none ]] && entry+=", \"consonantTime\": $(seconds "$at" "$RATE")"
  entries+=("$entry }")
  parts+=("$WORK/syl-$s.wav" "$WORK/gap.wav"); at=$((at + n + GAP))
done
"${SOX[@]}" "${parts[@]}" "$OUT/bilabials.wav"
{
  echo "{"
  echo "  \"voice\": \"espeak-ng it, 150 words/min, one syllable per call\","
  echo "  \"sampleRate\": $RATE,"
  echo "  \"durationSeconds\": $(seconds "$at" "$RATE"),"
  echo "  \"gapSeconds\": 0.25,"
  echo "  \"syllables\": ["
  json_list "${entries[@]}"
  echo "  ]"
  echo "}"
} >"$OUT/bilabials.json"

# ---------------------------------------------------------------------------------------------
# Not media at all: text bytes behind an .mp3 name, for the invalid-media path.
printf 'This is plain text, not an MP3 file. Mouthpiece must reject it as invalid media.\n' >"$OUT/not-media.mp3"

# ---------------------------------------------------------------------------------------------
# Phrases for the audio-analysis unit tests (test/engine/audio): espeak-ng's English voice at its
# native 22050 Hz, stored losslessly as 16 kHz mono FLAC so the tests need no synthesiser. The file
# name is the phrase in lower case with runs of other characters turned into '-' (see
# test/engine/audio/speech-fixtures.ts, espeakFixtureName).
mkdir -p "$OUT/espeak"
for phrase in 'Hello there, how are you today?' \
  'The quick brown fox jumps over the lazy dog. My mother bought a map of Boston.' \
  'The quick brown fox jumps over the lazy dog.' \
  'a e i o u' 'fee' 'mama papa baba' 'tata tata'; do
  slug="$(printf '%s' "$phrase" | tr '[:upper:]' '[:lower:]' | sed -E 's/[^a-z0-9]+/-/g; s/^-|-$//g')"
  espeak-ng -v en -w "$WORK/phrase.wav" "$phrase"
  "$FFMPEG" -v error -y -i "$WORK/phrase.wav" -ac 1 -ar 16000 -sample_fmt s16 -c:a flac \
    -fflags +bitexact -flags:a +bitexact -map_metadata -1 "$OUT/espeak/$slug.flac"
done

# ---------------------------------------------------------------------------------------------
# Report what was made (this table is what README.md's durations come from).
printf '\n%-26s %-9s %-11s %-9s %-10s %s\n' file codec size/rate channels duration bytes
for f in "$OUT"/*; do
  [ -f "$f" ] || continue
  name="$(basename "$f")"
  case "$name" in *.json|*.md|not-media.mp3) continue ;; esac
  "$FFPROBE" -v error -show_entries stream=codec_name,width,height,sample_rate,channels:format=duration \
    -of json "$f" | node -e '
      const probe = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const [name, bytes] = process.argv.slice(1);
      for (const s of probe.streams) {
        const isStill = s.codec_name === "mjpeg" || s.codec_name === "png";
        const shape = s.width ? `${s.width}x${s.height}` : `${s.sample_rate} Hz`;
        const duration = isStill ? "-" : probe.format.duration;
        console.log([name.padEnd(26), s.codec_name.padEnd(9), shape.padEnd(11), String(s.channels ?? "-").padEnd(9), duration.padEnd(10), bytes].join(" "));
      }' "$name" "$(stat -c %s "$f")"
done
du -sh "$OUT"
