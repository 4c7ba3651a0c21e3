#!/usr/bin/env bash
# Builds the fuzzers with clang (libFuzzer + AddressSanitizer + UBSan) and runs them for
# N seconds in total (default 60): the safetensors reader and the video reader get 1/4
# each, the BVH reader and the audio reader 1/6 each, the PLY reader and the other 3D
# readers (OBJ, OFF, STL, glTF/GLB, PCD, XYZ) 1/12 each, and the four dataset JSONL
# readers (the shapes world's clips.jsonl, the humans world's motions.jsonl, the sounds
# world's sounds.jsonl and the audio training stages' reader of it) and the prompt-travel
# rules reader the rest, a fifth each. Exits non-zero when any finds a crash; reproducers are left in build-fuzz/. The
# jsonl fuzzers link their worlds from the gen build ($GEN_BUILD_DIR, default build/), so
# build gen first. GEN_FUZZ_JOBS compilers run at once (default: one per core).
# Usage: scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=build-fuzz
mkdir -p "$out"
torch_flags=(-D_GLIBCXX_USE_CXX11_ABI=1 -Icore/include -I/usr/include/torch/csrc/api/include)
torch_libs=(-ltorch -ltorch_cpu -lc10)
ffmpeg_libs=(-lavformat -lavcodec -lavfilter -lswscale -lavutil)
video=modalities/video
motion=modalities/motion
audio=modalities/audio
shape3d=modalities/shape3d
shapes=worlds/shapes
humans=worlds/humans
sounds=worlds/sounds
build_dir=${GEN_BUILD_DIR:-build}

jobs=${GEN_FUZZ_JOBS:-$(nproc)}
sanitize=(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined)
includes=(-Icore/include -I"$video"/include -I"$video"/src -I"$motion"/include -I"$audio"/include -I"$audio"/src
          -I"$shape3d"/include -I"$shape3d"/src -I/usr/include/eigen3 -I"$shapes"/include -Imodalities/image/include
          -I"$humans"/include -I"$sounds"/include -Iplugins/audio_spectrogram/train -Ifuzz)
