// MDM's trans_enc motion transformer against GuyTevet/motion-diffusion-model (golden/mdm):
// model.safetensors holds MDM's own state_dict, io.safetensors the inputs, MDM's
// intermediates and its outputs with and without the text, with CFG and with mask_frames.
// The architecture comes from the weights' shapes (heads: MDM's hard-coded 4) and is
// checked against the case's info.json, never written here.
#include <gtest/gtest.h>

#include <iostream>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/nn/mdm.h>
#include <gen/nn/state_dict.h>
#include <gen/safetensors.h>

#include "nn_golden_util.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::all_close;
using gen::test::io_at;
using gen::test::read_json;

// Prints the errors the final report quotes; the pass/fail decision is all_close's.
void print_mdm_errors(const std::string& what, const torch::Tensor& got, const torch::Tensor& want) {
  auto diff = (got.detach().to(torch::kFloat64) - want.detach().to(torch::kFloat64)).abs();
  const double used = (diff / (gen::test::kNetAtol + gen::test::kNetRtol * want.to(torch::kFloat64).abs())).max().item<double>();
  std::cout << "[mdm] " << what << ": max abs error " << diff.max().item<double>()
            << ", worst |diff| / (atol + rtol |want|) = " << used << "\n";
}

class MdmGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    info = read_json(case_dir() / "info.json");
    io = gen::test::load_io("mdm");
    model = gen::nn::load_mdm(weights_file());
  }
  static fs::path case_dir() { return gen::test::golden_dir() / "mdm"; }
  static fs::path weights_file() { return case_dir() / "model.safetensors"; }

  const torch::Tensor& x() const { return io_at(io, "x"); }
  const torch::Tensor& t() const { return io_at(io, "timesteps"); }
  torch::Tensor text() const { return io_at(io, "text_embed")[0]; }  // MDM's [1, B, 512]
  torch::Tensor frame_mask() const {  // MDM's y['mask'] [B, 1, 1, F] -> [B, F]
    const auto& m = io_at(io, "mask");
    return m.reshape({m.size(0), m.size(3)}).to(torch::kBool);
  }
  torch::Tensor all_rows(bool value) const { return torch::full({x().size(0)}, value, torch::kBool); }

  // The same weights with mask_frames set: built from the config, loaded name for name.
  gen::nn::MdmTransformer mask_frames_model() const {
    auto config = model->config();
    config.mask_frames = true;
    gen::nn::MdmTransformer m(config);
    gen::nn::load_state_dict(*m, gen::load_safetensors(weights_file()));
    m->eval();
    return m;
  }

  nlohmann::json info;
  std::map<std::string, torch::Tensor> io;
  gen::nn::MdmTransformer model{nullptr};
  torch::NoGradGuard no_grad;
};

TEST_F(MdmGolden, DetectedConfigIsTheCasesConfig) {
  const auto& kw = info.at("mdm_kwargs");
  const auto& c = model->config();
  EXPECT_EQ(c.njoints, kw.at("njoints").get<int64_t>());
  EXPECT_EQ(c.nfeats, kw.at("nfeats").get<int64_t>());
  EXPECT_EQ(c.latent_dim, kw.at("latent_dim").get<int64_t>());
  EXPECT_EQ(c.layers, kw.at("num_layers").get<int64_t>());
  EXPECT_EQ(c.ff_size, kw.at("ff_size").get<int64_t>());
  EXPECT_EQ(c.num_heads, kw.at("num_heads").get<int64_t>());
  EXPECT_EQ(c.pos_embed_max_len, kw.at("pos_embed_max_len").get<int64_t>());
  EXPECT_EQ(c.activation, kw.at("activation").get<std::string>());
  EXPECT_FALSE(c.mask_frames);
}

// Every registered tensor carries MDM's name and shape, and nothing else is registered.
TEST_F(MdmGolden, TensorNamesAndShapesAreMdms) {
  gen::nn::ShapeMap ours;
  for (const auto& p : model->named_parameters()) ours[p.key()] = p.value().sizes().vec();
  for (const auto& b : model->named_buffers()) ours[b.key()] = b.value().sizes().vec();
  gen::nn::ShapeMap want;
  for (const auto& [key, shape] : info.at("state_dict_keys").items()) want[key] = shape.get<std::vector<int64_t>>();
  EXPECT_EQ(ours, want);
  int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();
  EXPECT_EQ(params, info.at("num_params").get<int64_t>());
}

