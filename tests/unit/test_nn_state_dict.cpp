// load_state_dict: a clean load copies (with dtype conversion); a missing key, an
// unexpected key or a shape mismatch is one gen::ModelError naming the key (and shapes).
#include <gtest/gtest.h>

#include <torch/nn/modules/linear.h>

#include <gen/error.h>
#include <gen/nn/original_layout.h>
#include <gen/nn/state_dict.h>
#include <gen/safetensors.h>

#include "test_util.h"

namespace {

struct Tiny : torch::nn::Module {
  torch::nn::Linear proj{nullptr};
  Tiny() { proj = register_module("proj", torch::nn::Linear(3, 2)); }
};

gen::nn::TensorMap good() {
  return {{"proj.weight", torch::ones({2, 3}, torch::kHalf)}, {"proj.bias", torch::zeros({2})}};
}

std::string load_error(const gen::nn::TensorMap& m, bool strict = true) {
  Tiny t;
  gen::nn::LoadOptions o;
  o.strict = strict;
  try {
    gen::nn::load_state_dict(t, m, o);
  } catch (const gen::ModelError& e) {
    EXPECT_EQ(e.exit_code(), gen::kExitModel);
    return e.what();
  }
  return "";
}

TEST(StateDict, CleanLoadConvertsDtype) {
  Tiny t;
  auto r = gen::nn::load_state_dict(t, good());
  EXPECT_EQ(r.loaded, 2u);
  EXPECT_EQ(t.proj->weight.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(t.proj->weight, torch::ones({2, 3})));
}

TEST(StateDict, MissingKeyIsNamed) {
  auto m = good();
  m.erase("proj.bias");
  EXPECT_NE(load_error(m).find("missing keys: proj.bias"), std::string::npos) << load_error(m);
  EXPECT_EQ(load_error(m, false), "");
}

TEST(StateDict, ShapeMismatchNamesKeyAndBothShapes) {
  auto m = good();
  m["proj.weight"] = torch::zeros({3, 3});
  const auto msg = load_error(m, false);
  EXPECT_NE(msg.find("proj.weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[3, 3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;
}

TEST(StateDict, UnexpectedKeyIsNamedButPositionIdsIgnored) {
  auto m = good();
  m["text_model.embeddings.position_ids"] = torch::arange(77).unsqueeze(0);
  EXPECT_EQ(load_error(m), "");
  m["extra.weight"] = torch::zeros({1});
  EXPECT_NE(load_error(m).find("unexpected keys: extra.weight"), std::string::npos);
}

TEST(StateDict, NothingIsWrittenWhenTheLoadFails) {
  Tiny t;
  auto before = t.proj->weight.clone();
  auto m = good();
  m["proj.bias"] = torch::zeros({5});
  EXPECT_THROW(gen::nn::load_state_dict(t, m), gen::ModelError);
  EXPECT_TRUE(torch::equal(before, t.proj->weight));
}

TEST(StateDict, FromFileLoadsTensorByTensorWithTheSameChecks) {
  gen::test::TempDir dir;
  gen::save_safetensors(dir / "w.safetensors", good());
  auto file = gen::SafeTensorsFile::open(dir / "w.safetensors");
  Tiny t;
  EXPECT_EQ(gen::nn::load_state_dict(t, file).loaded, 2u);
  EXPECT_TRUE(torch::equal(t.proj->weight, torch::ones({2, 3})));
  // A tensor read twice (its file pages dropped after the first copy) reads the same.
  EXPECT_TRUE(torch::equal(file.get("proj.weight"), torch::ones({2, 3}, torch::kHalf)));
  auto bad = good();
  bad["proj.bias"] = torch::zeros({5});
  gen::save_safetensors(dir / "bad.safetensors", bad);
  Tiny u;
  const auto before = u.proj->weight.clone();
  EXPECT_THROW(gen::nn::load_state_dict(u, gen::SafeTensorsFile::open(dir / "bad.safetensors")), gen::ModelError);
  EXPECT_TRUE(torch::equal(before, u.proj->weight));  // validated before anything is written
}

TEST(StateDict, LazyFetchIsCalledOnlyForValidLoadsAndOncePerKey) {
  const auto tensors = good();
  std::map<std::string, int> fetched;
  auto fetch = [&](const std::string& key) {
    ++fetched[key];
    return tensors.at(key);
  };
  Tiny t;
  gen::nn::load_state_dict(t, gen::nn::shapes_of(tensors), fetch);
  EXPECT_EQ(fetched, (std::map<std::string, int>{{"proj.bias", 1}, {"proj.weight", 1}}));
  fetched.clear();
  auto shapes = gen::nn::shapes_of(tensors);
  shapes["proj.weight"] = {4, 4};
  EXPECT_THROW(gen::nn::load_state_dict(t, shapes, fetch), gen::ModelError);
  EXPECT_TRUE(fetched.empty());
}

TEST(OpenClip, FusedInProjectionIsSplitAndLastBlockDropped) {
  gen::nn::TensorMap m;
  const std::string p = "cond_stage_model.model.";
  m[p + "token_embedding.weight"] = torch::zeros({10, 4});
  m[p + "positional_embedding"] = torch::zeros({5, 4});
  m[p + "ln_final.weight"] = torch::ones({4});
  m[p + "ln_final.bias"] = torch::zeros({4});
  for (int i = 0; i < 2; ++i) {
    const std::string b = p + "transformer.resblocks." + std::to_string(i) + ".";
    m[b + "ln_1.weight"] = torch::ones({4});
    m[b + "attn.in_proj_weight"] = torch::arange(48, torch::kFloat).reshape({12, 4});
    m[b + "attn.in_proj_bias"] = torch::arange(12, torch::kFloat);
  }
  auto out = gen::nn::convert_open_clip(m);
  EXPECT_TRUE(out.count("text_model.encoder.layers.0.self_attn.k_proj.weight"));
  EXPECT_FALSE(out.count("text_model.encoder.layers.1.layer_norm1.weight"));
  EXPECT_EQ(out.at("text_model.encoder.layers.0.self_attn.v_proj.bias")[0].item<float>(), 8.0f);
}

}  // namespace