headers=(core/include/gen/*.h "$video"/include/gen/video/*.h "$video"/src/*.h "$shapes"/include/gen/shapes/*.h
         "$motion"/include/gen/motion/*.h "$motion"/src/*.h tests/support/motion_fixtures.h
         "$audio"/include/gen/audio/*.h "$audio"/src/*.h
         "$humans"/include/gen/humans/*.h "$sounds"/include/gen/sounds/*.h
         "$shape3d"/include/gen/shape3d/*.h "$shape3d"/src/*.h plugins/audio_spectrogram/train/*.h fuzz/*.h)

# Every source is compiled once, with the sanitizers and libFuzzer's coverage (not its
# main), into $out/obj/, `jobs` at a time; the fuzzers and the seed makers link the same
# objects (a seed maker runs instrumented, without libFuzzer). A library's sources are
# compiled as one unity file, so their headers are read once.
# Rebuilt when a source or any header is newer.
object_of() { echo "$out/obj/$1.o"; }
sources_of() {  # a unity file's sources, or the source itself
  case $1 in "$out"/unity/*) sed -n 's/^#include "\(.*\)"$/\1/p' "$1" ;; *) echo "$1" ;; esac
}
# unity NAME SOURCES...: writes $out/unity/NAME.cpp including the sources (kept when unchanged).
unity() {
  local name=$1 file="$out/unity/$1.cpp" text; shift
  text=$(printf '#include "'"$PWD"'/%s"\n' "$@")
  mkdir -p "$out/unity"
  [ -f "$file" ] && [ "$(cat "$file")" = "$text" ] || echo "$text" > "$file"
}
compile_objects() {
  local stale=() src obj
  for src in "$@"; do
    obj=$(object_of "$src")
    # shellcheck disable=SC2046
    if [ ! -f "$obj" ] || [ -n "$(find "$src" $(sources_of "$src") "${headers[@]}" -newer "$obj" -print -quit)" ]; then
      stale+=("$src")
    fi
  done
  ((${#stale[@]})) || return 0
  echo "fuzz.sh: compiling ${#stale[@]} translation units, $jobs at a time"
  # shellcheck disable=SC2016
  printf '%s\n' "${stale[@]}" | sort -u | xargs -P "$jobs" -I{} bash -c \
    'mkdir -p "$(dirname "$1")" && clang++ "${@:2}" -c "$0" -o "$1"' {} "$out/obj/{}.o" \
    -std=c++17 -O1 -g "${sanitize[@]}" "${torch_flags[@]}" "${includes[@]}"
}

# link BINARY fuzzer|seeds SOURCES... -- LIBS...: links the sources' objects.
link() {
  local bin=$1 kind=$2; shift 2
  local objects=() libs=() link_sanitize=(-fsanitize=address,undefined)
  while [ "$1" != "--" ]; do objects+=("$(object_of "$1")"); shift; done
  shift; libs=("$@")
  [ "$kind" = fuzzer ] && link_sanitize=(-fsanitize=fuzzer,address,undefined)
  if [ ! -x "$bin" ] || [ -n "$(find "${objects[@]}" -newer "$bin" -print -quit)" ]; then
    clang++ "${link_sanitize[@]}" "${objects[@]}" "${libs[@]}" "${torch_libs[@]}" -o "$bin"
  fi
}

# fuzz NAME BINARY CORPUS SECONDS MAX_LEN [FLAGS...]: runs one target, prints one summary line.
failed=0
fuzz() {
  local name=$1 bin=$2 corpus=$3 secs=$4 max_len=$5 log="$out/$1.log" rc
  shift 5
  [ "$secs" -ge 1 ] || secs=1  # libFuzzer reads 0 as "no limit"
  set +e
  ASAN_OPTIONS=detect_leaks=0 "$bin" -max_total_time="$secs" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$out/$name-" -print_final_stats=1 "$@" "$corpus" > "$log" 2>&1
  rc=$?
  set -e
  local execs crashes
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  crashes=$(find "$out" -maxdepth 1 \( -name "$name-crash-*" -o -name "$name-timeout-*" -o -name "$name-oom-*" \) | wc -l)
  echo "fuzz.sh: $name reader, ${secs}s: ${execs} executions, exit ${rc}, ${crashes} crash/timeout/oom files"
  if [ "$rc" -ne 0 ]; then tail -40 "$log"; failed=1; fi
}

video_sources=("$video"/src/{video_reader,input_source,frame_timing,frame_rate,pixel_convert,ffmpeg_util,video_writer,gif_writer,gif_palette,encoder,muxer,video}.cpp)
motion_sources=("$motion"/src/{bvh_reader,bvh_parser,bvh_lexer,bvh_writer,inverse_kinematics,skeleton,motion,quaternion,file_bytes}.cpp)
audio_sources=("$audio"/src/{audio,audio_io,audio_reader,audio_writer,ogg_pages,wav_chunks,sndfile_memory}.cpp)
shape3d_sources=("$shape3d"/src/{shape_io,ply_header,ply_body,pcd_reader,off_reader,stl_reader,text_words,open3d_convert,point_cloud,mesh,glb_container,stderr_capture}.cpp)
unity core core/src/safetensors.cpp core/src/atomic_file.cpp
unity video "${video_sources[@]}"
unity motion "${motion_sources[@]}"
unity audio "${audio_sources[@]}"
unity shape3d "${shape3d_sources[@]}"
core_tu=$out/unity/core.cpp video_tu=$out/unity/video.cpp motion_tu=$out/unity/motion.cpp audio_tu=$out/unity/audio.cpp
shape3d_tu=$out/unity/shape3d.cpp
jsonl_sources=("$shapes"/src/clip_record.cpp "$humans"/src/motion_record.cpp "$sounds"/src/sound_dataset.cpp
               plugins/audio_spectrogram/train/sound_entries.cpp core/src/travel_rules.cpp)
compile_objects fuzz/*.cpp "$core_tu" "$video_tu" "$motion_tu" "$audio_tu" "$shape3d_tu" "${jsonl_sources[@]}"

# Safetensors: seeds are small valid files in every dtype plus the corner cases, made
# by the project's own writer through the test suite's format (fuzz/make_seeds.sh).
link "$out/safetensors_fuzz" fuzzer fuzz/safetensors_fuzz.cpp "$core_tu" --
mkdir -p "$out/corpus"
fuzz/make_seeds.sh "$out/corpus"
fuzz safetensors "$out/safetensors_fuzz" "$out/corpus" $((seconds / 4)) 4096

# Video: seeds are small MP4, WebM and GIF clips written by modalities/video's own
# writers (fuzz/make_video_seeds.cpp).
link "$out/video_fuzz" fuzzer fuzz/video_fuzz.cpp "$video_tu" -- "${ffmpeg_libs[@]}"
link "$out/make_video_seeds" seeds fuzz/make_video_seeds.cpp "$video_tu" -- "${ffmpeg_libs[@]}"
mkdir -p "$out/video_corpus"
"$out/make_video_seeds" "$out/video_corpus"
# Any single allocation over 256 MiB is a finding: the reader caps FFmpeg's at 128 MiB
# and its own frames at the fuzz limits (64 MiB).
fuzz video "$out/video_fuzz" "$out/video_corpus" $((seconds / 4)) 16384 -malloc_limit_mb=256

# BVH: the reader, the writer it must be able to feed and the kinematics under them, all
# with the sanitizers. Seeds are short motions the project's writer makes plus
# hand-written files in other conventions (fuzz/make_bvh_seeds.cpp).
link "$out/bvh_fuzz" fuzzer fuzz/bvh_fuzz.cpp "$motion_tu" "$core_tu" --
link "$out/make_bvh_seeds" seeds fuzz/make_bvh_seeds.cpp "$motion_tu" "$core_tu" --
mkdir -p "$out/bvh_corpus"
"$out/make_bvh_seeds" "$out/bvh_corpus"
fuzz bvh "$out/bvh_fuzz" "$out/bvh_corpus" $((seconds / 6)) 8192 -malloc_limit_mb=512

# Audio: gen's WAV chunk and Ogg page checks and the reader around libsndfile, with the
# sanitizers (libsndfile and its codecs are Debian's, uninstrumented, but a crash or an
# allocation over the limit inside them is still caught). Seeds are short clips the
# project's writer makes in every format (fuzz/make_audio_seeds.cpp).
link "$out/audio_fuzz" fuzzer fuzz/audio_fuzz.cpp "$audio_tu" "$core_tu" -- -lsndfile
link "$out/make_audio_seeds" seeds fuzz/make_audio_seeds.cpp "$audio_tu" "$core_tu" -- -lsndfile
mkdir -p "$out/audio_corpus"
"$out/make_audio_seeds" "$out/audio_corpus"
# The reader's own buffers stay under the fuzz limits (1 MiB of file, 1 MiB of samples).
fuzz audio "$out/audio_fuzz" "$out/audio_corpus" $((seconds / 6)) 16384 -malloc_limit_mb=256

# PLY: gen's header check and Open3D's reader behind it (Debian's, uninstrumented: a
# crash or an allocation over the limit inside it is still caught). Seeds are clouds
# and a mesh the project's writer makes (fuzz/make_ply_seeds.cpp).
link "$out/ply_fuzz" fuzzer fuzz/ply_fuzz.cpp "$shape3d_tu" "$core_tu" -- -lOpen3D -llzf
link "$out/make_ply_seeds" seeds fuzz/make_ply_seeds.cpp "$shape3d_tu" "$core_tu" -- -lOpen3D -llzf
mkdir -p "$out/ply_corpus"
"$out/make_ply_seeds" "$out/ply_corpus"
fuzz ply "$out/ply_fuzz" "$out/ply_corpus" $((seconds / 12)) 8192 -malloc_limit_mb=256

# OBJ, OFF, STL, glTF/GLB, PCD, XYZ: Open3D's other readers behind gen's checks (the
# first byte of an input picks the extension). Seeds are a mesh and a cloud the
# project's writers make in each (fuzz/make_mesh_seeds.cpp).
link "$out/mesh_fuzz" fuzzer fuzz/mesh_fuzz.cpp "$shape3d_tu" "$core_tu" -- -lOpen3D -llzf
link "$out/make_mesh_seeds" seeds fuzz/make_mesh_seeds.cpp "$shape3d_tu" "$core_tu" -- -lOpen3D -llzf
mkdir -p "$out/mesh_corpus"
"$out/make_mesh_seeds" "$out/mesh_corpus"
fuzz mesh "$out/mesh_fuzz" "$out/mesh_corpus" $((seconds / 12)) 8192 -malloc_limit_mb=256

# Motion dataset records (clips.jsonl): the parser is compiled with the sanitizers; the
# names it checks against and the renderer every accepted clip must pass come from the
# build's libgen_shapes. Seeds are records the project's writer makes (gen data video).
lib=$build_dir/lib
if [ ! -f "$lib/libgen_shapes.so" ] || [ ! -x "$build_dir/bin/gen" ]; then
  echo "fuzz.sh: no $lib/libgen_shapes.so or $build_dir/bin/gen; build gen first (scripts/setup.sh)" >&2
  exit 1
fi
link "$out/clip_jsonl_fuzz" fuzzer fuzz/clip_jsonl_fuzz.cpp \
  "$shapes"/src/clip_record.cpp -- -L"$lib" -Wl,-rpath,"$(cd "$lib" && pwd)" -lgen_shapes -lgen_video -lgen_image -lgen_core
mkdir -p "$out/clip_corpus"
rm -rf "$out/clip_data"
"$build_dir/bin/gen" data video -o "$out/clip_data" --train 16 --heldout 6 --frames 2 --size 16 -q > /dev/null
split -l 1 "$out/clip_data/train/clips.jsonl" "$out/clip_corpus/train-"
split -l 1 "$out/clip_data/heldout/clips.jsonl" "$out/clip_corpus/heldout-"
jsonl_seconds=$((seconds - 2 * (seconds / 4) - 2 * (seconds / 6) - 2 * (seconds / 12)))
fuzz clip_jsonl "$out/clip_jsonl_fuzz" "$out/clip_corpus" $((jsonl_seconds / 5)) 4096

# Humans motion dataset records (motions.jsonl): the same arrangement, over the humans
# world's libgen_humans; seeds are records `gen data motion` writes.
if [ ! -f "$lib/libgen_humans.so" ]; then
  echo "fuzz.sh: no $lib/libgen_humans.so; build gen first (scripts/setup.sh)" >&2
  exit 1
fi
link "$out/motion_jsonl_fuzz" fuzzer fuzz/motion_jsonl_fuzz.cpp \
  "$humans"/src/motion_record.cpp -- -L"$lib" -Wl,-rpath,"$(cd "$lib" && pwd)" -lgen_humans -lgen_motion -lgen_core
mkdir -p "$out/motion_corpus"
rm -rf "$out/motion_data"
"$build_dir/bin/gen" data motion -o "$out/motion_data" --train 16 --heldout 6 -q > /dev/null
split -l 1 "$out/motion_data/train/motions.jsonl" "$out/motion_corpus/train-"
split -l 1 "$out/motion_data/heldout/motions.jsonl" "$out/motion_corpus/heldout-"
fuzz motion_jsonl "$out/motion_jsonl_fuzz" "$out/motion_corpus" $((jsonl_seconds / 5)) 4096

# Sounds dataset records (sounds.jsonl): the line parser with the sanitizers over the
# build's libgen_sounds; seeds are records `gen data audio` writes.
if [ ! -f "$lib/libgen_sounds.so" ]; then
  echo "fuzz.sh: no $lib/libgen_sounds.so; build gen first (scripts/setup.sh)" >&2
  exit 1
fi
link "$out/sounds_jsonl_fuzz" fuzzer fuzz/sounds_jsonl_fuzz.cpp \
  "$sounds"/src/sound_dataset.cpp -- -L"$lib" -Wl,-rpath,"$(cd "$lib" && pwd)" -lgen_sounds -lgen_audio -lgen_core
mkdir -p "$out/sounds_corpus"
rm -rf "$out/sounds_data"
"$build_dir/bin/gen" data audio -o "$out/sounds_data" --train 12 --heldout 4 --seconds 1 -q > /dev/null
split -l 1 "$out/sounds_data/sounds.jsonl" "$out/sounds_corpus/clip-"
fuzz sounds_jsonl "$out/sounds_jsonl_fuzz" "$out/sounds_corpus" $((jsonl_seconds / 5)) 4096

# The audio training stages' own reader of the same file (they do not link the sounds
# world): the parser alone with the sanitizers, on the same seeds.
link "$out/training_sounds_jsonl_fuzz" fuzzer fuzz/training_sounds_jsonl_fuzz.cpp \
  plugins/audio_spectrogram/train/sound_entries.cpp -- -L"$lib" -Wl,-rpath,"$(cd "$lib" && pwd)" -lgen_core
fuzz training_sounds_jsonl "$out/training_sounds_jsonl_fuzz" "$out/sounds_corpus" \
  $((jsonl_seconds / 5)) 4096

# Prompt-travel rules (prompt_travel.json, shipped beside a model's weights): the parser
# and the matcher with the sanitizers over the build's libgen_core; seeds are the rules
# `gen data video` and `gen data motion` write and a few small hand-written files.
link "$out/travel_rules_fuzz" fuzzer fuzz/travel_rules_fuzz.cpp core/src/travel_rules.cpp -- \
  -L"$lib" -Wl,-rpath,"$(cd "$lib" && pwd)" -lgen_core
mkdir -p "$out/travel_corpus"
cp "$out/clip_data/prompt_travel.json" "$out/travel_corpus/world.json"
cp "$out/motion_data/prompt_travel.json" "$out/travel_corpus/humans.json"
echo '{"rules": [{"match": [["a", ""], "*", ["b c", ","]], "keyframes": [{"at": 0, "prompt": "{1} x {3}"}, {"at": 1, "prompt": "y"}]}]}' \
  > "$out/travel_corpus/slots.json"
echo '{"rules": [{"match": ["**", [", then", "then"], "**"], "keyframes": [{"at": 0, "prompt": "{1}"}, {"at": 1, "prompt": "{3}"}]}]}' \
  > "$out/travel_corpus/spans.json"
echo '{"rules": []}' > "$out/travel_corpus/empty.json"
fuzz travel_rules "$out/travel_rules_fuzz" "$out/travel_corpus" $((jsonl_seconds - 4 * (jsonl_seconds / 5))) 4096

exit "$failed"
