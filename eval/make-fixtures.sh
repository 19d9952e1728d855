#!/usr/bin/env bash
# Builds the extra speech clips of the eval matrix into test/fixtures/eval/ (the other clips are
# the shared fixtures made by scripts/make-fixtures.sh). Deterministic: two runs give
# byte-identical files. Needs espeak-ng, sox and the repo's node_modules (ffmpeg for MP3).
# test/fixtures/README.md ("Eval clips") describes each file.
#
# Usage: eval/make-fixtures.sh          (from any directory)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/test/fixtures/eval"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for tool in espeak-ng sox soxi node; do
  command -v "$tool" >/dev/null || { echo "eval/make-fixtures: $tool is missing (apt-get install espeak-ng sox)" >&2; exit 1; }
done
FFMPEG="$(cd "$ROOT" && node -p "require('@ffmpeg-installer/ffmpeg').path")"
mkdir -p "$OUT"
SOX=(sox -R -D)

# speak VOICE SPEED TEXT OUT RATE: one utterance, resampled, leading/trailing audio under
# -60 dBFS trimmed, so the first and last samples are where the speech starts and ends.
speak() {
  espeak-ng -v "$1" -s "$2" -w "$WORK/raw.wav" "$3"
  "${SOX[@]}" "$WORK/raw.wav" -r "$5" -c 1 -b 16 "$4" rate -h \
    silence 1 0.005 0.1% reverse silence 1 0.005 0.1% reverse
}
silence() { "${SOX[@]}" -n -r "$2" -c 1 -b 16 -e signed-integer "$3" trim 0 "$1"; }
samples() { soxi -s "$1"; }
seconds() { awk -v n="$1" -v r="$2" 'BEGIN { printf "%.3f", n / r }'; }
to_mp3() {
  "$FFMPEG" -v error -y -nostdin -i "$1" -c:a libmp3lame -b:a 48k -ac 1 -map_metadata -1 \
    -fflags +bitexact -flags:a +bitexact -id3v2_version 0 -write_id3v1 0 "$2"
}

# sentences NAME VOICE SPEED "text1" PAUSE "text2" ...: 0.3 s lead, utterances joined by digital
# silence of the given lengths, 0.4 s tail; NAME.mp3 (22050 Hz, 48 kb/s) + NAME.json timings.
sentences() {
  local name="$1" voice="$2" speed="$3" rate=22050 at index=0 n
  shift 3
  local parts=() utterances=() pauses=()
  silence 0.3 "$rate" "$WORK/lead.wav"; parts+=("$WORK/lead.wav"); at=$(samples "$WORK/lead.wav")
  while (($#)); do
    speak "$voice" "$speed" "$1" "$WORK/utt$index.wav" "$rate"
    n=$(samples "$WORK/utt$index.wav")
    utterances+=("{ \"text\": \"$1\", \"start\": $(seconds "$at" "$rate"), \"end\": $(seconds $((at + n)) "$rate") }")
    parts+=("$WORK/utt$index.wav"); at=$((at + n)); shift
    if (($#)); then
      silence "$1" "$rate" "$WORK/pause$index.wav"; n=$(samples "$WORK/pause$index.wav")
      pauses+=("{ \"start\": $(seconds "$at" "$rate"), \"end\": $(seconds $((at + n)) "$rate") }")
      parts+=("$WORK/pause$index.wav"); at=$((at + n)); shift
    fi
    index=$((index + 1))
  done
  silence 0.4 "$rate" "$WORK/tail.wav"; parts+=("$WORK/tail.wav"); at=$((at + $(samples "$WORK/tail.wav")))
  "${SOX[@]}" "${parts[@]}" "$WORK/$name.wav"
  to_mp3 "$WORK/$name.wav" "$OUT/$name.mp3"
  local IFS=','
  printf '{\n  "voice": "espeak-ng %s, %s words/min",\n  "sampleRate": %s,\n  "durationSeconds": %s,\n  "utterances": [%s],\n  "pauses": [%s]\n}\n' \
    "$voice" "$speed" "$rate" "$(seconds "$at" "$rate")" "${utterances[*]}" "${pauses[*]}" >"$OUT/$name.json"
}

sentences en-female en-us+f3 150 \
  "We often visit my family in the summer." 0.6 "Bring a few pieces of fresh fruit, please."
sentences en-fast en-us 210 \
  "The big brown bear swam past the boats before breakfast." 0.5 "Then he went home for a very long nap."
sentences en-slow en-us 110 \
  "Maybe we should move the meeting to Monday morning."
sentences it-female it+f2 170 \
  "Mamma mi ha preparato una buona pizza." 0.6 "Il bambino beve il latte e poi va a scuola."

# labials-dense: CV syllables, each its own espeak-ng call (Italian voice, read as written), with
# only 80 ms of silence between them (a pause the mouth must bridge, as in running speech). Every
# syllable starts with m/b/p (lips closed) or f/v (lip to teeth); the syllable's audible onset is
# its consonantTime, exact by sample count.
RATE=16000
silence 0.3 "$RATE" "$WORK/lead.wav"; silence 0.08 "$RATE" "$WORK/gap.wav"; silence 0.4 "$RATE" "$WORK/tail.wav"
parts=("$WORK/lead.wav"); at=$(samples "$WORK/lead.wav"); entries=()
for s in ma be pi fo vu ba me po fi mu bi va pe mo bu; do
  speak it 150 "$s" "$WORK/syl-$s.wav" "$RATE"
  n=$(samples "$WORK/syl-$s.wav")
  case "${s:0:1}" in m|b|p) place=bilabial ;; *) place=labiodental ;; esac
  entries+=("{ \"syllable\": \"$s\", \"consonant\": \"${s:0:1}\", \"place\": \"$place\", \"start\": $(seconds "$at" "$RATE"), \"end\": $(seconds $((at + n)) "$RATE"), \"consonantTime\": $(seconds "$at" "$RATE") }")
  parts+=("$WORK/syl-$s.wav" "$WORK/gap.wav"); at=$((at + n + $(samples "$WORK/gap.wav")))
done
# The last gap becomes part of the tail.
parts[${#parts[@]}-1]="$WORK/tail.wav"; at=$((at - $(samples "$WORK/gap.wav") + $(samples "$WORK/tail.wav")))
"${SOX[@]}" "${parts[@]}" "$WORK/labials-dense.wav"
"$FFMPEG" -v error -y -nostdin -i "$WORK/labials-dense.wav" -c:a flac -map_metadata -1 \
  -fflags +bitexact -flags:a +bitexact "$OUT/labials-dense.flac"
{
  printf '{\n  "voice": "espeak-ng it, 150 words/min, one syllable per call",\n  "sampleRate": %s,\n' "$RATE"
  printf '  "durationSeconds": %s,\n  "gapSeconds": 0.08,\n  "syllables": [\n' "$(seconds "$at" "$RATE")"
  for i in "${!entries[@]}"; do
    printf '    %s' "${entries[$i]}"; ((i + 1 < ${#entries[@]})) && printf ','; printf '\n'
  done
  printf '  ]\n}\n'
} >"$OUT/labials-dense.json"

ls -l "$OUT"
