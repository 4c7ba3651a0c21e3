// ClipContrastiveTask: a text tower and a data encoder trained together until captions
// retrieve their items; caption_retrieval's ranks; phrasings drawn only when there is a choice.
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/nn/modules/linear.h>

#include <gen/error.h>
#include <gen/nn/clip_contrastive_task.h>
#include <gen/nn/clip_vocabulary.h>

#include "test_util.h"

namespace {

const std::vector<std::string> kWords = {"red", "green", "blue", "circle", "square", "star"};

struct Setup {
  gen::nn::ClipTextEmbedder text{nullptr};
  gen::nn::ClipTokenizer tokenizer;
  torch::nn::Linear linear{nullptr};
  gen::nn::ItemEncoder encoder;
  torch::Tensor items = torch::eye(6);  // item i: one-hot i, captioned "a <word i>"
  std::vector<std::vector<std::string>> captions;
};

Setup setup(const gen::test::TempDir& dir) {
  gen::nn::write_clip_vocabulary(dir / "tokenizer", kWords);
  Setup s{nullptr, gen::nn::ClipTokenizer::from_folder(dir / "tokenizer")};
  torch::manual_seed(5);
  s.text = gen::nn::ClipTextEmbedder(gen::nn::word_clip_text_config(static_cast<int64_t>(s.tokenizer.vocab_size()), 32, 1, 4, 8), 16);
  s.linear = torch::nn::Linear(6, 16);
  auto linear = s.linear;
  s.encoder = {linear.ptr(), [linear](const torch::Tensor& x) mutable { return linear(x); }};
  for (const auto& w : kWords) s.captions.push_back({"a " + w});
  s.captions[5].push_back("one " + kWords[5]);  // a second phrasing
  return s;
}

}  // namespace

TEST(ClipContrastiveTask, TrainsCaptionsToRetrieveTheirItems) {
  gen::test::TempDir dir;
  auto s = setup(dir);
  s.text->eval();
  const auto before = gen::nn::caption_retrieval(s.text, s.tokenizer, s.encoder, s.items, s.captions);
  EXPECT_EQ(before["pool"], 6);
  EXPECT_EQ(before["captions"], 6);
  EXPECT_LT(before["top1"].get<double>(), 0.9);

  gen::nn::ClipContrastiveTask task(s.text, s.tokenizer, s.encoder, s.items, s.captions, 6);
  gen::TrainerConfig config;
  config.process = "custom";
  config.cond_dropout = 0;
  config.steps = 150;
  config.optimizer.lr = 1e-2;
  config.warmup_steps = 5;
  config.seed = 3;
  s.text->train();
  gen::Trainer trainer(task, config, torch::Tensor());
  std::vector<double> losses;
  for (int i = 0; i < 150; ++i) losses.push_back(trainer.train_step());
  double late = 0;
  for (size_t i = losses.size() - 20; i < losses.size(); ++i) late += losses[i] / 20;
  EXPECT_LT(late, 0.6 * losses[0]);  // a batch repeats items, so the loss floor is not 0
  s.text->eval();
  const auto after = gen::nn::caption_retrieval(s.text, s.tokenizer, s.encoder, s.items, s.captions);
  EXPECT_DOUBLE_EQ(after["top1"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(after["top3"].get<double>(), 1.0);

  // The parameters: the temperature, the tower's and the encoder's, named apart.
  const auto params = task.parameters();
  EXPECT_EQ(params.front().first, "log_scale");
  EXPECT_EQ(params.back().first, "items.bias");
}

TEST(ClipContrastiveTask, RetrievalCountsRepeatedCaptionsAsRight) {
  gen::test::TempDir dir;
  auto s = setup(dir);
  s.text->eval();
  torch::NoGradGuard no_grad;
  // Items 0 and 1 share a caption; item 1's feature is that caption's embedding itself,
  // so the first query scores item 1 above its own item 0: still right, as the same caption.
  const auto red = s.text->embed(s.tokenizer, {"a red"})[0], blue = s.text->embed(s.tokenizer, {"a blue"})[0];
  const auto features = torch::stack({red + 0.3 * blue, red, blue});
  const gen::nn::ItemEncoder lookup{s.linear.ptr(), [features](const torch::Tensor& x) { return x.mm(features); }};
  const auto r = gen::nn::caption_retrieval(s.text, s.tokenizer, lookup, torch::eye(3), {{"a red"}, {"a red"}, {"a blue"}});
  EXPECT_EQ(r["pool"], 3);
  EXPECT_DOUBLE_EQ(r["top1"].get<double>(), 1.0);
  // With a third caption item 1 is wrong for query 0: rank 1.
  const auto other = gen::nn::caption_retrieval(s.text, s.tokenizer, lookup, torch::eye(3), {{"a red"}, {"a green"}, {"a blue"}});
  EXPECT_LT(other["top1"].get<double>(), 1.0);
  EXPECT_TRUE(gen::nn::caption_retrieval(s.text, s.tokenizer, s.encoder, torch::zeros({0, 6}), {})["top1"].is_null());
}

TEST(ClipContrastiveTask, DrawsAPhrasingOnlyWhenThereIsAChoice) {
  gen::test::TempDir dir;
  auto s = setup(dir);
  auto generator = at::detail::createCPUGenerator(1);
  gen::nn::ClipContrastiveTask several(s.text, s.tokenizer, s.encoder, s.items, s.captions, 4);
  const auto b = several.next_batch(1, generator);
  EXPECT_EQ(b.x0.sizes(), (std::vector<int64_t>{4, 6}));
  EXPECT_TRUE(b.cond.extra.count("phrasing"));
  EXPECT_TRUE(several.custom_loss(b, generator).isfinite().item<bool>());

  s.captions[5].pop_back();
  gen::nn::ClipContrastiveTask one(s.text, s.tokenizer, s.encoder, s.items, s.captions, 4);
  EXPECT_FALSE(one.next_batch(1, generator).cond.extra.count("phrasing"));

  EXPECT_THROW(gen::nn::ClipContrastiveTask(s.text, s.tokenizer, s.encoder, s.items.narrow(0, 0, 5), s.captions, 4),
               gen::Error);
  s.captions[2].clear();
  EXPECT_THROW(gen::nn::ClipContrastiveTask(s.text, s.tokenizer, s.encoder, s.items, s.captions, 4), gen::Error);
}
