#!/usr/bin/env bash
# Reproduces the embedded default video model (assets/default-video) from nothing but
# the shipped default image model: the shapes-in-motion clips, the motion modules' own
# text tower (`gen train video_temporal -m text`, contrastive against the latent clips),
# then the `-m motion` stage (AnimateDiff's recipe: the image model frozen, motion
# modules trained on top, reading that tower kept fixed, PYoCo's shared noise), then
# copies the F16 adapter and its tower into assets/. Deterministic for this seed and
# thread count. Wall times on the project's 2-core machine: docs/model-zoo.md.
#   scripts/train_default_video.sh                 # everything (~50 min)
#   STAGES="assemble" scripts/train_default_video.sh   # re-export a finished run
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${GEN:-build/bin/gen}
RUN=${RUN_DIR:-runs/default-video}
STAGES=${STAGES:-"data text motion assemble"}
EXTRA=(${EXTRA:-})  # EXTRA="-O steps=3" for a smoke run
STEPS=${STEPS:-1000}
TEXT_STEPS=${TEXT_STEPS:-1500}

for stage in $STAGES; do
  echo "== $stage ($(date -u +%H:%M:%S))"
  case $stage in
    data) "$GEN" data video -o "$RUN/data" --train 3000 --heldout 300 -s 1 -q ;;
    text) "$GEN" train video_temporal -m text -o "$RUN/text" -O data="$RUN/data" -O steps="$TEXT_STEPS" -O batch=64 \
              -O lr=1e-3 -s 21 --threads 2 "${EXTRA[@]}" ;;
    motion) "$GEN" train video_temporal -m motion -o "$RUN/motion" -O data="$RUN/data" -O batch=4 -O frames=16 \
              -O steps="$STEPS" -O lr=4e-4 -O warmup=100 -O checkpoint_every=100 -O shared_noise=1 \
              -O text_encoder="$RUN/text" -O freeze_text=true -s 21 --threads 2 "${EXTRA[@]}" ;;
    assemble)
      dst=${ASSETS_DIR:-assets/default-video}
      rm -rf "$dst" && mkdir -p "$dst"
      cp "$RUN/motion/motion_adapter/"{config.json,diffusion_pytorch_model.safetensors} "$dst/"
      for part in text_encoder tokenizer; do  # the motion modules' own text tower, when trained
        if [ -d "$RUN/motion/motion_adapter/$part" ]; then cp -r "$RUN/motion/motion_adapter/$part" "$dst/"; fi
      done
      cp configs/generation/default-video.json "$dst/generation_defaults.json"
      cp "$RUN/data/prompt_travel.json" "$dst/"  # the world's caption -> keyframe rules (docs/video.md)
      du -sh "$dst" ;;
    *) echo "unknown stage $stage" >&2; exit 2 ;;
  esac
done
