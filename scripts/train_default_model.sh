#!/usr/bin/env bash
# Reproduces the embedded default image model (assets/default-image) from nothing:
# the shapes dataset, then the VAE, the tiny CLIP and the UNet, each with `gen train`,
# then copies the F16 parts into assets/. Deterministic for these seeds and thread counts
# (2 for the VAE and the UNet, 1 for the CLIP; the VAE and CLIP stages are independent).
# The UNet trains in bfloat16 autocast, 1.5x faster on CPUs with AMX. CPUs without
# bfloat16 instructions emulate it 14x slower, so there it trains in float32 (the same
# model up to rounding, ~2x the shipped run's time); PRECISION=bf16|fp32 overrides.
# Wall times on the project's 2-core machine are in docs/model-zoo.md.
#   scripts/train_default_model.sh            # everything (a few hours)
#   STAGES="unet assemble" scripts/train_default_model.sh   # resume from a stage
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${GEN:-build/bin/gen}
RUN=${RUN_DIR:-runs/default-image}
STAGES=${STAGES:-"data vae clip unet assemble"}
EXTRA=(${EXTRA:-})  # EXTRA="-O steps=3" for a smoke run
if [ -z "${PRECISION:-}" ]; then
  PRECISION=fp32
  grep -qwE 'amx_bf16|avx512_bf16' /proc/cpuinfo && PRECISION=bf16
fi

for stage in $STAGES; do
  echo "== $stage ($(date -u +%H:%M:%S))"
  case $stage in
    data) "$GEN" data image -o "$RUN/data" --train 20000 --heldout 2000 -s 1 -q ;;
    vae) "$GEN" train image_ldm -m vae -o "$RUN/vae" -O data="$RUN/data" -O foreground_weight=4 -O steps=4500 \
           -s 11 --threads 2 "${EXTRA[@]}" ;;
    clip) "$GEN" train image_ldm -m clip -o "$RUN/clip" -O data="$RUN/data" -s 12 --threads 1 "${EXTRA[@]}" ;;
    unet) "$GEN" train image_ldm -m unet -o "$RUN/unet" -O data="$RUN/data" -O vae="$RUN/vae/vae" \
            -O text_encoder="$RUN/clip/text_encoder" -O tokenizer="$RUN/clip/tokenizer" -O channels=64,128,128 \
            -O precision=$PRECISION -O offset_noise=0.1 -O steps=2700 -O lr=8e-4 -s 15 --threads 2 "${EXTRA[@]}" ;;
    assemble)
      dst=${ASSETS_DIR:-assets/default-image}
      rm -rf "$dst" && mkdir -p "$dst"
      cp -r "$RUN/unet/"{model_index.json,scheduler,unet,vae,text_encoder,tokenizer} "$dst/"
      cp -r "$RUN/clip/clip_vision" "$dst/"
      du -sh "$dst" ;;
    *) echo "unknown stage $stage" >&2; exit 2 ;;
  esac
done