TEST_F(MdmGolden, PositionTableEqualsTheStoredOne) {
  const auto stored = gen::load_safetensors(weights_file());
  EXPECT_TRUE(all_close(model->sequence_pos_encoder_->pe, stored.at("sequence_pos_encoder.pe"), 1e-6, 1e-6));
  EXPECT_TRUE(all_close(model->embed_timestep_->sequence_pos_encoder->pe,
                        stored.at("embed_timestep.sequence_pos_encoder.pe"), 1e-6, 1e-6));
}

TEST_F(MdmGolden, IntermediatesMatchMdm) {
  // MDM's are sequence-first: [1, B, d] and [F, B, d].
  EXPECT_TRUE(all_close(model->embed_timestep(t()).unsqueeze(0), io_at(io, "time_emb")));
  EXPECT_TRUE(all_close(model->embed_text(text()).unsqueeze(0), io_at(io, "text_emb")));
  EXPECT_TRUE(all_close(model->input_process(x()).transpose(0, 1), io_at(io, "input_process")));
}

// The mask is passed and must be ignored: this model was built without mask_frames.
TEST_F(MdmGolden, ConditionalMatchesMdm) {
  const auto out = model(x(), t(), text(), frame_mask());
  print_mdm_errors("out_cond", out, io_at(io, "out_cond"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_cond")));
}

TEST_F(MdmGolden, UnconditionalMatchesMdm) {
  const auto out = model(x(), t(), text(), frame_mask(), all_rows(true));
  print_mdm_errors("out_uncond", out, io_at(io, "out_uncond"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_uncond")));
  EXPECT_FALSE(all_close(out, io_at(io, "out_cond")));
  EXPECT_TRUE(all_close(model->forward(x(), t(), text(), {}, all_rows(false)), io_at(io, "out_cond")));
}

// ClassifierFreeSampleModel's u + s (c - u), with both halves in one batched call.
TEST_F(MdmGolden, GuidedMatchesMdmsClassifierFreeSampler) {
  const int64_t B = x().size(0);
  const auto uncond = torch::cat({all_rows(false), all_rows(true)});
  const auto both = model->forward(x().repeat({2, 1, 1, 1}), t().repeat({2}), text().repeat({2, 1}), {}, uncond);
  const auto c = both.narrow(0, 0, B), u = both.narrow(0, B, B);
  const auto out = u + io_at(io, "cfg_scale").view({-1, 1, 1, 1}) * (c - u);
  print_mdm_errors("out_cfg", out, io_at(io, "out_cfg"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_cfg")));
}

TEST_F(MdmGolden, MaskFramesMatchesMdm) {
  auto masked = mask_frames_model();
  const auto cond = masked(x(), t(), text(), frame_mask());
  const auto uncond = masked(x(), t(), text(), frame_mask(), all_rows(true));
  print_mdm_errors("out_cond_mask_frames", cond, io_at(io, "out_cond_mask_frames"));
  print_mdm_errors("out_uncond_mask_frames", uncond, io_at(io, "out_uncond_mask_frames"));
  EXPECT_TRUE(all_close(cond, io_at(io, "out_cond_mask_frames")));
  EXPECT_TRUE(all_close(uncond, io_at(io, "out_uncond_mask_frames")));
  // Sample 1 has invalid frames, so its masked output differs from the unmasked one.
  EXPECT_FALSE(all_close(cond[1], io_at(io, "out_cond")[1]));
  EXPECT_TRUE(all_close(cond[0], io_at(io, "out_cond")[0]));
}

// Continuous-time samplers hand float timesteps; at integers they are MDM's rows.
TEST_F(MdmGolden, IntegerValuedFloatTimestepsMatchMdm) {
  EXPECT_TRUE(all_close(model(x(), t().to(torch::kFloat32), text()), io_at(io, "out_cond")));
  EXPECT_TRUE(all_close(model(x(), t().to(torch::kFloat64), text()), io_at(io, "out_cond")));
}

// The folder form (config.json + model.safetensors) gives the same network.
TEST_F(MdmGolden, FolderWithConfigMatchesMdm) {
  gen::test::TempDir dir;
  fs::copy_file(weights_file(), dir / "model.safetensors");
  gen::test::write_text(dir / "config.json", model->config().to_json().dump(2));
  auto from_folder = gen::nn::load_mdm(dir.path());
  EXPECT_EQ(from_folder->config().to_json(), model->config().to_json());
  EXPECT_TRUE(all_close(from_folder(x(), t(), text()), io_at(io, "out_cond")));
}

}  // namespace
