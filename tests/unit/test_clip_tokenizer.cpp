// ClipTokenizer beyond the golden prompts: chunking of long prompts, padding options,
// special tokens, merge order, ftfy behaviours (from ftfy's own documentation) and
// gen::InputError for missing or malformed vocab/merges files.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include <gen/error.h>
#include <gen/nn/clip_tokenizer.h>

#include "test_util.h"

namespace {

using gen::nn::ClipTokenizer;
using gen::nn::ClipTokenizerOptions;

constexpr int64_t kBos = 49406, kEos = 49407, kA = 320;  // "a</w>" is one token

const ClipTokenizer& tok() {
  static const auto t = ClipTokenizer::from_folder(gen::test::golden_dir() / "tokenizer");
  return t;
}

std::string repeat(const std::string& word, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? " " : "") + word;
  return out;
}

// Every chunk is BOS + its slice of encode(text) + EOS + padding, and the slices cover the prompt.
void expect_chunks_cover(const std::string& text, size_t expected_chunks, int64_t pad = kEos) {
  const auto ids = tok().encode(text);
  ClipTokenizerOptions o;
  o.pad_id = pad;
  const auto chunks = tok().encode_chunks(text, o);
  ASSERT_EQ(chunks.size(), expected_chunks);
  size_t taken = 0;
  for (const auto& c : chunks) {
    ASSERT_EQ(c.size(), 77u);
    const size_t n = std::min<size_t>(75, ids.size() - taken);
    EXPECT_EQ(c[0], kBos);
    EXPECT_TRUE(std::equal(c.begin() + 1, c.begin() + 1 + n, ids.begin() + taken));
    EXPECT_EQ(c[1 + n], kEos);
    EXPECT_TRUE(std::all_of(c.begin() + 2 + n, c.end(), [pad](int64_t id) { return id == pad; }));
    taken += n;
  }
  EXPECT_EQ(taken, ids.size());
}

TEST(ClipTokenizerChunks, LongPromptIsSplitIntoChunksOf75) {
  const auto text = repeat("a", 187);
  ASSERT_EQ(tok().encode(text).size(), 187u);
  expect_chunks_cover(text, 3);  // 75 + 75 + 37
  expect_chunks_cover(text, 3, 0);
}

TEST(ClipTokenizerChunks, MixedWordsKeepTheirOrderAcrossChunks) {
  const auto text = repeat("a breathtaking matte painting of a floating city, golden hour,", 16);
  const size_t n = tok().encode(text).size();
  ASSERT_GT(n, 150u);
  expect_chunks_cover(text, (n + 74) / 75);
}

TEST(ClipTokenizerChunks, ShortAndEmptyPromptsGiveOneChunk) {
  EXPECT_EQ(tok().encode_chunks("a photo of a cat"),
            std::vector<std::vector<int64_t>>{tok().encode_padded("a photo of a cat")});
  const auto empty = tok().encode_chunks("");
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0][0], kBos);
  EXPECT_EQ(empty[0][1], kEos);
  expect_chunks_cover(repeat("a", 75), 1);
  expect_chunks_cover(repeat("a", 76), 2);
}

TEST(ClipTokenizerPadding, TruncatesAndPadsWithTheChosenId) {
  const auto ids = tok().encode_padded(repeat("a", 80));
  ASSERT_EQ(ids.size(), 77u);
  EXPECT_EQ(ids[75], kA);
  EXPECT_EQ(ids[76], kEos);
  ClipTokenizerOptions sd2;
  sd2.pad_id = 0;
  sd2.max_length = 10;
  EXPECT_EQ(tok().encode_padded("a cat", sd2), (std::vector<int64_t>{kBos, kA, 2368, kEos, 0, 0, 0, 0, 0, 0}));
  ClipTokenizerOptions too_short;
  too_short.max_length = 2;
  EXPECT_THROW(tok().encode_padded("a", too_short), gen::UsageError);
  EXPECT_THROW(tok().encode_chunks("a", too_short), gen::UsageError);
}

TEST(ClipTokenizerSpecials, LiteralSpecialTokensAreSplitOffBeforeCleaning) {
  // transformers splits on the exact special strings first, so "!" stays a word of its own.
  EXPECT_EQ(tok().bpe_tokens("!<|endoftext|>"), (std::vector<std::string>{"!</w>", "<|endoftext|>"}));
  // Spelled in capitals it is found by the case-insensitive regex after lowercasing.
  EXPECT_EQ(tok().encode("a <|ENDOFTEXT|>"), (std::vector<int64_t>{kA, kEos}));
  EXPECT_EQ(tok().encode("<|startoftext|>"), (std::vector<int64_t>{kBos}));
}

// Expected values are the examples in ftfy's documentation (fixes.py docstrings).
TEST(ClipTokenizerClean, FtfyRepairs) {
  EXPECT_EQ(tok().clean("P&EACUTE;REZ"), "p\u00e9rez");
  EXPECT_EQ(tok().clean("BUNDESSTRA&SZLIG;E"), "bundesstrasse");
  EXPECT_EQ(tok().clean("&amp;amp; &#x41;&#66;"), "& ab");  // repeated until stable; numeric references
  EXPECT_EQ(tok().clean("<b>&amp;</b>"), "<b>&amp;</b>");  // a literal '<': probably real HTML, left alone
  EXPECT_EQ(tok().clean("\x1b[36;44mI'm blue\x1b[0m"), "i'm blue");
  EXPECT_EQ(tok().clean("\uFB02u\uFB03e\uFB06"), "fluffiest");
  EXPECT_EQ(tok().clean("\uFF2C\uFF2F\uFF35\uFF24\u3000\uFF2E\uFF2F\uFF29\uFF33\uFF25\uFF33"), "loud noises");
  EXPECT_EQ(tok().clean("\u201chere\u2019s a test\u201d"), "\"here's a test\"");
  EXPECT_EQ(tok().clean("caf\u00c3\u0192\u00c2\u00a9"), "caf\u00e9");  // mojibake applied twice
  EXPECT_EQ(tok().clean("\u201cCAF\u00c9\u201d"), "\"caf\u00e9\"");    // legitimate text is kept
  EXPECT_EQ(tok().clean("e\u0301"), "\u00e9");
  EXPECT_EQ(tok().clean(" a\u00a0\u2003b\r\n\u2028c "), "a b c");
  EXPECT_EQ(tok().clean("bad \xff utf8"), "bad \ufffd utf8");
}

