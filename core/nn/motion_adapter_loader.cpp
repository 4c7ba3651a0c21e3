// load_motion_adapter: a diffusers MotionAdapter folder or a single diffusers-layout file.
#include <gen/nn/motion_adapter.h>

#include <string>
#include <vector>

#include <gen/error.h>
#include <gen/safetensors.h>

namespace gen::nn {
namespace fs = std::filesystem;
namespace {

std::string list_string(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// The structural fields of config.json that the weights contradict, each as one phrase.
std::vector<std::string> structure_differences(const MotionAdapterConfig& json, const MotionAdapterConfig& weights) {
  std::vector<std::string> out;
  if (json.block_out_channels != weights.block_out_channels)
    out.push_back("block_out_channels " + list_string(json.block_out_channels) + " but the weights have " +
                  list_string(weights.block_out_channels));
  if (json.motion_layers_per_block != weights.motion_layers_per_block)
    out.push_back("motion_layers_per_block " + std::to_string(json.motion_layers_per_block) +
                  " but the weights have " + std::to_string(weights.motion_layers_per_block));
  if (json.use_motion_mid_block != weights.use_motion_mid_block)
    out.push_back(json.use_motion_mid_block ? "use_motion_mid_block true but the weights have no mid_block.*"
                                            : "use_motion_mid_block false but the weights have a mid block");
  else if (json.use_motion_mid_block &&
           json.motion_mid_block_layers_per_block != weights.motion_mid_block_layers_per_block)
    out.push_back("motion_mid_block_layers_per_block " + std::to_string(json.motion_mid_block_layers_per_block) +
                  " but the weights have " + std::to_string(weights.motion_mid_block_layers_per_block));
  if (json.motion_prompt_travel_dim != weights.motion_prompt_travel_dim)
    out.push_back("motion_prompt_travel_dim " + std::to_string(json.motion_prompt_travel_dim) +
                  " but the weights have " + std::to_string(weights.motion_prompt_travel_dim));
  if (json.motion_max_seq_length != weights.motion_max_seq_length)
    out.push_back("motion_max_seq_length " + std::to_string(json.motion_max_seq_length) + " but the weights have " +
                  std::to_string(weights.motion_max_seq_length));
  return out;
}

void check_config_matches_weights(const MotionAdapterConfig& config, const SafeTensorsFile& file,
                                  const fs::path& config_path) {
  const auto detected = MotionAdapterConfig::detect_from_weights(
      shapes_in(file), {config.motion_num_attention_heads, config.motion_norm_num_groups});
  const auto diffs = structure_differences(config, detected);
  if (diffs.empty()) return;
  std::string msg = config_path.string() + " does not describe " + file.path().string() + ": it says ";
  for (size_t i = 0; i < diffs.size(); ++i) msg += (i ? "; " : "") + diffs[i];
  throw ModelError(msg);
}

MotionAdapter build_and_load(const MotionAdapterConfig& config, const SafeTensorsFile& file) {
  MotionAdapter adapter(config);
  LoadOptions o;
  o.what = "motion adapter " + file.path().string();
  load_state_dict(*adapter, file, o);
  adapter->eval();
  return adapter;
}

}  // namespace

MotionAdapter load_motion_adapter(const fs::path& path, const MotionAdapterHints& hints) {
  if (fs::is_directory(path)) {
    const auto config = MotionAdapterConfig::from_json_file(path / "config.json");
    const auto file = SafeTensorsFile::open(find_weights_file(path, "diffusion_pytorch_model"));
    check_config_matches_weights(config, file, path / "config.json");
    return build_and_load(config, file);
  }
  if (!fs::exists(path)) throw InputError("motion adapter " + path.string() + " does not exist");
  const auto file = SafeTensorsFile::open(path);
  return build_and_load(MotionAdapterConfig::detect_from_weights(shapes_in(file), hints), file);
}

}  // namespace gen::nn
