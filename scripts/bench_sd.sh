#!/usr/bin/env bash
# The Stable Diffusion benchmark set of docs/benchmarks.md: sgemm (the yardstick), the
# SD-1.5 and SD-2.1 UNets at 64x64 latents batch 2 (one CFG step), VAE decode at 512x512
# plain and tiled, both text encoders, the samplers' overhead per step and the peak RSS
# of a whole SD-1.5 512x512 txt2img. Prints a
# markdown table; the raw `gen bench` lines go to stderr (and $GEN_BENCH_LOG if set).
#
#   scripts/bench_sd.sh                      # every core
#   THREADS=1 REPEATS=2 scripts/bench_sd.sh  # one thread, 2 timed runs per network
#   GEN=build-bench/bin/gen scripts/bench_sd.sh
#   OMP_WAIT_POLICY=active scripts/bench_sd.sh    # gen sets passive itself unless told otherwise
#
# Needs ~8 GB of free memory (SD-2.1 UNet weights 3.3 GB + activations) and, with 2 cores,
# about 10 minutes. Numbers are only comparable on an otherwise idle machine: the load
# average before and after is printed with the table.
set -euo pipefail
cd "$(dirname "$0")/.."

GEN=${GEN:-}
if [[ -z "$GEN" ]]; then
  for g in build/bin/gen build-bench/bin/gen; do [[ -x $g ]] && GEN=$g && break; done
fi
[[ -x "${GEN:-}" ]] || { echo "bench_sd.sh: no gen binary (build first or set GEN=path)" >&2; exit 1; }
THREADS=${THREADS:-0}
REPEATS=${REPEATS:-3}
TILE=${TILE:-32}
LOG=${GEN_BENCH_LOG:-/dev/null}

# Runs `gen bench ARGS`, echoes its result lines to stderr and the log, returns them.
bench() {
  local out
  out=$("$GEN" bench "$@" --threads "$THREADS" -q) || { echo "bench_sd.sh: gen bench $* failed" >&2; exit 1; }
  printf '%s\n' "$out" | tee -a "$LOG" >&2
  printf '%s\n' "$out"
}
# field LINE KEY: the value of KEY=value in a result line; num: the same without its unit.
field() { grep -o "$2=[^ ]*" <<<"$1" | head -1 | cut -d= -f2; }
num() { field "$1" "$2" | grep -o '^[0-9.]*'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
sgemm=$(bench sgemm --size 2048)
peak=$(num "$sgemm" rate)

rows=()
# network ROW_NAME ARGS...: one table row from a unet/vae/text result line.
network() {
  local name=$1 line
  shift
  line=$(bench "$@" --repeats "$REPEATS" | tail -1)
  rows+=("| $name | \`gen bench $* --repeats $REPEATS --threads $THREADS\` | $(num "$line" best) | $(num "$line" median) | $(num "$line" peak_rss) | $(num "$line" work_mem) | $(num "$line" flops) | $(num "$line" rate) | $(num "$line" sgemm) | $(num "$line" of_sgemm)% |")
}

network "UNet SD-1.5, 64x64 latent, batch 2" unet --arch sd15 --size 512 --batch 2
unet_ms=$(awk -F'|' '{ gsub(/ /, "", $4); print $4 }' <<<"${rows[-1]}")  # its best ms
network "UNet SD-2.1, 64x64 latent, batch 2" unet --arch sd21 --size 512 --batch 2
# The tiled and the plain decode print one line each, then the memory saving.
vae_lines=$(bench vae --arch sd15 --size 512 --tile "$TILE" --overlap 8 --repeats "$REPEATS")
while IFS= read -r line; do
  t=$(num "$line" tile)
  name="VAE decode 512x512, $([[ $t != 0 ]] && echo "tiles of $t latent, overlap 8" || echo plain)"
  rows+=("| $name | \`gen bench vae --arch sd15 --size 512 --tile $TILE --overlap 8 --repeats $REPEATS --threads $THREADS\` | $(num "$line" best) | $(num "$line" median) | $(num "$line" peak_rss) | $(num "$line" work_mem) | $(num "$line" flops) | $(num "$line" rate) | $(num "$line" sgemm) | $(num "$line" of_sgemm)% |")
done < <(grep best= <<<"$vae_lines")
vae_saving=$(grep saving= <<<"$vae_lines")
network "Text encoder CLIP ViT-L/14 (SD-1.5), batch 2" text --arch sd15
network "Text encoder OpenCLIP ViT-H/14 (SD-2.1), batch 2" text --arch sd21

sampler_lines=$(bench sampler --size 512 --batch 2 --steps 30 --unet-ms "$unet_ms")
txt2img_lines=$(bench txt2img --arch sd15 --size 512 --steps 2)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "gen bench on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), threads=$THREADS (0 = all), OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}, $(date -u +%F)"
echo "load average before: $load_before, after: $load_after"
echo
echo "sgemm 2048 at the start: **$peak GFLOP/s** (\`gen bench sgemm --size 2048 --threads $THREADS\`). A shared"
echo "machine's speed drifts, so \`gen bench\` probes sgemm around every timed network run: \"sgemm\" is"
echo "the median probe, \"of sgemm\" the median over runs of (run's rate / better probe beside it)."
echo
echo "| what | command | best ms | median ms | peak RSS MB | work mem MB | GFLOP | GFLOP/s | sgemm GFLOP/s | of sgemm |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Tiled VAE decode: work memory $(num "$vae_saving" work_mem_tiled) MB instead of $(num "$vae_saving" work_mem_plain) MB (saves $(num "$vae_saving" saving) MB)."
echo
echo "Whole 512x512 txt2img, SD-1.5, 2 steps (\`gen bench txt2img --arch sd15 --size 512 --steps 2 --threads $THREADS\`):"
echo
echo "| networks resident | wall s | peak RSS MB |"
echo "|---|---|---|"
while IFS= read -r line; do
  echo "| $([[ $(field "$line" low_memory) == 1 ]] && echo "one at a time (-O low_memory=true)" || echo all) | $(num "$line" wall) | $(num "$line" peak_rss) |"
done <<<"$txt2img_lines"
echo
echo "Sampler overhead per model call, latent $(field "$sampler_lines" latent), 30 steps (\`gen bench sampler --size 512 --batch 2 --steps 30 --unet-ms $unet_ms --threads $THREADS\`):"
echo
echo "| sampler | step µs | whole loop µs | of a UNet step ($unet_ms ms) |"
echo "|---|---|---|---|"
while IFS= read -r line; do
  name=$(field "$line" name)
  if [[ $name == cfg_combine ]]; then
    echo "| CFG wrapper (batch doubling + combine) | $(num "$line" call) | | $(num "$line" overhead)% |"
  elif grep -q skipped <<<"$line"; then
    echo "| $name | skipped | | |"
  else
    echo "| $name | $(num "$line" step) | $(num "$line" loop) | $(num "$line" overhead)% |"
  fi
done <<<"$sampler_lines"
