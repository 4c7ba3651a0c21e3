// ClipTextEmbedder: pooled CLIP text states through text_projection, saved and loaded
// under transformers' names.
#include <gen/error.h>
#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/safetensors.h>

#include "test_util.h"

namespace {

gen::nn::ClipTextConfig tiny_config(int64_t vocab) {
  gen::nn::ClipTextConfig c;
  c.vocab_size = vocab;
  c.hidden_size = 32;
  c.intermediate_size = 64;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.max_position_embeddings = 16;
  return c;
}

}  // namespace

TEST(ClipTextEmbedder, ProjectsThePooledStateAndRoundTrips) {
  gen::test::TempDir dir;
  const int64_t vocab = gen::nn::write_clip_vocabulary(dir / "tokenizer", {"walks", "runs", "person"});
  auto tokenizer = gen::nn::ClipTokenizer::from_folder(dir / "tokenizer");
  torch::manual_seed(3);
  gen::nn::ClipTextEmbedder embedder(tiny_config(vocab), 24);
  embedder->eval();
  torch::NoGradGuard no_grad;
  auto e = embedder->embed(tokenizer, {"a person walks", "a person runs", "a person walks"});
  ASSERT_EQ(e.sizes(), (std::vector<int64_t>{3, 24}));
  EXPECT_TRUE(torch::allclose(e[0], e[2], 1e-6, 1e-6));
  EXPECT_GT((e[0] - e[1]).abs().max().item<float>(), 1e-4);

  auto names = embedder->named_parameters().keys();
  EXPECT_NE(std::find(names.begin(), names.end(), "text_projection.weight"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "text_model.final_layer_norm.weight"), names.end());

  gen::nn::save_clip_text_embedder(dir / "text_encoder", embedder);
  auto loaded = gen::nn::load_clip_text_embedder(dir / "text_encoder");
  EXPECT_EQ(loaded->projection_dim(), 24);
  auto again = loaded->embed(tokenizer, {"a person walks", "a person runs", "a person walks"});
  EXPECT_TRUE(torch::allclose(again, e, 1e-2, 1e-2));  // F16 weights on disk
}

TEST(ClipTextEmbedder, WithoutProjectionGivesThePooledState) {
  torch::manual_seed(4);
  gen::nn::ClipTextEmbedder embedder(tiny_config(600), 0);
  auto ids = torch::randint(0, 599, {2, 16}, torch::kLong);
  torch::NoGradGuard no_grad;
  EXPECT_EQ(embedder->forward(ids).size(1), 32);
  EXPECT_THROW(gen::nn::ClipTextEmbedder(tiny_config(600), -1), gen::ModelError);
}

// encode(): the per-token states a UNet attends to, and the same pooled vector as forward().
TEST(ClipTextEmbedder, EncodeGivesTheStatesAndThePooledVector) {
  torch::manual_seed(5);
  gen::nn::ClipTextEmbedder embedder(tiny_config(600), 24);
  embedder->eval();
  auto ids = torch::randint(0, 599, {3, 16}, torch::kLong);
  torch::NoGradGuard no_grad;
  const auto both = embedder->encode(ids);
  ASSERT_EQ(both.states.sizes(), (std::vector<int64_t>{3, 16, 32}));
  EXPECT_TRUE(torch::allclose(both.pooled, embedder->forward(ids), 1e-6, 1e-6));
  // The states differ per token: the UNet reads words, not one vector repeated.
  EXPECT_GT((both.states[0][1] - both.states[0][2]).abs().max().item<float>(), 1e-4);
}

TEST(ClipTextEmbedder, MismatchedTokenizerIsAModelError) {
  gen::test::TempDir dir;
  gen::nn::write_clip_vocabulary(dir / "tokenizer", {"walks"});
  auto tokenizer = gen::nn::ClipTokenizer::from_folder(dir / "tokenizer");
  gen::nn::ClipTextEmbedder embedder(tiny_config(100), 8);  // fewer tokens than the vocabulary
  EXPECT_THROW(embedder->embed(tokenizer, {"walks"}), gen::ModelError);
}

namespace {

// Caption words are split as the CLIP pre-tokenizer splits them, so each becomes one token.
TEST(ClipVocabulary, CaptionWordsAreWhatTheTokenizerSees) {
  const auto words = gen::nn::clip_words({"A piano playing F#4, loud.", "C4 on the Piano", "a beat at 120 bpm"});
  EXPECT_EQ(words, (std::vector<std::string>{"0", "1", "2", "4", "a", "at", "beat", "bpm", "c", "f", "loud", "on",
                                             "piano", "playing", "the"}));
  gen::test::TempDir dir;
  gen::nn::write_clip_vocabulary(dir / "tokenizer", words);
  const auto tokenizer = gen::nn::ClipTokenizer::from_folder(dir / "tokenizer");
  // f, #, 4: the note name is three tokens, the sharp a byte-level symbol; every word one.
  EXPECT_EQ(tokenizer.encode("F#4").size(), 3u);
  EXPECT_EQ(tokenizer.encode("piano playing").size(), 2u);
}

}  // namespace
