// AutoencoderKLConfig: from diffusers' config.json or from checkpoint shapes.
#include <gen/nn/autoencoder_kl.h>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace gen::nn {

void AutoencoderKLConfig::validate() const {
  if (block_out_channels.empty()) throw ModelError("VAE config: block_out_channels is empty");
  for (auto c : block_out_channels)
    if (c % norm_num_groups != 0) throw ModelError("VAE config: block_out_channels must be divisible by norm_num_groups");
  if (latent_channels <= 0 || layers_per_block <= 0) throw ModelError("VAE config: bad latent_channels/layers_per_block");
}

AutoencoderKLConfig AutoencoderKLConfig::from_json(const nlohmann::json& j) {
  AutoencoderKLConfig c;
  auto check_types = [&](const char* key, const char* expected) {
    if (!j.contains(key)) return;
    for (const auto& t : j[key])
      if (t != expected) throw ModelError(std::string("VAE config: block type ") + t.dump() + " is not supported");
  };
  check_types("down_block_types", "DownEncoderBlock2D");
  check_types("up_block_types", "UpDecoderBlock2D");
  if (j.value("act_fn", std::string("silu")) != "silu") throw ModelError("VAE config: only act_fn silu is supported");
  c.in_channels = j.value("in_channels", c.in_channels);
  c.out_channels = j.value("out_channels", c.out_channels);
  c.block_out_channels = j.value("block_out_channels", c.block_out_channels);
  c.layers_per_block = j.value("layers_per_block", c.layers_per_block);
  c.latent_channels = j.value("latent_channels", c.latent_channels);
  c.norm_num_groups = j.value("norm_num_groups", c.norm_num_groups);
  if (j.contains("sample_size") && j["sample_size"].is_number_integer()) c.sample_size = j["sample_size"];
  if (j.contains("scaling_factor") && j["scaling_factor"].is_number()) c.scaling_factor = j["scaling_factor"];
  if (j.contains("shift_factor") && j["shift_factor"].is_number()) c.shift_factor = j["shift_factor"];
  c.use_quant_conv = j.value("use_quant_conv", true);
  c.use_post_quant_conv = j.value("use_post_quant_conv", true);
  c.validate();
  return c;
}

nlohmann::json AutoencoderKLConfig::to_json() const {
  const auto levels = block_out_channels.size();
  return {{"_class_name", "AutoencoderKL"},
          {"in_channels", in_channels},
          {"out_channels", out_channels},
          {"down_block_types", std::vector<std::string>(levels, "DownEncoderBlock2D")},
          {"up_block_types", std::vector<std::string>(levels, "UpDecoderBlock2D")},
          {"block_out_channels", block_out_channels},
          {"layers_per_block", layers_per_block},
          {"latent_channels", latent_channels},
          {"norm_num_groups", norm_num_groups},
          {"sample_size", sample_size},
          {"scaling_factor", scaling_factor},
          {"shift_factor", shift_factor},
          {"use_quant_conv", use_quant_conv},
          {"use_post_quant_conv", use_post_quant_conv},
          {"act_fn", "silu"}};
}

AutoencoderKLConfig AutoencoderKLConfig::from_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open VAE config " + path.string());
  try {
    return from_json(nlohmann::json::parse(in));
  } catch (const nlohmann::json::exception& e) {
    throw InputError("VAE config " + path.string() + " is not valid: " + e.what());
  }
}

AutoencoderKLConfig AutoencoderKLConfig::detect_from_weights(const ShapeMap& shapes, int64_t norm_num_groups) {
  const std::string prefix = "first_stage_model.";
  ShapeMap s;
  const bool prefixed = std::any_of(shapes.begin(), shapes.end(),
                                    [&](const auto& kv) { return kv.first.rfind(prefix, 0) == 0; });
  for (const auto& [k, v] : shapes)
    if (!prefixed || k.rfind(prefix, 0) == 0) s[k.substr(prefixed ? prefix.size() : 0)] = v;
  auto at = [&](const std::string& k) -> const std::vector<int64_t>& {
    auto it = s.find(k);
    if (it == s.end()) throw ModelError("cannot infer the VAE architecture: tensor '" + k + "' is missing");
    return it->second;
  };
  const bool original = s.count("encoder.down.0.block.0.conv1.weight") > 0;
  // Level i / resnet j of the encoder under either naming.
  auto block = [&](int i, int j) {
    return original ? "encoder.down." + std::to_string(i) + ".block." + std::to_string(j) + ".conv1.weight"
                    : "encoder.down_blocks." + std::to_string(i) + ".resnets." + std::to_string(j) + ".conv1.weight";
  };
  AutoencoderKLConfig c;
  c.in_channels = at("encoder.conv_in.weight")[1];
  c.out_channels = at("decoder.conv_out.weight")[0];
  c.latent_channels = at("decoder.conv_in.weight")[1];
  c.block_out_channels.clear();
  for (int i = 0; s.count(block(i, 0)); ++i) c.block_out_channels.push_back(at(block(i, 0))[0]);
  c.layers_per_block = 0;
  while (s.count(block(0, static_cast<int>(c.layers_per_block)))) ++c.layers_per_block;
  c.use_quant_conv = s.count("quant_conv.weight") > 0;
  c.use_post_quant_conv = s.count("post_quant_conv.weight") > 0;
  c.norm_num_groups = norm_num_groups;
  c.validate();
  return c;
}

}  // namespace gen::nn
