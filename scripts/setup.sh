#!/usr/bin/env bash
# Installs every build dependency from Debian 12 packages (idempotent, non-interactive)
# and configures + builds gen in Release mode: the CLI, the libraries and the plugins
# only, so a first image does not wait for the test suite (scripts/test.sh adds it).
#   scripts/setup.sh            install deps, configure, build gen
#   scripts/setup.sh --deps     install deps only
#   GEN_BUILD_TESTS=ON scripts/setup.sh   also build the test suite
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev libopenblas0-pthread libfluidsynth-dev fluid-soundfont-gm
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libavfilter-dev libswresample-dev ffmpeg
  libsndfile1-dev libopen3d-dev liblzf-dev
  libboost-dev libboost-filesystem-dev
  libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libpng-dev libstb-dev libicu-dev
  clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# LibTorch falls back to the reference BLAS (~40x slower matrix products) unless
# OpenBLAS is the selected libblas.so.3 alternative.
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)
case "$blas" in
  *openblas*) ;;
  *) echo "setup: WARNING: libblas.so.3 -> $blas is not OpenBLAS; LibTorch will be very slow" >&2 ;;
esac

[ "${1:-}" = "--deps" ] && exit 0

BUILD_DIR=${GEN_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGEN_BUILD_TESTS="${GEN_BUILD_TESTS:-OFF}" ${GEN_CMAKE_ARGS:-}
cmake --build "$BUILD_DIR"
