#!/usr/bin/env bash
# Reproduces the embedded default motion model (assets/default-motion) from nothing:
# the humans world's motions (`gen data motion`), a `gen train motion_mdm -m text` stage
# (a small CLIP text tower taught contrastively which motion a caption describes), then
# `-m mdm` on that tower kept fixed, as MDM keeps CLIP (x0 prediction, MDM's geometric
# losses, caption dropout for CFG; the frames also attend to the tower's token states,
# and a sequence's frames read their own action's caption, split by the data folder's
# prompt_travel.json, which the model then ships),
# then copies the model folder into assets/. Deterministic for this seed and thread
# count. Wall times on the project's 2-core machine: docs/model-zoo.md.
#   scripts/train_default_motion.sh                     # everything (~1 h)
#   STAGES="assemble" scripts/train_default_motion.sh   # re-export a finished run
#   EXTRA="-O steps=3" STAGES="data text mdm" scripts/train_default_motion.sh   # smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${GEN:-build/bin/gen}
RUN=${RUN_DIR:-runs/default-motion}
STAGES=${STAGES:-"data text mdm assemble"}
EXTRA=(${EXTRA:-})
STEPS=${STEPS:-3900}
TEXT_STEPS=${TEXT_STEPS:-800}
SEGMENT_TEXT=${SEGMENT_TEXT:-0.8}

for stage in $STAGES; do
  echo "== $stage ($(date -u +%H:%M:%S))"
  case $stage in
    data) "$GEN" data motion -o "$RUN/data" --train 3000 --heldout 300 -s 1 -q          # the text tower's
          "$GEN" data motion -o "$RUN/data6k" --train 6000 --heldout 300 -s 1 -q ;;     # the denoiser's
    text) "$GEN" train motion_mdm -m text -o "$RUN/text" -O data="$RUN/data" -O steps="$TEXT_STEPS" -s 1 --threads 2 \
           "${EXTRA[@]}" ;;
    mdm) "$GEN" train motion_mdm -m mdm -o "$RUN/mdm" -O data="$RUN/data6k" -O text_encoder="$RUN/text" -O freeze_text=true \
           -O cond_every_frame=true -O text_tokens=true -O segment_text="$SEGMENT_TEXT" -O length_window=512 -O batch=32 -O steps="$STEPS" -O lr=6e-4 -O warmup=300 -O checkpoint_every=500 -s 1 --threads 2 "${EXTRA[@]}" ;;
    assemble)
      dst=${ASSETS_DIR:-assets/default-motion}
      rm -rf "$dst" && cp -r "$RUN/mdm/model" "$dst"  # the trainer writes F16 weights
      cp configs/generation/default-motion.json "$dst/generation_defaults.json"
      du -sh "$dst" ;;
    *) echo "unknown stage $stage" >&2; exit 2 ;;
  esac
done
