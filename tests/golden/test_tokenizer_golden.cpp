// ClipTokenizer against transformers 4.40's slow CLIPTokenizer with ftfy 6.1.1
// (golden/tokenizer): for every prompt the cleaned text, the BPE token strings, the
// token count, truncation and the ids padded with the folder's pad id (SD-1.x: EOS) and with 0
// (clip.tokenize). The number of prompts, the length and the special ids are the folder's
// (prompts.json). A missing file or prompt, or an unexpected format, fails the test.
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gen/nn/clip_tokenizer.h>

#include "nn_golden_util.h"

namespace {

std::filesystem::path tokenizer_dir() { return gen::test::golden_dir() / "tokenizer"; }

const nlohmann::json& golden() {
  static const nlohmann::json j = [] {
    const auto path = tokenizer_dir() / "prompts.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    return nlohmann::json::parse(in);
  }();
  return j;
}

const gen::nn::ClipTokenizer& tokenizer() {
  static const auto t = gen::nn::ClipTokenizer::from_folder(tokenizer_dir());
  return t;
}

// The folder's padding: input_ids are padded to max_length with pad_id.
gen::nn::ClipTokenizerOptions padding() {
  gen::nn::ClipTokenizerOptions o;
  o.max_length = golden().at("max_length").get<int>();
  o.pad_id = golden().at("pad_id").get<int64_t>();
  return o;
}

// Read when tests are registered; an unreadable folder registers no prompt, and then
// FolderHoldsTheExpectedCases (and gtest's check for an empty instantiation) fail.
int prompt_count() {
  try {
    return static_cast<int>(golden().at("prompts").size());
  } catch (const std::exception&) {
    return 0;
  }
}

struct GoldenPrompt {
  std::string text;
  std::string clean;
  std::vector<std::string> bpe_tokens;
  std::vector<int64_t> input_ids;       // padded with EOS
  std::vector<int64_t> input_ids_zero;  // padded with 0
  int64_t num_tokens = 0;
  bool truncated = false;
};

std::string from_hex(const std::string& hex) {
  if (hex.size() % 2) throw std::runtime_error("odd-length text_utf8_hex");
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// Reads prompt `index`, checking the fields this test relies on.
GoldenPrompt load_prompt(int index) {
  const auto& prompts = golden().at("prompts");
  if (!prompts.is_array() || static_cast<int>(prompts.size()) <= index)
    throw std::runtime_error("prompts.json has no prompt " + std::to_string(index));
  const auto& p = prompts.at(static_cast<size_t>(index));
  if (p.at("index").get<int>() != index) throw std::runtime_error("prompt " + std::to_string(index) + " is out of order");
  GoldenPrompt g;
  // The hex bytes are the ground truth; they also prove the JSON string (NUL, BEL, emoji) decoded intact.
  g.text = from_hex(p.at("text_utf8_hex").get<std::string>());
  if (g.text != p.at("text").get<std::string>()) throw std::runtime_error("text and text_utf8_hex disagree");
  g.clean = p.at("clean_text_hf_ftfy").get<std::string>();
  g.bpe_tokens = p.at("bpe_tokens").get<std::vector<std::string>>();
  g.input_ids = p.at("input_ids").get<std::vector<int64_t>>();
  g.input_ids_zero = p.at("openai_clip_tokenize_pads_with_zero").get<std::vector<int64_t>>();
  g.num_tokens = p.at("num_tokens").get<int64_t>();
  g.truncated = p.at("truncated").get<bool>();
  const auto length = static_cast<size_t>(padding().max_length);
  if (g.input_ids.size() != length || g.input_ids_zero.size() != length)
    throw std::runtime_error("prompt " + std::to_string(index) + ": id rows are not max_length long");
  return g;
}

TEST(TokenizerGolden, FolderHoldsTheExpectedCases) {
  const auto& j = golden();
  ASSERT_TRUE(j.at("prompts").is_array());
  EXPECT_GT(j.at("prompts").size(), 0u);
  EXPECT_EQ(j.at("summary").at("num_prompts").get<int>(), prompt_count()) << "every golden prompt must be tested";
  EXPECT_EQ(j.at("bos_id").get<int64_t>(), tokenizer().bos_id());
  EXPECT_EQ(j.at("eos_id").get<int64_t>(), tokenizer().eos_id());
  const auto vocab = gen::test::read_json(tokenizer_dir() / "vocab.json");
  EXPECT_EQ(tokenizer().vocab_size(), vocab.size());
}

// Facts of openai's CLIP vocabulary (the folder's tokenizer, README section 6) and of
// this tokenizer's SD-1.x defaults (77 ids, EOS padding), not of any prompt list.
TEST(TokenizerGolden, KnownIdsOfAPhotoOfACat) {
  const auto ids = tokenizer().encode_padded("a photo of a cat");
  ASSERT_EQ(ids.size(), 77u);
  const std::vector<int64_t> head = {49406, 320, 1125, 539, 320, 2368, 49407};
  EXPECT_EQ(std::vector<int64_t>(ids.begin(), ids.begin() + 7), head);
  for (size_t i = 7; i < ids.size(); ++i) EXPECT_EQ(ids[i], 49407) << "pad at " << i;
}

class TokenizerPrompt : public ::testing::TestWithParam<int> {};

TEST_P(TokenizerPrompt, MatchesTransformers) {
  GoldenPrompt g;
  ASSERT_NO_THROW(g = load_prompt(GetParam()));
  const auto& tok = tokenizer();
  EXPECT_EQ(tok.clean(g.text), g.clean);
  EXPECT_EQ(tok.bpe_tokens(g.text), g.bpe_tokens);
  const auto ids = tok.encode(g.text);
  EXPECT_EQ(static_cast<int64_t>(ids.size()), g.num_tokens);
  const auto pad = padding();
  EXPECT_EQ(ids.size() > static_cast<size_t>(pad.max_length - 2), g.truncated);
  EXPECT_EQ(tok.encode_padded(g.text, pad), g.input_ids);
  auto zero_pad = pad;
  zero_pad.pad_id = 0;
  EXPECT_EQ(tok.encode_padded(g.text, zero_pad), g.input_ids_zero);
}

INSTANTIATE_TEST_SUITE_P(Prompts, TokenizerPrompt, ::testing::Range(0, prompt_count()));

}  // namespace
