// Reading the -O options of motion_mdm's training stages (the host has already checked
// them against the stage's specs; the ranges here repeat the specs' as a second guard),
// and the text tower both stages build.
#pragma once
#include <string>
#include <vector>

#include <gen/nn/clip_text_model.h>
#include <gen/options.h>
#include <gen/plugin.h>

namespace motion_mdm {

std::string option(const gen::TrainRequest& r, const std::string& key, const std::string& fallback = "");
int64_t integer(const gen::TrainRequest& r, const std::string& key, int64_t fallback, int64_t lo, int64_t hi);
double number(const gen::TrainRequest& r, const std::string& key, double fallback, double lo, double hi);
bool flag(const gen::TrainRequest& r, const std::string& key, bool fallback);

// text_dim, text_width, text_layers.
std::vector<gen::OptionSpec> text_tower_option_specs();
// A CLIP text transformer over a vocabulary of `vocab` ids, sized by those options.
gen::nn::ClipTextConfig text_config(const gen::TrainRequest& r, int64_t vocab);
int64_t text_dim(const gen::TrainRequest& r);

}  // namespace motion_mdm
