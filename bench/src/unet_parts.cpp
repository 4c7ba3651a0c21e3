#include <gen/bench/unet_parts.h>

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include <gen/bench/flop_counter.h>
#include <gen/error.h>
#include <gen/nn/resnet_block.h>
#include <gen/nn/transformer_2d.h>
#include <gen/nn/transformer_temporal.h>

#include "bench_common.h"

namespace gen::bench {

namespace {

const char* const kKinds[] = {"resnet", "attention", "motion"};

// One module that can run alone: its kind (an index into kKinds), input width and call.
struct Runnable {
  int kind = -1;
  int64_t channels = 0;
  std::function<void(const torch::Tensor&)> run;
};

Runnable runnable(const std::shared_ptr<torch::nn::Module>& m, const UNetPartsInput& in) {
  if (auto* r = dynamic_cast<nn::ResnetBlock2DImpl*>(m.get())) {
    // The time embedding's values do not matter for speed, only its shape.
    torch::Tensor temb;
    if (r->time_emb_proj) temb = torch::randn({in.images, r->time_emb_proj->options.in_features()});
    return {0, r->norm1->options.num_channels(), [r, temb](const torch::Tensor& x) { r->forward(x, temb); }};
  }
  if (auto* t = dynamic_cast<nn::Transformer2DModelImpl*>(m.get()))
    return {1, t->norm->options.num_channels(), [t, &in](const torch::Tensor& x) { t->forward(x, in.context); }};
  if (auto* t = dynamic_cast<nn::TransformerTemporalModelImpl*>(m.get()))
    return {2, t->options().channels, [t, &in](const torch::Tensor& x) { t->forward(x, in.frames); }};
  return {};
}

// The side of the map a module of stage `name` works on: down stage i at latent / 2^i,
// up stage i at latent / 2^(stages-1-i), the mid stage at the smallest; 0 outside them.
int64_t side_of(const std::string& name, int64_t stages, int64_t latent) {
  auto index_after = [&](const std::string& prefix) { return std::stoll(name.substr(prefix.size())); };
  int64_t level = -1;
  if (name.rfind("down_blocks.", 0) == 0) level = index_after("down_blocks.");
  else if (name.rfind("up_blocks.", 0) == 0) level = stages - 1 - index_after("up_blocks.");
  else if (name.rfind("mid_block.", 0) == 0) level = stages - 1;
  return level < 0 ? 0 : latent >> level;
}

int64_t stage_count(torch::nn::Module& unet) {
  for (const auto& child : unet.named_children())
    if (child.key() == "down_blocks") return static_cast<int64_t>(child.value()->children().size());
  throw Error("UNet parts: the network has no down_blocks");
}

}  // namespace

std::vector<UNetPart> measure_unet_parts(torch::nn::Module& unet, const UNetPartsInput& input, int repeats) {
  c10::InferenceMode inference;
  const int64_t stages = stage_count(unet);
  std::map<std::pair<int, int64_t>, UNetPart> parts;  // by (kind, -side)
  std::set<const torch::nn::Module*> seen;             // a motion UNet registers shared modules once, but be sure
  for (const auto& item : unet.named_modules("", /*include_self=*/false)) {
    const auto& name = item.key();
    const auto& module = item.value();
    const auto part = runnable(module, input);
    if (part.kind < 0 || !seen.insert(module.get()).second) continue;
    const int64_t side = side_of(name, stages, input.latent);
    if (side <= 0) continue;
    const auto x = torch::randn({input.images, part.channels, side, side});
    double flops = 0;
    {
      OpCounter counter;  // this run is also the warm-up
      part.run(x);
      flops = counter.flops();
    }
    const double ms = time_runs(std::max(repeats, 1), [&] { part.run(x); }).best_ms;
    auto& p = parts[{part.kind, -side}];
    p.kind = kKinds[part.kind];
    p.side = side;
    p.modules += 1;
    p.flops += flops;
    p.ms += ms;
  }
  std::vector<UNetPart> out;
  for (auto& [key, p] : parts) out.push_back(std::move(p));
  return out;
}

}  // namespace gen::bench
