#include "shapes_data.h"

#include <fstream>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/safetensors.h>

namespace image_ldm {

namespace fs = std::filesystem;

ShapesData ShapesData::load(const fs::path& dir, const std::string& split) {
  const auto images_path = dir / (split + ".safetensors"), meta_path = dir / (split + ".jsonl");
  if (!fs::exists(images_path) || !fs::exists(meta_path))
    throw gen::InputError("no shapes dataset in " + dir.string() + " (expected " + split + ".safetensors and " +
                          split + ".jsonl; make one with `gen data image -o " + dir.string() + "`)");
  ShapesData d;
  auto tensors = gen::load_safetensors(images_path);
  auto it = tensors.find("images");
  if (it == tensors.end() || it->second.dim() != 4 || it->second.size(3) != 3 ||
      it->second.scalar_type() != torch::kUInt8)
    throw gen::InputError(images_path.string() + " has no uint8 'images' tensor [N, H, W, 3]");
  d.images_ = it->second.contiguous();
  std::ifstream in(meta_path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      auto j = nlohmann::json::parse(line);
      gen::image::ShapeScene s;
      s.shape = j.at("shape");
      s.color = j.at("color");
      s.size = j.at("size");
      s.position = j.at("position");
      s.background = j.at("background");
      s.count = j.at("count");
      d.scenes_.push_back(s);
    } catch (const nlohmann::json::exception& e) {
      throw gen::InputError(meta_path.string() + ": line " + std::to_string(d.scenes_.size() + 1) + ": " + e.what());
    }
  }
  if (static_cast<int64_t>(d.scenes_.size()) != d.images_.size(0))
    throw gen::InputError(meta_path.string() + " has " + std::to_string(d.scenes_.size()) + " entries for " +
                          std::to_string(d.images_.size(0)) + " images");
  return d;
}

torch::Tensor ShapesData::draw(int64_t batch, at::Generator& generator) const {
  return torch::randint(size(), {batch}, generator, torch::kLong);
}

torch::Tensor ShapesData::images(const torch::Tensor& indices) const {
  return images_.index({indices}).permute({0, 3, 1, 2}).to(torch::kFloat32).div(127.5).sub(1.0).contiguous();
}

std::vector<std::string> ShapesData::captions(const torch::Tensor& indices, at::Generator& generator) const {
  auto phrasing = torch::randint(gen::image::caption_phrasings(), {indices.size(0)}, generator, torch::kLong);
  std::vector<std::string> out;
  for (int64_t i = 0; i < indices.size(0); ++i)
    out.push_back(gen::image::caption_scene(scene(indices[i].item<int64_t>()), static_cast<int>(phrasing[i].item<int64_t>())));
  return out;
}

std::vector<std::string> caption_words() {
  using namespace gen::image;
  std::set<std::string> words;
  // The CLIP pre-tokenizer's split for ASCII lower-case text: letter runs, single
  // digits, runs of other non-space characters.
  static const std::regex piece("[a-z]+|[0-9]|[^\\sa-z0-9]+");
  for (int p = 0; p < caption_phrasings(); ++p)
    for (const auto& shape : shape_names())
      for (const auto& color : shape_colors())
        for (const auto& bg : background_colors())
          for (const auto& size : {"small", "large"})
            for (const auto& pos : shape_positions())
              for (int count = 1; count <= 3; ++count) {
                ShapeScene s;
                s.shape = shape, s.color = color, s.background = bg, s.size = size, s.position = pos, s.count = count;
                auto text = caption_scene(s, p);
                for (std::sregex_iterator m(text.begin(), text.end(), piece), end; m != end; ++m) words.insert(m->str());
              }
  return {words.begin(), words.end()};
}

}  // namespace image_ldm
