#!/usr/bin/env bash
# The video motion stage's quick check (docs/model-zoo.md, "Diagnostic: can the modules
# learn the motion of 16 clips"): train motion modules on the first CLIPS training clips
# only, STEPS steps of 4, then judge the clips those captions give against the same 16
# clips. A recipe that cannot make these clips move will not make fresh captions move
# after an hour; one that can is worth the hour. ~13 min on the 2-core machine.
#   scripts/video_memorisation.sh NAME [extra -O options of the motion stage]
#   scripts/video_memorisation.sh change5 -O conv3d=4 -O spatial_positions=true -O frame_change_loss=5
# Needs: build/bin/gen, runs/default-video/data (`gen data video -o runs/default-video/data
# --train 3000 --heldout 300 -s 1`), the shipped assets/default-image and default-video
# (whose text tower the modules read, kept fixed, as version 2's recipe does).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 NAME [-O key=value ...]" >&2; exit 2; }
name=$1; shift
GEN=${GEN:-build/bin/gen}
DATA=${DATA:-runs/default-video/data}
CLIPS=${CLIPS:-16}
STEPS=${STEPS:-300}
run=runs/default-video/memorise-$name
pipeline=$run/pipeline

"$GEN" train video_temporal -m motion -o "$run" -O data="$DATA" -O batch=4 -O frames=16 -O steps="$STEPS" \
    -O lr=4e-4 -O warmup=30 -O checkpoint_every=100 -O shared_noise=1 -O text_encoder=assets/default-video \
    -O freeze_text=true -O max_clips="$CLIPS" -s 21 --threads 2 "$@"

# The image model's parts with this run's motion adapter: what `gen video -m` loads.
mkdir -p "$pipeline"
for part in model_index.json scheduler text_encoder tokenizer unet vae; do
  ln -sfn "$(realpath assets/default-image/$part)" "$pipeline/$part"
done
ln -sfn "$(realpath "$run/motion_adapter")" "$pipeline/motion_adapter"
"$GEN" eval video -m "$pipeline" --data "$DATA" --splits train --samplers dpmpp_2m --steps 25 \
    --count "$((CLIPS < 16 ? CLIPS : 16))" --cfg-scale 5 --threads 2 -o "$run/eval-memorised.json"
