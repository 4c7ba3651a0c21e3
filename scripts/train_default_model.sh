#!/usr/bin/env bash
# Reproduces the embedded default image model (assets/default-image) from nothing:
# the shapes dataset, then the VAE, the tiny CLIP and the UNet, each with `gen train`,
# then a fine-tune of the UNet with offset noise, then copies the F16 parts into assets/. Deterministic for these seeds and thread
# counts (2 for the VAE, 1 for the CLIP and the UNet; the VAE and CLIP stages are independent).
# Wall times on the project's 2-core machine are in docs/model-zoo.md.
#   scripts/train_default_model.sh            # everything (a few hours)
#   STAGES="unet finetune assemble" scripts/train_default_model.sh   # resume from a stage
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${GEN:-build/bin/gen}
RUN=${RUN_DIR:-runs/default-image}
STAGES=${STAGES:-"data vae clip unet finetune assemble"}
EXTRA=(${EXTRA:-})  # EXTRA="-O steps=3" for a smoke run

for stage in $STAGES; do
  echo "== $stage ($(date -u +%H:%M:%S))"
  case $stage in
    data) "$GEN" data image -o "$RUN/data" --train 20000 --heldout 2000 -s 1 -q ;;
    vae) "$GEN" train image_ldm -m vae -o "$RUN/vae" -O data="$RUN/data" -O foreground_weight=4 -O steps=4500 \
           -s 11 --threads 2 "${EXTRA[@]}" ;;
    clip) "$GEN" train image_ldm -m clip -o "$RUN/clip" -O data="$RUN/data" -s 12 --threads 1 "${EXTRA[@]}" ;;
    unet) "$GEN" train image_ldm -m unet -o "$RUN/unet" -O data="$RUN/data" -O vae="$RUN/vae/vae" \
            -O text_encoder="$RUN/clip/text_encoder" -O tokenizer="$RUN/clip/tokenizer" -O steps=3600 -O lr=8e-4 \
            -s 13 --threads 1 "${EXTRA[@]}" ;;
    finetune) "$GEN" train image_ldm -m unet -o "$RUN/finetune" -O data="$RUN/data" -O vae="$RUN/vae/vae" \
            -O text_encoder="$RUN/clip/text_encoder" -O tokenizer="$RUN/clip/tokenizer" -O init="$RUN/unet/unet" \
            -O offset_noise=0.1 -O steps=1200 -O lr=2e-4 -O warmup=100 -s 14 --threads 1 "${EXTRA[@]}" ;;
    assemble)
      dst=${ASSETS_DIR:-assets/default-image}
      rm -rf "$dst" && mkdir -p "$dst"
      cp -r "$RUN/finetune/"{model_index.json,scheduler,unet,vae,text_encoder,tokenizer} "$dst/"
      cp -r "$RUN/clip/clip_vision" "$dst/"
      du -sh "$dst" ;;
    *) echo "unknown stage $stage" >&2; exit 2 ;;
  esac
done
