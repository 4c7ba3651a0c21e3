#!/usr/bin/env bash
# Installs dependencies, builds (Release) and runs the whole test suite, then a short
# fuzz run of the safetensors reader. Prints the elapsed time of each phase.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/setup.sh
built=$(date +%s)
echo "test.sh: setup + build took $((built - start)) s"
ctest --test-dir "${GEN_BUILD_DIR:-build}" --output-on-failure -j "${GEN_TEST_JOBS:-2}"
tested=$(date +%s)
echo "test.sh: tests took $((tested - built)) s"
if [ -x scripts/fuzz.sh ] && [ "${GEN_SKIP_FUZZ:-0}" != 1 ]; then
  scripts/fuzz.sh "${GEN_FUZZ_SECONDS:-60}"
  echo "test.sh: fuzzing took $(( $(date +%s) - tested )) s"
fi
echo "test.sh: total $(( $(date +%s) - start )) s"
