// HifiGanConfig: transformers' SpeechT5HifiGanConfig keys, and detection from shapes.
#include <gen/nn/hifigan.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace gen::nn {
namespace {

using json = nlohmann::json;

std::string list_string(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

void require(bool ok, const std::string& what) {
  if (!ok) throw ModelError("HiFi-GAN config: " + what);
}

const std::vector<int64_t>& shape_at(const ShapeMap& shapes, const std::string& key) {
  auto it = shapes.find(key);
  if (it == shapes.end()) throw ModelError("cannot infer the HiFi-GAN architecture: tensor '" + key + "' is missing");
  return it->second;
}

int64_t count_indexed(const ShapeMap& shapes, const std::string& prefix, const std::string& suffix) {
  int64_t n = 0;
  while (shapes.count(prefix + std::to_string(n) + suffix)) ++n;
  return n;
}

}  // namespace

int64_t HifiGanConfig::hop_length() const {
  int64_t hop = 1;
  for (auto u : upsample_rates) hop *= u;
  return hop;
}

int64_t HifiGanConfig::output_length(int64_t frames) const {
  int64_t n = frames;
  for (size_t i = 0; i < upsample_rates.size(); ++i) {
    const int64_t u = upsample_rates[i], k = upsample_kernel_sizes[i];
    n = (n - 1) * u - 2 * ((k - u) / 2) + k;
  }
  return n;
}

int64_t HifiGanConfig::channels(size_t level) const { return upsample_initial_channel >> (level + 1); }

void HifiGanConfig::validate() const {
  require(model_in_dim > 0 && sampling_rate > 0, "model_in_dim and sampling_rate must be positive");
  require(!upsample_rates.empty(), "upsample_rates is empty");
  require(upsample_kernel_sizes.size() == upsample_rates.size(),
          "upsample_kernel_sizes " + list_string(upsample_kernel_sizes) + " needs one entry per upsample rate " +
              list_string(upsample_rates));
  for (size_t i = 0; i < upsample_rates.size(); ++i)
    require(upsample_rates[i] > 0 && upsample_kernel_sizes[i] >= upsample_rates[i],
            "upsampler " + std::to_string(i) + " needs a rate > 0 and a kernel no smaller than its rate");
  // Every level halves the width (integer division, as transformers); one channel must remain.
  require(upsample_initial_channel > 0 && channels(upsample_rates.size() - 1) > 0,
          "upsample_initial_channel " + std::to_string(upsample_initial_channel) + " cannot be halved " +
              std::to_string(upsample_rates.size()) + " times");
  require(!resblock_kernel_sizes.empty(), "resblock_kernel_sizes is empty");
  require(resblock_dilation_sizes.size() == resblock_kernel_sizes.size(),
          "resblock_dilation_sizes needs one list per resblock kernel size");
  for (size_t j = 0; j < resblock_kernel_sizes.size(); ++j) {
    require(resblock_kernel_sizes[j] > 0 && resblock_kernel_sizes[j] % 2 == 1,
            "resblock kernel sizes must be odd (the resblocks keep the length)");
    require(!resblock_dilation_sizes[j].empty(), "resblock " + std::to_string(j) + " has no dilations");
    for (auto d : resblock_dilation_sizes[j]) require(d > 0, "dilations must be positive");
  }
}

HifiGanConfig HifiGanConfig::from_json(const json& j) {
  if (j.contains("model_type") && j["model_type"] != "hifigan")
    throw ModelError("HiFi-GAN config: model_type " + j["model_type"].dump() + " is not transformers' hifigan");
  HifiGanConfig c;
  c.model_in_dim = j.value("model_in_dim", c.model_in_dim);
  c.sampling_rate = j.value("sampling_rate", c.sampling_rate);
  c.upsample_initial_channel = j.value("upsample_initial_channel", c.upsample_initial_channel);
  c.upsample_rates = j.value("upsample_rates", c.upsample_rates);
  c.upsample_kernel_sizes = j.value("upsample_kernel_sizes", c.upsample_kernel_sizes);
  c.resblock_kernel_sizes = j.value("resblock_kernel_sizes", c.resblock_kernel_sizes);
  c.resblock_dilation_sizes = j.value("resblock_dilation_sizes", c.resblock_dilation_sizes);
  c.leaky_relu_slope = j.value("leaky_relu_slope", c.leaky_relu_slope);
  c.normalize_before = j.value("normalize_before", c.normalize_before);
  c.validate();
  return c;
}

HifiGanConfig HifiGanConfig::from_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open HiFi-GAN config " + path.string());
  try {
    return from_json(json::parse(in));
  } catch (const json::exception& e) {
    throw InputError("HiFi-GAN config " + path.string() + " is not valid: " + e.what());
  }
}