// A hand-made vocabulary: the lowest-ranked pair merges first, unknown tokens become EOS.
TEST(ClipTokenizerBpe, MergesByRank) {
  gen::test::TempDir dir;
  gen::test::write_text(dir / "vocab.json",
                        R"({"a": 0, "b": 1, "c</w>": 2, "bc</w>": 3, "abc</w>": 4, "<|startoftext|>": 5, "<|endoftext|>": 6})");
  gen::test::write_text(dir / "merges.txt", "#version: 0.2\nb c</w>\na b\na bc</w>\n");
  const auto t = ClipTokenizer::from_folder(dir.path());
  EXPECT_EQ(t.bpe_tokens("abc"), (std::vector<std::string>{"abc</w>"}));
  EXPECT_EQ(t.encode("abc"), (std::vector<int64_t>{4}));
  gen::test::write_text(dir / "merges.txt", "#version: 0.2\na b\nb c</w>\na bc</w>\n");
  const auto other = ClipTokenizer::from_folder(dir.path());
  EXPECT_EQ(other.bpe_tokens("abc"), (std::vector<std::string>{"ab", "c</w>"}));
  EXPECT_EQ(other.encode("abc"), (std::vector<int64_t>{6, 2}));
  EXPECT_EQ(other.vocab_size(), 7u);
}

TEST(ClipTokenizerBpe, ConcurrentUseGivesTheSameIds) {
  const std::vector<std::string> texts = {"a photo of a cat", "caf\u00e9 cr\u00e8me", "steampunk robot, 35mm"};
  std::vector<std::vector<int64_t>> want;
  for (const auto& t : texts) want.push_back(tok().encode(t));
  std::vector<int> bad(2, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 2; ++k)
    threads.emplace_back([&, k] {
      for (int i = 0; i < 200; ++i)
        for (size_t j = 0; j < texts.size(); ++j) bad[k] += tok().encode(texts[j]) != want[j];
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad, (std::vector<int>{0, 0}));
}

// ---- errors

template <typename F>
std::string tokenizer_input_error(F f) {
  try {
    f();
  } catch (const gen::InputError& e) {
    EXPECT_EQ(e.exit_code(), gen::kExitBadInput);
    return e.what();
  }
  ADD_FAILURE() << "no gen::InputError";
  return "";
}

class ClipTokenizerFiles : public ::testing::Test {
 protected:
  std::filesystem::path merges() const { return gen::test::golden_dir() / "tokenizer" / "merges.txt"; }
  std::filesystem::path vocab() const { return gen::test::golden_dir() / "tokenizer" / "vocab.json"; }
  std::string vocab_error(const std::string& content) {
    gen::test::write_text(dir / "vocab.json", content);
    return tokenizer_input_error([&] { ClipTokenizer::from_files(dir / "vocab.json", merges()); });
  }
  std::string merges_error(const std::string& content) {
    gen::test::write_text(dir / "merges.txt", content);
    return tokenizer_input_error([&] { ClipTokenizer::from_files(vocab(), dir / "merges.txt"); });
  }
  gen::test::TempDir dir;
};

TEST_F(ClipTokenizerFiles, MissingVocabNamesTheFile) {
  const auto msg = tokenizer_input_error([&] { ClipTokenizer::from_files(dir / "nope.json", merges()); });
  EXPECT_NE(msg.find("nope.json"), std::string::npos) << msg;
}

TEST_F(ClipTokenizerFiles, GarbledVocab) {
  EXPECT_NE(vocab_error("{\"a\": 1,, garbage").find("vocab.json is not valid JSON"), std::string::npos);
  EXPECT_NE(vocab_error("[1, 2]").find("JSON object"), std::string::npos);
  EXPECT_NE(vocab_error("{\"a\": \"one\", \"<|startoftext|>\": 1, \"<|endoftext|>\": 2}").find("'a'"),
            std::string::npos);
  EXPECT_NE(vocab_error("{\"a</w>\": 0}").find("<|startoftext|>"), std::string::npos);
  EXPECT_NE(vocab_error("").find("vocab.json"), std::string::npos);
}

TEST_F(ClipTokenizerFiles, MissingOrMalformedMerges) {
  auto msg = tokenizer_input_error([&] { ClipTokenizer::from_files(vocab(), dir / "merges.txt"); });
  EXPECT_NE(msg.find("merges.txt"), std::string::npos) << msg;
  msg = merges_error("#version: 0.2\ni n\na b c\n");
  EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
  msg = merges_error("#version: 0.2\n");
  EXPECT_NE(msg.find("no merges"), std::string::npos) << msg;
}

TEST_F(ClipTokenizerFiles, MissingFolder) {
  const auto msg = tokenizer_input_error([&] { ClipTokenizer::from_folder(dir / "tokenizer"); });
  EXPECT_NE(msg.find("tokenizer"), std::string::npos) << msg;
}

}  // namespace
