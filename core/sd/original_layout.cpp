#include <gen/nn/original_layout.h>

#include <sstream>
#include <vector>

#include <gen/error.h>

namespace gen::nn {
namespace {

std::vector<std::string> split(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream s(key);
  for (std::string p; std::getline(s, p, '.');) parts.push_back(p);
  return parts;
}

std::string join(const std::vector<std::string>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) out += (out.empty() ? "" : ".") + parts[i];
  return out;
}

[[noreturn]] void unknown(const char* part, const std::string& key) {
  throw ModelError(std::string("no original-layout name for ") + part + " key '" + key + "'");
}

// ResnetBlock2D member -> LDM ResBlock member.
std::string unet_resnet(const std::string& rest, const std::string& key) {
  static const std::map<std::string, std::string> names = {
      {"norm1", "in_layers.0"},  {"conv1", "in_layers.2"},  {"time_emb_proj", "emb_layers.1"},
      {"norm2", "out_layers.0"}, {"conv2", "out_layers.3"}, {"conv_shortcut", "skip_connection"}};
  const auto dot = rest.find('.');
  auto it = names.find(rest.substr(0, dot));
  if (it == names.end()) unknown("UNet", key);
  return it->second + rest.substr(dot);
}

std::string vae_resnet(const std::string& rest) {
  return rest.rfind("conv_shortcut.", 0) == 0 ? "nin_shortcut." + rest.substr(14) : rest;
}

std::string vae_attention(const std::string& rest, const std::string& key) {
  static const std::map<std::string, std::string> names = {
      {"group_norm", "norm"}, {"to_q", "q"}, {"to_k", "k"}, {"to_v", "v"}, {"to_out.0", "proj_out"}};
  for (const auto& [from, to] : names)
    if (rest.rfind(from + ".", 0) == 0) return to + rest.substr(from.size());
  unknown("VAE", key);
}

std::string vae_mid(const std::vector<std::string>& p, size_t at, const std::string& key) {
  // p[at] = "resnets" | "attentions", p[at+1] = index
  if (p[at] == "resnets") return "mid.block_" + std::to_string(std::stoi(p[at + 1]) + 1) + "." + vae_resnet(join(p, at + 2));
  if (p[at] == "attentions") return "mid.attn_1." + vae_attention(join(p, at + 2), key);
  unknown("VAE", key);
}

template <typename M>
std::map<std::string, std::string> map_all(M& module, const std::function<std::string(const std::string&)>& f) {
  std::map<std::string, std::string> out;
  for (const auto& p : module.named_parameters(true)) out[p.key()] = f(p.key());
  for (const auto& b : module.named_buffers(true)) out[b.key()] = f(b.key());
  return out;
}

}  // namespace

std::string unet_original_key(const std::string& key, const UNet2DConditionConfig& c) {
  const auto p = split(key);
  const int64_t per_level = c.layers_per_block + 1;
  auto idx = [&](size_t i) { return static_cast<int64_t>(std::stoll(p.at(i))); };
  std::string out;
  if (p.size() < 2) unknown("UNet", key);
  if (p[0] == "conv_in") out = "input_blocks.0.0." + join(p, 1);
  else if (p[0] == "time_embedding") out = std::string("time_embed.") + (p[1] == "linear_1" ? "0." : "2.") + join(p, 2);
  else if (p[0] == "conv_norm_out") out = "out.0." + join(p, 1);
  else if (p[0] == "conv_out") out = "out.2." + join(p, 1);
  else if (p[0] == "down_blocks" && p.size() > 4) {
    const int64_t i = idx(1);
    if (p[2] == "downsamplers") out = "input_blocks." + std::to_string((i + 1) * per_level) + ".0.op." + join(p, 5);
    else {
      const std::string block = "input_blocks." + std::to_string(1 + i * per_level + idx(3));
      out = p[2] == "resnets" ? block + ".0." + unet_resnet(join(p, 4), key) : block + ".1." + join(p, 4);
    }
  } else if (p[0] == "mid_block" && p.size() > 3) {
    const int64_t j = idx(2);
    out = p[1] == "resnets" ? "middle_block." + std::to_string(2 * j) + "." + unet_resnet(join(p, 3), key)
                            : "middle_block." + std::to_string(2 * j + 1) + "." + join(p, 3);
  } else if (p[0] == "up_blocks" && p.size() > 4) {
    const int64_t i = idx(1);
    if (p[2] == "upsamplers") {
      // The upsampler follows the resnet (and the attention, when the level has one).
      const int slot = c.up_has_attention(static_cast<size_t>(i)) ? 2 : 1;
      out = "output_blocks." + std::to_string(i * per_level + c.layers_per_block) + "." + std::to_string(slot) +
            ".conv." + join(p, 5);
    } else {
      const std::string block = "output_blocks." + std::to_string(i * per_level + idx(3));
      out = p[2] == "resnets" ? block + ".0." + unet_resnet(join(p, 4), key) : block + ".1." + join(p, 4);
    }
  } else {
    unknown("UNet", key);
  }
  return kOriginalUNetPrefix + out;
}

std::string vae_original_key(const std::string& key, const AutoencoderKLConfig& c) {
  const auto p = split(key);
  const int64_t levels = static_cast<int64_t>(c.block_out_channels.size());
  std::string out;
  if (p.size() < 2) unknown("VAE", key);
  if (p[0] == "quant_conv" || p[0] == "post_quant_conv") out = key;
  else if (p[0] == "encoder" || p[0] == "decoder") {
    const std::string& part = p[0];
    if (p[1] == "conv_in" || p[1] == "conv_out") out = key;
    else if (p[1] == "conv_norm_out") out = part + ".norm_out." + join(p, 2);
    else if (p[1] == "mid_block" && p.size() > 4) out = part + "." + vae_mid(p, 2, key);
    else if (p[1] == "down_blocks" && p.size() > 5) {
      const std::string level = part + ".down." + p[2];
      out = p[3] == "downsamplers" ? level + ".downsample." + join(p, 5)
                                   : level + ".block." + p[4] + "." + vae_resnet(join(p, 5));
    } else if (p[1] == "up_blocks" && p.size() > 5) {
      // LDM numbers decoder levels from the lowest resolution up: up_blocks.i = up.{L-1-i}.
      const std::string level = part + ".up." + std::to_string(levels - 1 - std::stoll(p[2]));
      out = p[3] == "upsamplers" ? level + ".upsample." + join(p, 5)
                                 : level + ".block." + p[4] + "." + vae_resnet(join(p, 5));
    } else {
      unknown("VAE", key);
    }
  } else {
    unknown("VAE", key);
  }
  return kOriginalVaePrefix + out;
}

std::string clip_original_key(const std::string& key) {
  if (key.rfind("text_model.", 0) != 0) unknown("CLIP", key);
  return kOriginalClipPrefix + key;
}

std::map<std::string, std::string> original_key_map(UNet2DConditionModelImpl& unet) {
  const auto& c = unet.config();
  return map_all(unet, [&](const std::string& k) { return unet_original_key(k, c); });
}

std::map<std::string, std::string> original_key_map(AutoencoderKLImpl& vae) {
  const auto& c = vae.config();
  return map_all(vae, [&](const std::string& k) { return vae_original_key(k, c); });
}

std::map<std::string, std::string> original_key_map(ClipTextModelImpl& clip) {
  return map_all(clip, [](const std::string& k) { return clip_original_key(k); });
}

}  // namespace gen::nn
