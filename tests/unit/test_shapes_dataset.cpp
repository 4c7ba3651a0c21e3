// The shapes dataset: rendering puts the right colours in the right places, the
// held-out pairs never leak into training, captions name what is drawn, and the
// whole dataset is a pure function of its seed.
#include <gen/image/image_io.h>
#include <gen/shapes/shapes_dataset.h>
#include <gen/safetensors.h>

#include "test_util.h"

namespace fs = std::filesystem;
using gen::shapes::ShapeScene;

namespace {
ShapeScene centred(const std::string& shape, const std::string& color, const std::string& background) {
  ShapeScene s;
  s.shape = shape;
  s.color = color;
  s.background = background;
  s.position = "centre";
  s.size = "large";
  s.radius = 0.3;
  s.centres = {{0.5, 0.5}};
  return s;
}
std::vector<int> rgb_at(const gen::image::Image& img, int y, int x) {
  auto p = img.pixels[y][x];
  return {p[0].item<int>(), p[1].item<int>(), p[2].item<int>()};
}
}  // namespace

TEST(ShapesDataset, RendersShapeColourOverBackgroundWithAntialiasing) {
  for (const auto& shape : gen::shapes::shape_names()) {
    auto img = gen::shapes::render_scene(centred(shape, "red", "blue"), 64);
    EXPECT_EQ(img.height(), 64);
    EXPECT_EQ(rgb_at(img, 1, 1), (std::vector<int>{40, 80, 220})) << shape;  // corner: background
    // Every shape covers the point just above the centre (rings' centre is empty).
    EXPECT_EQ(rgb_at(img, shape == "ring" ? 13 : 28, 32), (std::vector<int>{220, 30, 30})) << shape;
    auto red = img.pixels.select(2, 0).to(torch::kInt);
    auto mixed = ((red > 40) & (red < 220)).sum().item<int>();
    EXPECT_GT(mixed, 0) << shape << ": edges should be anti-aliased";
  }
  // Shapes differ from each other.
  auto circle = gen::shapes::render_scene(centred("circle", "red", "blue"), 64).pixels;
  auto square = gen::shapes::render_scene(centred("square", "red", "blue"), 64).pixels;
  auto star = gen::shapes::render_scene(centred("star", "red", "blue"), 64).pixels;
  EXPECT_FALSE(torch::equal(circle, square));
  EXPECT_FALSE(torch::equal(circle, star));
  // A star covers less than its circumscribed circle.
  EXPECT_LT((star.select(2, 0) > 128).sum().item<int>(), (circle.select(2, 0) > 128).sum().item<int>());
}

TEST(ShapesDataset, HeldOutPairsStayOutOfTraining) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 3000; ++i) {
    auto s = gen::shapes::random_scene(rng, false);
    ASSERT_FALSE(gen::shapes::is_heldout_pair(s.shape, s.color)) << s.shape << " " << s.color;
    ASSERT_NE(s.color, s.background);
    ASSERT_EQ(static_cast<int>(s.centres.size()), s.count);
  }
  for (int i = 0; i < 300; ++i) {
    auto s = gen::shapes::random_scene(rng, true);
    ASSERT_TRUE(gen::shapes::is_heldout_pair(s.shape, s.color));
  }
}

TEST(ShapesDataset, CaptionsNameColourShapeCountAndBackground) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 200; ++i) {
    auto s = gen::shapes::random_scene(rng, false);
    for (int p = 0; p < gen::shapes::caption_phrasings(); ++p) {
      auto c = gen::shapes::caption_scene(s, p);
      EXPECT_NE(c.find(s.color + " "), std::string::npos) << c;
      EXPECT_NE(c.find(s.shape == "cross" && s.count > 1 ? "crosses" : s.shape), std::string::npos) << c;
      EXPECT_NE(c.find(s.background + " background"), std::string::npos) << c;
      const std::vector<std::string> counts{"", "a", "two", "three"};
      const std::string first_word = c.substr(0, c.find(' '));
      const bool count_ok = c.find(counts[s.count] + " ") == 0 || c.find(" with " + counts[s.count] + " ") != std::string::npos ||
                            (s.count == 1 && (first_word == "an" || c.find(" with an ") != std::string::npos));
      EXPECT_TRUE(count_ok) << c;
    }
  }
  auto s = centred("circle", "red", "blue");
  EXPECT_EQ(gen::shapes::caption_scene(s, 3), "a red circle on a blue background");  // the README prompt's form
}

TEST(ShapesDataset, WrittenDatasetIsDeterministicAndComplete) {
  gen::test::TempDir dir;
  gen::shapes::ShapesDatasetOptions o;
  o.train_count = 40;
  o.heldout_count = 10;
  o.seed = 5;
  gen::shapes::write_shapes_dataset(dir / "a", o, {});
  gen::shapes::write_shapes_dataset(dir / "b", o, {});
  for (const char* f : {"train.safetensors", "train.jsonl", "heldout.safetensors", "heldout.jsonl"})
    EXPECT_EQ(gen::test::read_text(dir / "a" / f), gen::test::read_text(dir / "b" / f)) << f;
  auto images = gen::load_safetensors(dir / "a" / "train.safetensors").at("images");
  EXPECT_EQ(images.sizes(), (std::vector<int64_t>{40, 64, 64, 3}));
  auto lines = gen::test::nonempty_lines(gen::test::read_text(dir / "a" / "heldout.jsonl"));
  ASSERT_EQ(lines.size(), 10u);
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(gen::shapes::is_heldout_pair(j["shape"], j["color"])) << line;
  }
  EXPECT_TRUE(fs::exists(dir / "a" / "preview.png"));
  EXPECT_TRUE(fs::exists(dir / "a" / "dataset.json"));
  o.seed = 6;
  gen::shapes::write_shapes_dataset(dir / "c", o, {});
  EXPECT_NE(gen::test::read_text(dir / "a" / "train.jsonl"), gen::test::read_text(dir / "c" / "train.jsonl"));
}
