// The safetensors reader and writer: round trips, the golden files, and one test per
// kind of hostile file, each of which must be a clear gen::InputError.
#include <gen/error.h>
#include <gen/safetensors.h>

#include "test_util.h"

namespace fs = std::filesystem;

namespace {

// Builds a file from a header text and `data_bytes` bytes of data.
std::string file_bytes(const std::string& header, size_t data_bytes, uint64_t declared = UINT64_MAX) {
  const uint64_t n = declared == UINT64_MAX ? header.size() : declared;
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
  return s + header + std::string(data_bytes, '\x01');
}

std::string input_error(const std::string& bytes) {
  gen::test::TempDir dir;
  gen::test::write_text(dir / "t.safetensors", bytes);
  try {
    gen::load_safetensors(dir / "t.safetensors");
  } catch (const gen::InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("WRONG EXCEPTION TYPE: ") + e.what();
  }
  return "NO ERROR";
}

void expect_rejected(const std::string& bytes, const std::string& needle) {
  auto message = input_error(bytes);
  EXPECT_NE(message.find(needle), std::string::npos) << message;
  EXPECT_NE(message.find("t.safetensors"), std::string::npos) << message;
}

}  // namespace

TEST(SafeTensors, RoundTripEveryDtypeAndMetadata) {
  gen::test::TempDir dir;
  std::map<std::string, torch::Tensor> tensors{
      {"f32", torch::randn({2, 3})},
      {"f16", torch::randn({4}).to(torch::kFloat16)},
      {"bf16", torch::randn({1, 2}).to(torch::kBFloat16)},
      {"f64", torch::randn({3}, torch::kFloat64)},
      {"i64", torch::arange(5, torch::kLong)},
      {"i32", torch::arange(3, torch::kInt)},
      {"u8", torch::randint(0, 255, {7}, torch::kUInt8)},
      {"b", torch::tensor({true, false})},
      {"empty", torch::zeros({0, 4})},
      {"noncontig", torch::randn({3, 4}).t()},
  };
  gen::save_safetensors(dir / "a.safetensors", tensors, {{"format", "pt"}, {"step", "3"}});
  auto file = gen::SafeTensorsFile::open(dir / "a.safetensors");
  EXPECT_EQ(file.metadata().at("step"), "3");
  auto back = gen::load_safetensors(dir / "a.safetensors");
  ASSERT_EQ(back.size(), tensors.size());
  for (const auto& [name, t] : tensors) {
    EXPECT_EQ(back[name].scalar_type(), t.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(back[name], t)) << name;
  }
  EXPECT_EQ(file.get("f16", torch::kFloat32).scalar_type(), torch::kFloat32);
  EXPECT_THROW(file.get("missing"), gen::ModelError);
  // The header is 8-byte aligned, as the format recommends.
  auto raw = gen::test::read_text(dir / "a.safetensors");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(raw[static_cast<size_t>(i)]);
  EXPECT_EQ(n % 8, 0u);
}

TEST(SafeTensors, ReadsGoldenFiles) {
  auto path = gen::test::golden_dir() / "vae" / "io.safetensors";
  ASSERT_TRUE(fs::exists(path)) << path;
  auto file = gen::SafeTensorsFile::open(path);
  EXPECT_EQ(file.info("image").shape, (std::vector<int64_t>{1, 3, 32, 32}));
  auto image = file.get("image");
  EXPECT_LE(image.max().item<float>(), 1.0f);
  EXPECT_GE(image.min().item<float>(), -1.0f);
  auto f16 = gen::test::golden_dir() / "sd_original" / "tiny_sd_original_f16.safetensors";
  ASSERT_TRUE(fs::exists(f16));
  auto sd = gen::SafeTensorsFile::open(f16);
  EXPECT_TRUE(sd.contains("cond_stage_model.transformer.text_model.embeddings.position_ids"));
}

TEST(SafeTensorsHostile, TooShortForTheLength) { expect_rejected("abc", "shorter than"); }

TEST(SafeTensorsHostile, HeaderLengthLargerThanFile) {
  expect_rejected(file_bytes("{}", 0, 4096), "larger than the file");
  expect_rejected(file_bytes("{}", 0, UINT64_MAX - 1), "absurdly large");
}

