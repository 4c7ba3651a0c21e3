#!/usr/bin/env bash
# README command 2: installs dependencies, builds (Release), runs a short fuzz run of
# the safetensors, video, BVH and clips.jsonl readers, then the whole GoogleTest suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
GEN_BUILD_TESTS=ON scripts/setup.sh
built=$(date +%s)
echo "test.sh: setup + build took $((built - start)) s"
if [ "${GEN_SKIP_FUZZ:-0}" != 1 ]; then
  scripts/fuzz.sh "${GEN_FUZZ_SECONDS:-60}"
  echo "test.sh: fuzzing took $(( $(date +%s) - built )) s"
fi
echo "test.sh: running the test suite ($(( $(date +%s) - start )) s so far)"
# CTest's summary stays the last thing printed: CI reads its closing lines.
exec ctest --test-dir "${GEN_BUILD_DIR:-build}" --output-on-failure -j "${GEN_TEST_JOBS:-2}"
