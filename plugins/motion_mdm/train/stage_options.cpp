#include "stage_options.h"

#include <gen/nn/clip_vocabulary.h>
#include <gen/option_values.h>

namespace motion_mdm {

std::string option(const gen::TrainRequest& r, const std::string& key, const std::string& fallback) {
  auto it = r.options.find(key);
  return it == r.options.end() ? fallback : it->second;
}

int64_t integer(const gen::TrainRequest& r, const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
  return static_cast<int64_t>(gen::number_option(r.options, key, static_cast<double>(fallback), lo, hi));
}

double number(const gen::TrainRequest& r, const std::string& key, double fallback, double lo, double hi) {
  return gen::number_option(r.options, key, fallback, lo, hi);
}

bool flag(const gen::TrainRequest& r, const std::string& key, bool fallback) {
  const auto text = option(r, key);
  return text.empty() ? fallback : gen::parse_bool(key, text);
}

std::vector<gen::OptionSpec> text_tower_option_specs() {
  using gen::OptionSpec;
  return {OptionSpec::integer("text_dim", 256, 8, 4096, "Text embedding width (MDM's clip_dim; CLIP ViT-B/32: 512)"),
          OptionSpec::integer("text_width", 128, 8, 4096, "Width of the text tower trained here"),
          OptionSpec::integer("text_layers", 2, 1, 48, "Layers of the text tower")};
}

gen::nn::ClipTextConfig text_config(const gen::TrainRequest& r, int64_t vocab) {
  return gen::nn::word_clip_text_config(vocab, integer(r, "text_width", 128, 8, 4096), integer(r, "text_layers", 2, 1, 48),
                                        4, 32);
}

int64_t text_dim(const gen::TrainRequest& r) { return integer(r, "text_dim", 256, 8, 4096); }

}  // namespace motion_mdm
