#!/usr/bin/env bash
# README command 2: installs dependencies, builds (Release), runs a short fuzz run of
# the safetensors reader, then the whole GoogleTest suite through CTest. Prints the
# time of each phase (recorded in docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/setup.sh
built=$(date +%s)
echo "test.sh: setup + build took $((built - start)) s"
if [ "${GEN_SKIP_FUZZ:-0}" != 1 ]; then
  scripts/fuzz.sh "${GEN_FUZZ_SECONDS:-60}"
  echo "test.sh: fuzzing took $(( $(date +%s) - built )) s"
fi
tests_start=$(date +%s)
status=0
ctest --test-dir "${GEN_BUILD_DIR:-build}" --output-on-failure -j "${GEN_TEST_JOBS:-2}" || status=$?
echo "test.sh: tests took $(( $(date +%s) - tests_start )) s, total $(( $(date +%s) - start )) s"
exit $status
