#!/usr/bin/env bash
# Builds the fuzzers with clang (libFuzzer + AddressSanitizer + UBSan) and runs them for
# N seconds in total (default 60): the safetensors reader and the video reader get 1/4
# each, the BVH reader and the audio reader 1/6 each, the PLY reader and the other 3D
# readers (OBJ, OFF, STL, glTF/GLB, PCD, XYZ) 1/12 each, and the four dataset JSONL
# readers (the shapes world's clips.jsonl, the humans world's motions.jsonl, the sounds
# world's sounds.jsonl and the audio training stages' reader of it) the rest, a quarter
# each. Exits non-zero when any finds a crash; reproducers are left in build-fuzz/. The jsonl fuzzers link their worlds from the gen
# build ($GEN_BUILD_DIR, default build/), so build gen first.
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

# build BINARY "FLAGS..." SOURCES... -- LIBS...: (re)builds when a source or header is newer.
build() {
  local bin=$1 flags=$2; shift 2
  local sources=() libs=()
  while [ "$1" != "--" ]; do sources+=("$1"); shift; done
  shift; libs=("$@")
  local headers=(core/include/gen/*.h "$video"/include/gen/video/*.h "$video"/src/*.h "$shapes"/include/gen/shapes/*.h
                 "$motion"/include/gen/motion/*.h "$motion"/src/*.h tests/support/motion_fixtures.h
                 "$audio"/include/gen/audio/*.h "$audio"/src/*.h
                 "$humans"/include/gen/humans/*.h "$sounds"/include/gen/sounds/*.h
                 "$shape3d"/include/gen/shape3d/*.h "$shape3d"/src/*.h)
  if [ ! -x "$bin" ] || [ -n "$(find "${sources[@]}" "${headers[@]}" -newer "$bin")" ]; then
    echo "fuzz.sh: building $bin"
    # shellcheck disable=SC2086
    clang++ -std=c++17 -O1 -g $flags "${torch_flags[@]}" -I"$video"/include -I"$video"/src \
      "${sources[@]}" "${libs[@]}" "${torch_libs[@]}" -o "$bin"
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

sanitize="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"

# Safetensors: seeds are small valid files in every dtype plus the corner cases, made
# by the project's own writer through the test suite's format (fuzz/make_seeds.sh).
build "$out/safetensors_fuzz" "$sanitize" fuzz/safetensors_fuzz.cpp core/src/safetensors.cpp core/src/atomic_file.cpp --
mkdir -p "$out/corpus"
fuzz/make_seeds.sh "$out/corpus"
fuzz safetensors "$out/safetensors_fuzz" "$out/corpus" $((seconds / 4)) 4096

# Video: seeds are small MP4, WebM and GIF clips written by modalities/video's own
# writers (fuzz/make_video_seeds.cpp, built without sanitizers).
reader=("$video"/src/{video_reader,input_source,frame_timing,frame_rate,pixel_convert,ffmpeg_util}.cpp)
writer=("$video"/src/{video_writer,gif_writer,gif_palette,encoder,muxer,pixel_convert,ffmpeg_util,video,frame_rate}.cpp)
build "$out/video_fuzz" "$sanitize" fuzz/video_fuzz.cpp "${reader[@]}" -- "${ffmpeg_libs[@]}"
build "$out/make_video_seeds" "" fuzz/make_video_seeds.cpp "${writer[@]}" -- "${ffmpeg_libs[@]}"
mkdir -p "$out/video_corpus"
"$out/make_video_seeds" "$out/video_corpus"
# Any single allocation over 256 MiB is a finding: the reader caps FFmpeg's at 128 MiB
# and its own frames at the fuzz limits (64 MiB).
fuzz video "$out/video_fuzz" "$out/video_corpus" $((seconds / 4)) 16384 -malloc_limit_mb=256

# BVH: the reader, the writer it must be able to feed and the kinematics under them, all
# with the sanitizers. Seeds are short motions the project's writer makes plus
# hand-written files in other conventions (fuzz/make_bvh_seeds.cpp, built without).
bvh=("$motion"/src/{bvh_reader,bvh_parser,bvh_lexer,bvh_writer,inverse_kinematics,skeleton,motion,quaternion,file_bytes}.cpp
     core/src/atomic_file.cpp)
build "$out/bvh_fuzz" "$sanitize -I$motion/include" fuzz/bvh_fuzz.cpp "${bvh[@]}" --
build "$out/make_bvh_seeds" "-I$motion/include" fuzz/make_bvh_seeds.cpp "${bvh[@]}" --
mkdir -p "$out/bvh_corpus"
"$out/make_bvh_seeds" "$out/bvh_corpus"
fuzz bvh "$out/bvh_fuzz" "$out/bvh_corpus" $((seconds / 6)) 8192 -malloc_limit_mb=512

# Audio: gen's WAV chunk and Ogg page checks and the reader around libsndfile, with the
# sanitizers (libsndfile and its codecs are Debian's, uninstrumented, but a crash or an
# allocation over the limit inside them is still caught). Seeds are short clips the
# project's writer makes in every format (fuzz/make_audio_seeds.cpp, built without).
audio_sources=("$audio"/src/{audio,audio_io,audio_reader,audio_writer,ogg_pages,wav_chunks,sndfile_memory}.cpp
               core/src/atomic_file.cpp)
build "$out/audio_fuzz" "$sanitize -I$audio/include -I$audio/src" fuzz/audio_fuzz.cpp "${audio_sources[@]}" -- -lsndfile
build "$out/make_audio_seeds" "-I$audio/include -I$audio/src" fuzz/make_audio_seeds.cpp "${audio_sources[@]}" -- -lsndfile
mkdir -p "$out/audio_corpus"
"$out/make_audio_seeds" "$out/audio_corpus"
# The reader's own buffers stay under the fuzz limits (1 MiB of file, 1 MiB of samples).
fuzz audio "$out/audio_fuzz" "$out/audio_corpus" $((seconds / 6)) 16384 -malloc_limit_mb=256

# PLY: gen's header check and Open3D's reader behind it (Debian's, uninstrumented: a
# crash or an allocation over the limit inside it is still caught). Seeds are clouds
# and a mesh the project's writer makes (fuzz/make_ply_seeds.cpp, built without).
ply_sources=("$shape3d"/src/{shape_io,ply_header,ply_body,pcd_reader,off_reader,stl_reader,text_words,open3d_convert,point_cloud,mesh,glb_container,stderr_capture}.cpp core/src/atomic_file.cpp)
ply_flags="-I$shape3d/include -I$shape3d/src -I/usr/include/eigen3"
build "$out/ply_fuzz" "$sanitize $ply_flags" fuzz/ply_fuzz.cpp "${ply_sources[@]}" -- -lOpen3D -llzf
build "$out/make_ply_seeds" "$ply_flags" fuzz/make_ply_seeds.cpp "${ply_sources[@]}" -- -lOpen3D -llzf
mkdir -p "$out/ply_corpus"
"$out/make_ply_seeds" "$out/ply_corpus"
fuzz ply "$out/ply_fuzz" "$out/ply_corpus" $((seconds / 12)) 8192 -malloc_limit_mb=256

# OBJ, OFF, STL, glTF/GLB, PCD, XYZ: Open3D's other readers behind gen's checks (the
# first byte of an input picks the extension). Seeds are a mesh and a cloud the
# project's writers make in each (fuzz/make_mesh_seeds.cpp, built without sanitizers).
build "$out/mesh_fuzz" "$sanitize $ply_flags -Ifuzz" fuzz/mesh_fuzz.cpp "${ply_sources[@]}" -- -lOpen3D -llzf
build "$out/make_mesh_seeds" "$ply_flags -Ifuzz" fuzz/make_mesh_seeds.cpp "${ply_sources[@]}" -- -lOpen3D -llzf
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
build "$out/clip_jsonl_fuzz" "$sanitize -I$shapes/include -Imodalities/image/include" fuzz/clip_jsonl_fuzz.cpp \
  "$shapes"/src/clip_record.cpp -- -L"$lib" -Wl,-rpath,"$(cd "$lib" && pwd)" -lgen_shapes -lgen_video -lgen_image -lgen_core
mkdir -p "$out/clip_corpus"
rm -rf "$out/clip_data"
"$build_dir/bin/gen" data video -o "$out/clip_data" --train 16 --heldout 6 --frames 2 --size 16 -q > /dev/null
split -l 1 "$out/clip_data/train/clips.jsonl" "$out/clip_corpus/train-"
split -l 1 "$out/clip_data/heldout/clips.jsonl" "$out/clip_corpus/heldout-"
jsonl_seconds=$((seconds - 2 * (seconds / 4) - 2 * (seconds / 6) - 2 * (seconds / 12)))
fuzz clip_jsonl "$out/clip_jsonl_fuzz" "$out/clip_corpus" $((jsonl_seconds / 4)) 4096

# Humans motion dataset records (motions.jsonl): the same arrangement, over the humans
# world's libgen_humans; seeds are records `gen data motion` writes.
if [ ! -f "$lib/libgen_humans.so" ]; then
  echo "fuzz.sh: no $lib/libgen_humans.so; build gen first (scripts/setup.sh)" >&2
  exit 1
fi
build "$out/motion_jsonl_fuzz" "$sanitize -I$humans/include -Imodalities/motion/include" fuzz/motion_jsonl_fuzz.cpp \
  "$humans"/src/motion_record.cpp -- -L"$lib" -Wl,-rpath,"$(cd "$lib" && pwd)" -lgen_humans -lgen_motion -lgen_core
mkdir -p "$out/motion_corpus"
rm -rf "$out/motion_data"
"$build_dir/bin/gen" data motion -o "$out/motion_data" --train 16 --heldout 6 -q > /dev/null
split -l 1 "$out/motion_data/train/motions.jsonl" "$out/motion_corpus/train-"
split -l 1 "$out/motion_data/heldout/motions.jsonl" "$out/motion_corpus/heldout-"
fuzz motion_jsonl "$out/motion_jsonl_fuzz" "$out/motion_corpus" $((jsonl_seconds / 4)) 4096

# Sounds dataset records (sounds.jsonl): the line parser with the sanitizers over the
# build's libgen_sounds; seeds are records `gen data audio` writes.
if [ ! -f "$lib/libgen_sounds.so" ]; then
  echo "fuzz.sh: no $lib/libgen_sounds.so; build gen first (scripts/setup.sh)" >&2
  exit 1
fi
build "$out/sounds_jsonl_fuzz" "$sanitize -I$sounds/include -I$audio/include" fuzz/sounds_jsonl_fuzz.cpp \
  "$sounds"/src/sound_dataset.cpp -- -L"$lib" -Wl,-rpath,"$(cd "$lib" && pwd)" -lgen_sounds -lgen_audio -lgen_core
mkdir -p "$out/sounds_corpus"
rm -rf "$out/sounds_data"
"$build_dir/bin/gen" data audio -o "$out/sounds_data" --train 12 --heldout 4 --seconds 1 -q > /dev/null
split -l 1 "$out/sounds_data/sounds.jsonl" "$out/sounds_corpus/clip-"
fuzz sounds_jsonl "$out/sounds_jsonl_fuzz" "$out/sounds_corpus" $((jsonl_seconds / 4)) 4096

# The audio training stages' own reader of the same file (they do not link the sounds
# world): the parser alone with the sanitizers, on the same seeds.
build "$out/training_sounds_jsonl_fuzz" "$sanitize -Iplugins/audio_spectrogram/train" fuzz/training_sounds_jsonl_fuzz.cpp \
  plugins/audio_spectrogram/train/sound_entries.cpp -- -L"$lib" -Wl,-rpath,"$(cd "$lib" && pwd)" -lgen_core
fuzz training_sounds_jsonl "$out/training_sounds_jsonl_fuzz" "$out/sounds_corpus" \
  $((jsonl_seconds - 3 * (jsonl_seconds / 4))) 4096

exit "$failed"