json HifiGanConfig::to_json() const {
  return {{"architectures", json::array({"SpeechT5HifiGan"})},
          {"model_type", "hifigan"},
          {"model_in_dim", model_in_dim},
          {"sampling_rate", sampling_rate},
          {"upsample_initial_channel", upsample_initial_channel},
          {"upsample_rates", upsample_rates},
          {"upsample_kernel_sizes", upsample_kernel_sizes},
          {"resblock_kernel_sizes", resblock_kernel_sizes},
          {"resblock_dilation_sizes", resblock_dilation_sizes},
          {"leaky_relu_slope", leaky_relu_slope},
          {"normalize_before", normalize_before}};
}

HifiGanConfig HifiGanConfig::detect_from_weights(const ShapeMap& shapes, const HifiGanHints& hints) {
  HifiGanConfig c;
  const auto& pre = shape_at(shapes, "conv_pre.weight");  // [initial, model_in_dim, 7]
  c.model_in_dim = pre.at(1);
  c.upsample_initial_channel = pre.at(0);
  const int64_t levels = count_indexed(shapes, "upsampler.", ".weight");
  if (levels == 0) throw ModelError("cannot infer the HiFi-GAN architecture: no upsampler.0.weight");
  c.upsample_kernel_sizes.clear();
  for (int64_t i = 0; i < levels; ++i)
    c.upsample_kernel_sizes.push_back(shape_at(shapes, "upsampler." + std::to_string(i) + ".weight").at(2));
  const int64_t blocks = count_indexed(shapes, "resblocks.", ".convs1.0.weight");
  if (blocks == 0 || blocks % levels != 0)
    throw ModelError("cannot infer the HiFi-GAN architecture: " + std::to_string(blocks) + " resblocks for " +
                     std::to_string(levels) + " upsamplers");
  c.resblock_kernel_sizes.clear();
  for (int64_t j = 0; j < blocks / levels; ++j)
    c.resblock_kernel_sizes.push_back(shape_at(shapes, "resblocks." + std::to_string(j) + ".convs1.0.weight").at(2));
  // Rates and dilations are not in the weights; the hints must at least have their counts.
  if (hints.upsample_rates.size() != static_cast<size_t>(levels))
    throw ModelError("HiFi-GAN weights have " + std::to_string(levels) + " upsamplers but the hints give " +
                     std::to_string(hints.upsample_rates.size()) + " upsample rates");
  if (hints.resblock_dilation_sizes.size() != c.resblock_kernel_sizes.size())
    throw ModelError("HiFi-GAN weights have " + std::to_string(c.resblock_kernel_sizes.size()) +
                     " resblocks per level but the hints give " + std::to_string(hints.resblock_dilation_sizes.size()) +
                     " dilation lists");
  for (size_t j = 0; j < c.resblock_kernel_sizes.size(); ++j) {
    const auto convs = count_indexed(shapes, "resblocks." + std::to_string(j) + ".convs1.", ".weight");
    if (static_cast<size_t>(convs) != hints.resblock_dilation_sizes[j].size())
      throw ModelError("HiFi-GAN resblock " + std::to_string(j) + " has " + std::to_string(convs) +
                       " dilated convolutions but the hints give " +
                       list_string(hints.resblock_dilation_sizes[j]));
  }
  c.upsample_rates = hints.upsample_rates;
  c.resblock_dilation_sizes = hints.resblock_dilation_sizes;
  c.leaky_relu_slope = hints.leaky_relu_slope;
  c.normalize_before = hints.normalize_before;
  c.sampling_rate = hints.sampling_rate;
  c.validate();
  return c;
}

}  // namespace gen::nn
