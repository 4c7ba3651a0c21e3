#!/usr/bin/env bash
# Builds the safetensors fuzzer with clang (libFuzzer + AddressSanitizer + UBSan) and
# runs it for N seconds (default 60). Exits non-zero when it finds a crash; the
# reproducer is left in build-fuzz/. Usage: scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=build-fuzz
mkdir -p "$out/corpus"
bin="$out/safetensors_fuzz"
sources=(fuzz/safetensors_fuzz.cpp core/src/safetensors.cpp core/src/atomic_file.cpp)
if [ ! -x "$bin" ] || [ -n "$(find "${sources[@]}" core/include/gen/safetensors.h -newer "$bin")" ]; then
  echo "fuzz.sh: building $bin"
  clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -D_GLIBCXX_USE_CXX11_ABI=1 -Icore/include -I/usr/include/torch/csrc/api/include \
    "${sources[@]}" -ltorch -ltorch_cpu -lc10 -o "$bin"
fi
# Seeds: small valid files in every dtype plus the corner cases, made by the
# project's own writer through the test suite's format (see fuzz/make_seeds.sh).
fuzz/make_seeds.sh "$out/corpus"
log="$out/fuzz.log"
set +e
ASAN_OPTIONS=detect_leaks=0 "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
  -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" > "$log" 2>&1
rc=$?
set -e
execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
crashes=$(find "$out" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
echo "fuzz.sh: safetensors reader, ${seconds}s: ${execs} executions, exit ${rc}, ${crashes} crash/timeout/oom files"
if [ "$rc" -ne 0 ]; then tail -40 "$log"; exit 1; fi
