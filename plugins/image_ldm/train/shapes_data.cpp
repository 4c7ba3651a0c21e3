#include "shapes_data.h"

#include <regex>
#include <set>

namespace image_ldm {

namespace fs = std::filesystem;

ShapesData ShapesData::load(const fs::path& dir, const std::string& split) {
  auto parts = gen::shapes::read_shapes_split(dir, split);
  ShapesData d;
  d.images_ = parts.images;
  d.scenes_ = std::move(parts.scenes);
  return d;
}

torch::Tensor ShapesData::draw(int64_t batch, at::Generator& generator) const {
  return torch::randint(size(), {batch}, generator, torch::kLong);
}

torch::Tensor ShapesData::images(const torch::Tensor& indices) const {
  return images_.index({indices}).permute({0, 3, 1, 2}).to(torch::kFloat32).div(127.5).sub(1.0).contiguous();
}

std::vector<std::string> ShapesData::captions(const torch::Tensor& indices, at::Generator& generator) const {
  auto phrasing = torch::randint(gen::shapes::caption_phrasings(), {indices.size(0)}, generator, torch::kLong);
  std::vector<std::string> out;
  for (int64_t i = 0; i < indices.size(0); ++i)
    out.push_back(gen::shapes::caption_scene(scene(indices[i].item<int64_t>()), static_cast<int>(phrasing[i].item<int64_t>())));
  return out;
}

std::vector<std::string> caption_words() {
  using namespace gen::shapes;
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