TEST(SafeTensorsHostile, HeaderNotJsonOrNotObject) {
  expect_rejected(file_bytes("{not json", 0), "not valid UTF-8 JSON");
  expect_rejected(file_bytes("[1, 2]", 0), "not a JSON object");
  expect_rejected(file_bytes("{\"a\": \"\xff\xfe\"}", 0), "not valid UTF-8 JSON");
}

TEST(SafeTensorsHostile, EntryMalformed) {
  expect_rejected(file_bytes(R"({"a": 3})", 0), "not an object");
  expect_rejected(file_bytes(R"({"a": {"dtype": "F32", "shape": [1]}})", 4), "no data_offsets");
  expect_rejected(file_bytes(R"({"a": {"dtype": "F32", "shape": 1, "data_offsets": [0, 4]}})", 4), "not an array");
  expect_rejected(file_bytes(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0]}})", 4), "[begin, end]");
  expect_rejected(file_bytes(R"({"__metadata__": {"k": 1}})", 0), "not a string");
}

TEST(SafeTensorsHostile, UnknownDtype) {
  expect_rejected(file_bytes(R"({"a": {"dtype": "F7", "shape": [1], "data_offsets": [0, 1]}})", 1), "unsupported dtype");
}

TEST(SafeTensorsHostile, NegativeAndOverflowingShapes) {
  expect_rejected(file_bytes(R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", 4), "non-negative");
  expect_rejected(
      file_bytes(R"({"a": {"dtype": "F32", "shape": [4294967296, 4294967296, 16], "data_offsets": [0, 4]}})", 4),
      "overflows");
  expect_rejected(file_bytes(R"({"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}})", 4), "non-negative");
}

TEST(SafeTensorsHostile, ShapeDoesNotMatchByteRange) {
  expect_rejected(file_bytes(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})", 4), "needs 8 bytes");
}

TEST(SafeTensorsHostile, OffsetsOutOfRangeReversedOverlappingOrGappy) {
  expect_rejected(file_bytes(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", 2), "truncated");
  expect_rejected(file_bytes(R"({"a": {"dtype": "U8", "shape": [0], "data_offsets": [4, 2]}})", 4), "reversed");
  expect_rejected(file_bytes(R"({"a": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]},
                                 "b": {"dtype": "U8", "shape": [4], "data_offsets": [2, 6]}})", 6), "overlaps");
  expect_rejected(file_bytes(R"({"a": {"dtype": "U8", "shape": [2], "data_offsets": [2, 4]}})", 4), "gap");
  expect_rejected(file_bytes(R"({"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}})", 5), "after the last");
}

TEST(SafeTensorsHostile, DuplicateKeys) {
  expect_rejected(file_bytes(R"({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},
                                 "a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}})", 1), "twice");
}

TEST(SafeTensorsHostile, TruncatedRealFile) {
  gen::test::TempDir dir;
  gen::save_safetensors(dir / "ok.safetensors", {{"w", torch::randn({16, 16})}});
  auto bytes = gen::test::read_text(dir / "ok.safetensors");
  for (size_t cut : {bytes.size() - 1, bytes.size() / 2, size_t{12}, size_t{8}, size_t{5}}) {
    auto message = input_error(bytes.substr(0, cut));
    EXPECT_NE(message.find("invalid safetensors file"), std::string::npos) << cut << ": " << message;
  }
}

TEST(SafeTensors, CopyCheckedNamesKeyAndBothShapes) {
  auto dst = torch::zeros({3, 4});
  gen::copy_checked(dst, torch::ones({3, 4}), "w");
  EXPECT_EQ(dst.sum().item<float>(), 12.0f);
  try {
    gen::copy_checked(dst, torch::ones({4, 3}), "down_blocks.0.conv.weight");
    FAIL();
  } catch (const gen::ModelError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("down_blocks.0.conv.weight"), std::string::npos) << m;
    EXPECT_NE(m.find("[4, 3]"), std::string::npos) << m;
    EXPECT_NE(m.find("[3, 4]"), std::string::npos) << m;
  }
}

TEST(SafeTensors, MissingFileIsInputError) {
  EXPECT_THROW(gen::SafeTensorsFile::open("/nonexistent/x.safetensors"), gen::InputError);
}
