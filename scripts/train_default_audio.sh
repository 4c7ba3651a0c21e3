#!/usr/bin/env bash
# Reproduces the embedded default audio model (assets/default-audio) from nothing: the
# sounds world's captioned clips (`gen data audio`), then the stages of
# `gen train audio_spectrogram` — the mel VAE, a tiny CLAP-like text tower (independent of
# each other) and the text-conditioned UNet (v-prediction, min-SNR-5) on the fixed VAE and
# text tower, which assembles the AudioLDM-layout model folder — and copies that folder,
# the stages' reports and configs/generation/default-audio.json into assets/. The shipped
# model vocodes by Griffin-Lim: a 2500-step HiFi-GAN made buzz (docs/model-zoo.md); the
# vocoder stage still runs with STAGES="... vocoder ..." and WITH_VOCODER=1 puts it in.
# Deterministic for this seed and thread count. Wall times on the project's 2-core
# machine: docs/model-zoo.md.
#   scripts/train_default_audio.sh                      # everything (~2.5 h, each stage < 1 h)
#   STAGES="assemble" scripts/train_default_audio.sh    # re-export a finished run
#   EXTRA="-O steps=3" STAGES="data vae text unet" TRAIN=64 HELDOUT=16 scripts/train_default_audio.sh  # smoke run
#   VAE_RUN=assets/default-audio TEXT_RUN=assets/default-audio STAGES="data unet assemble" \
#     scripts/train_default_audio.sh                    # the UNet on the committed VAE and text tower
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${GEN:-build/bin/gen}
RUN=${RUN_DIR:-runs/default-audio}
STAGES=${STAGES:-"data vae text unet assemble"}
WITH_VOCODER=${WITH_VOCODER:-0}
EXTRA=(${EXTRA:-})
TRAIN=${TRAIN:-2000}
HELDOUT=${HELDOUT:-200}
VAE_STEPS=${VAE_STEPS:-3000}
TEXT_STEPS=${TEXT_STEPS:-3000}
VOCODER_STEPS=${VOCODER_STEPS:-2500}
UNET_STEPS=${UNET_STEPS:-4000}
# Version 4's UNet: per-token text states, the caption's note as a pitch code, each latent
# column's pitch as input channels, peak rate 8e-4 (docs/model-zoo.md). Override whole.
UNET_OPTIONS=(${UNET_OPTIONS:--O text_states=true -O note_slots=1 -O frequency_code=16 -O lr=8e-4})
COMMON=(-s 1 --threads 2)
# Where the unet stage takes the VAE and the text tower from: this run's stages, or any
# folder holding vae/ (text_encoder/ + tokenizer/), such as an assembled model.
VAE_RUN=${VAE_RUN:-$RUN/vae}
TEXT_RUN=${TEXT_RUN:-$RUN/text}
mkdir -p "$RUN"

for stage in $STAGES; do
  echo "== $stage ($(date -u +%H:%M:%S))"
  case $stage in
    data) "$GEN" data audio -o "$RUN/data" --train "$TRAIN" --heldout "$HELDOUT" -s 1 -q ;;
    vae) "$GEN" train audio_spectrogram -m vae -o "$RUN/vae" -O data="$RUN/data" -O steps="$VAE_STEPS" \
           -O batch=8 -O lr=1e-3 -O checkpoint_every=500 "${COMMON[@]}" "${EXTRA[@]}" ;;
    text) "$GEN" train audio_spectrogram -m text -o "$RUN/text" -O data="$RUN/data" -O steps="$TEXT_STEPS" \
           -O batch=64 -O lr=1e-3 "${COMMON[@]}" "${EXTRA[@]}" ;;
    vocoder) "$GEN" train audio_spectrogram -m vocoder -o "$RUN/vocoder" -O data="$RUN/data" \
           -O steps="$VOCODER_STEPS" -O batch=8 -O checkpoint_every=250 "${COMMON[@]}" "${EXTRA[@]}" ;;
    unet)
      vocoder=()
      [ "$WITH_VOCODER" = 1 ] && vocoder=(-O vocoder="$RUN/vocoder")
      "$GEN" train audio_spectrogram -m unet -o "$RUN/unet" -O data="$RUN/data" -O vae="$VAE_RUN" \
           -O text_encoder="$TEXT_RUN" "${vocoder[@]}" -O steps="$UNET_STEPS" -O batch=8 "${UNET_OPTIONS[@]}" \
           -O warmup=200 -O checkpoint_every=500 -O prediction=v_prediction -O min_snr_gamma=5 \
           "${COMMON[@]}" "${EXTRA[@]}" ;;
    assemble)
      # Staged first: VAE_RUN/TEXT_RUN may be the very folder being replaced.
      dst=${ASSETS_DIR:-assets/default-audio}
      stage_dir=$(mktemp -d)
      cp -r "$RUN/unet/model/." "$stage_dir/"  # F16 weights, configs, scheduler
      for report in "$VAE_RUN/vae_report.json" "$TEXT_RUN/text_report.json"; do
        [ -f "$report" ] && cp "$report" "$stage_dir/"
      done
      [ -d "$stage_dir/vocoder" ] && cp "$RUN/vocoder/vocoder_report.json" "$stage_dir/"
      # The sampling defaults are data in configs/ (the configs test keeps the two equal).
      cp configs/generation/default-audio.json "$stage_dir/generation_defaults.json"
      rm -rf "$dst" && mkdir -p "$(dirname "$dst")" && cp -r "$stage_dir" "$dst" && rm -rf "$stage_dir"
      du -sh "$dst" ;;
    *) echo "unknown stage $stage" >&2; exit 2 ;;
  esac
done
