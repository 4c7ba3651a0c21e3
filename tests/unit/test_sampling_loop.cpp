// The sampling loop's contract: img2img starts at the right call, inpainting keeps the
// known region exactly, previews, cancellation, NaN detection, seeds, sampler names.
#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/gaussian_mixture.h>
#include <gen/sampler.h>
#include <gen/sampling.h>

namespace {

// Counts calls and optionally returns NaN from call `nan_at` on; predicts epsilon = 0.1 x.
class ProbeDenoiser : public gen::Denoiser {
 public:
  torch::Tensor predict(const torch::Tensor& x, const torch::Tensor& t, const gen::Conditioning&) override {
    timesteps.push_back(t[0].item<double>());
    if (nan_at >= 0 && calls++ >= nan_at) return torch::full_like(x, NAN);
    return 0.1 * x;
  }
  gen::PredictionType prediction_type() const override { return gen::PredictionType::epsilon; }
  int64_t nan_at = -1, calls = 0;
  std::vector<double> timesteps;
};

torch::Tensor latent(uint64_t seed) {
  gen::GeneratorNoise n(seed);
  return n.next(torch::empty({1, 4, 8, 8}));
}

TEST(SamplingLoop, Img2ImgRunsTheLastStrengthFractionOfTheSchedule) {
  ProbeDenoiser model;
  auto sampler = gen::make_sampler("ddim", gen::SchedulerConfig::stable_diffusion());
  gen::GeneratorNoise noise(1);
  gen::SamplingOptions o;
  o.steps = 20;
  o.init = latent(2);
  o.strength = 0.5;
  gen::sample(model, {}, *sampler, latent(3), noise, o);
  ASSERT_EQ(model.timesteps.size(), 10u);
  EXPECT_EQ(model.timesteps.front(), sampler->timesteps()[10].item<double>());
}

TEST(SamplingLoop, Img2ImgOnHeunSkipsWholeSteps) {
  auto sampler = gen::make_sampler("heun", gen::SchedulerConfig::stable_diffusion());
  sampler->set_timesteps(10);
  EXPECT_EQ(sampler->num_model_calls(), 19);
  EXPECT_EQ(gen::img2img_start(*sampler, 0.6), 8);  // 4 skipped steps x 2 calls
  EXPECT_THROW(gen::img2img_start(*sampler, 0.0), gen::UsageError);
  EXPECT_THROW(gen::img2img_start(*sampler, 1.5), gen::UsageError);
}

TEST(SamplingLoop, InpaintingKeepsTheUnmaskedRegionExactly) {
  ProbeDenoiser model;
  auto sampler = gen::make_sampler("euler_a", gen::SchedulerConfig::stable_diffusion());
  gen::GeneratorNoise noise(1);
  gen::SamplingOptions o;
  o.steps = 12;
  o.init = latent(2);
  o.mask = torch::zeros({1, 1, 8, 8});
  o.mask.slice(3, 0, 4).fill_(1);  // regenerate the left half
  auto x = gen::sample(model, {}, *sampler, latent(3), noise, o);
  EXPECT_TRUE(torch::equal(x.slice(3, 4), o.init.slice(3, 4)));
  EXPECT_FALSE(torch::allclose(x.slice(3, 0, 4), o.init.slice(3, 0, 4)));
}

TEST(SamplingLoop, PreviewsArriveEveryKCalls) {
  ProbeDenoiser model;
  auto sampler = gen::make_sampler("dpmpp_2m", gen::SchedulerConfig::stable_diffusion());
  gen::GeneratorNoise noise(1);
  gen::SamplingOptions o;
  o.steps = 10;
  o.preview_every = 3;
  std::vector<int64_t> calls;
  o.on_preview = [&](int64_t i, const torch::Tensor& x0) {
    calls.push_back(i);
    EXPECT_EQ(x0.sizes(), torch::IntArrayRef({1, 4, 8, 8}));
  };
  gen::sample(model, {}, *sampler, latent(3), noise, o);
  EXPECT_EQ(calls, (std::vector<int64_t>{2, 5, 8}));
}

TEST(SamplingLoop, ProgressCanCancel) {
  ProbeDenoiser model;
  auto sampler = gen::make_sampler("euler", gen::SchedulerConfig::stable_diffusion());
  gen::GeneratorNoise noise(1);
  gen::SamplingOptions o;
  o.steps = 10;
  int reports = 0;
  o.progress = [&](const gen::Progress& p) {
    EXPECT_EQ(p.total, 10);
    return ++reports == 4 ? gen::ProgressAction::stop : gen::ProgressAction::proceed;
  };
  EXPECT_THROW(gen::sample(model, {}, *sampler, latent(3), noise, o), gen::Cancelled);
  EXPECT_EQ(reports, 4);
}

TEST(SamplingLoop, NanIsReportedWithItsStep) {
  ProbeDenoiser model;
  model.nan_at = 2;
  auto sampler = gen::make_sampler("euler", gen::SchedulerConfig::stable_diffusion());
  gen::GeneratorNoise noise(1);
  gen::SamplingOptions o;
  o.steps = 10;
  try {
    gen::sample(model, {}, *sampler, latent(3), noise, o);
    FAIL() << "no error";
  } catch (const gen::NumericError& e) {
    EXPECT_NE(std::string(e.what()).find("step 3/10"), std::string::npos) << e.what();
  }
}

TEST(SamplingLoop, SameSeedSameResultOtherSeedOtherResult) {
  ProbeDenoiser model;
  auto run = [&](uint64_t seed) {
    auto sampler = gen::make_sampler("euler_a", gen::SchedulerConfig::stable_diffusion());
    gen::GeneratorNoise noise(seed);
    gen::SamplingOptions o;
    o.steps = 8;
    return gen::sample(model, {}, *sampler, noise.next(torch::empty({1, 4, 8, 8})), noise, o);
  };
  EXPECT_TRUE(torch::equal(run(5), run(5)));
  EXPECT_FALSE(torch::equal(run(5), run(6)));
}

// The multistep samplers' contractions must not assume a [B, C, ...] latent.
TEST(SamplingLoop, MultistepSamplersTakeAnySampleRank) {
  for (const char* name : {"dpmpp_3m", "dpmpp_2m_sde", "unipc_o3", "unipc_bh1_o3"}) {
    auto run = [&](const torch::Tensor& x_T) {
      ProbeDenoiser model;
      auto sampler = gen::make_sampler(name, gen::SchedulerConfig::stable_diffusion());
      gen::GeneratorNoise noise(2);
      gen::SamplingOptions o;
      o.steps = 8;
      return gen::sample(model, {}, *sampler, x_T, noise, o);
    };
    auto x4 = run(latent(3));
    auto x1 = run(latent(3).flatten());
    EXPECT_TRUE(torch::allclose(x1, x4.flatten(), 1e-6, 1e-6)) << name;
  }
}

TEST(SamplerNames, AliasesMapToCanonicalSamplers) {
  auto c = gen::SchedulerConfig::stable_diffusion();
  EXPECT_STREQ(gen::make_sampler("Euler a", c)->name(), "euler_a");
  EXPECT_STREQ(gen::make_sampler("k_euler_ancestral", c)->name(), "euler_a");
  EXPECT_STREQ(gen::make_sampler("DPM++ 2M", c)->name(), "dpmpp_2m");
  EXPECT_STREQ(gen::make_sampler("dpm++2m", c)->name(), "dpmpp_2m");
  EXPECT_STREQ(gen::make_sampler("DPM++ 2M Karras", c)->name(), "dpmpp_2m_karras");
  EXPECT_STREQ(gen::make_sampler("EulerDiscreteScheduler", c)->name(), "euler");
  EXPECT_STREQ(gen::make_sampler("PLMS", c)->name(), "pndm");
  EXPECT_TRUE(gen::make_sampler("Euler Karras", c)->config().use_karras_sigmas);
  EXPECT_STREQ(gen::make_sampler("DPM++ 3M", c)->name(), "dpmpp_3m");
  EXPECT_STREQ(gen::make_sampler("DPM++ 2M SDE", c)->name(), "dpmpp_2m_sde");
  EXPECT_STREQ(gen::make_sampler("k_dpmpp_2m_sde", c)->name(), "dpmpp_2m_sde");
  EXPECT_STREQ(gen::make_sampler("DPM++ 2M SDE Karras", c)->name(), "dpmpp_2m_sde_karras");
  EXPECT_STREQ(gen::make_sampler("dpmsolver++", c)->name(), "dpmpp_2m");
  EXPECT_STREQ(gen::make_sampler("sde-dpmsolver++", c)->name(), "dpmpp_2m_sde");
  EXPECT_STREQ(gen::make_sampler("UniPC o3", c)->name(), "unipc_o3");
  EXPECT_TRUE(gen::make_sampler("DPM++ 2M SDE", c)->stochastic());
  EXPECT_FALSE(gen::make_sampler("DPM++ 3M", c)->stochastic());
  // A1111's "DPM++ 3M SDE" is another sampler (k-diffusion's), not DPM++ 3M.
  EXPECT_THROW(gen::make_sampler("DPM++ 3M SDE", c), gen::UsageError);
  for (const auto& name : gen::sampler_names()) EXPECT_STREQ(gen::make_sampler(name, c)->name(), name.c_str());
}

// A name fixes its variant whatever the checkpoint's config says; a diffusers class name
// (what runs when no sampler is chosen) takes the variant from the config.
TEST(SamplerNames, NamesFixTheVariantClassNamesReadItFromTheConfig) {
  auto c = gen::SchedulerConfig::stable_diffusion();
  c.solver_order = 3;
  c.algorithm_type = "sde-dpmsolver++";
  c.solver_type = "bh1";
  EXPECT_STREQ(gen::make_sampler("dpmpp_2m", c)->name(), "dpmpp_2m");
  EXPECT_STREQ(gen::make_sampler("unipc", c)->name(), "unipc");
  EXPECT_STREQ(gen::make_sampler("UniPCMultistepScheduler", c)->name(), "unipc_bh1_o3");
  c.solver_order = 2;
  c.solver_type.reset();
  EXPECT_STREQ(gen::make_sampler("DPMSolverMultistepScheduler", c)->name(), "dpmpp_2m_sde");
  // Another class's solver_type stands for the class default, as in diffusers' from_config.
  c.solver_type = "midpoint";
  EXPECT_STREQ(gen::make_sampler("UniPCMultistepScheduler", c)->name(), "unipc");
  c.solver_type = "bh1";
  c.algorithm_type = "deis";
  EXPECT_STREQ(gen::make_sampler("DPMSolverMultistepScheduler", c)->name(), "dpmpp_2m");

  nlohmann::json dpm = {{"_class_name", "DPMSolverMultistepScheduler"}, {"solver_order", 3}};
  EXPECT_STREQ(gen::make_sampler_from_diffusers(dpm)->name(), "dpmpp_3m");
  dpm["use_karras_sigmas"] = true;
  EXPECT_STREQ(gen::make_sampler_from_diffusers(dpm)->name(), "dpmpp_3m_karras");
  nlohmann::json sde = {{"_class_name", "DPMSolverMultistepScheduler"}, {"algorithm_type", "sde-dpmsolver++"}};
  EXPECT_STREQ(gen::make_sampler_from_diffusers(sde)->name(), "dpmpp_2m_sde");
  nlohmann::json unipc = {{"_class_name", "UniPCMultistepScheduler"}, {"solver_order", 3}};
  EXPECT_STREQ(gen::make_sampler_from_diffusers(unipc)->name(), "unipc_o3");
  unipc["solver_type"] = "bh1";
  EXPECT_STREQ(gen::make_sampler_from_diffusers(unipc)->name(), "unipc_bh1_o3");
}

TEST(SamplerNames, MultistepVariantsThatAreNotImplementedAreRefused) {
  auto refused = [](nlohmann::json j) {
    EXPECT_THROW(gen::make_sampler_from_diffusers(j), gen::UsageError) << j.dump();
  };
  const std::string dpm = "DPMSolverMultistepScheduler", unipc = "UniPCMultistepScheduler";
  refused({{"_class_name", dpm}, {"algorithm_type", "dpmsolver"}});
  refused({{"_class_name", dpm}, {"algorithm_type", "sde-dpmsolver"}});
  refused({{"_class_name", dpm}, {"algorithm_type", "sde-dpmsolver++"}, {"solver_order", 3}});  // diffusers fails too
  refused({{"_class_name", dpm}, {"solver_type", "heun"}});
  refused({{"_class_name", dpm}, {"solver_order", 1}});
  refused({{"_class_name", dpm}, {"use_lu_lambdas", true}});
  refused({{"_class_name", unipc}, {"solver_order", 1}});
  refused({{"_class_name", unipc}, {"solver_type", "bh3"}});
  refused({{"_class_name", unipc}, {"disable_corrector", {0}}});
  // bh1 ending on sigma 0 is only finite with the last steps' orders lowered.
  refused({{"_class_name", unipc}, {"solver_type", "bh1"}, {"lower_order_final", false}});
  EXPECT_NO_THROW(gen::make_sampler_from_diffusers({{"_class_name", unipc}, {"solver_type", "bh1"},
                                                    {"lower_order_final", false}, {"final_sigmas_type", "sigma_min"}}));
}

TEST(SamplerNames, UnknownNameListsTheValidOnes) {
  try {
    gen::make_sampler("eulr", gen::SchedulerConfig{});
    FAIL();
  } catch (const gen::UsageError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("eulr"), std::string::npos);
    EXPECT_NE(m.find("dpmpp_2m"), std::string::npos);
    EXPECT_NE(m.find("dpmpp_2m_sde"), std::string::npos);
    EXPECT_NE(m.find("unipc_o3"), std::string::npos);
  }
}

TEST(SamplerNames, DiffusersConfigsPickTheClassAndRejectWhatIsNotImplemented) {
  nlohmann::json j = {{"_class_name", "PNDMScheduler"}, {"beta_schedule", "scaled_linear"},
                      {"beta_start", 0.00085}, {"beta_end", 0.012}, {"skip_prk_steps", true},
                      {"steps_offset", 1}, {"set_alpha_to_one", false}};
  auto s = gen::make_sampler_from_diffusers(j);
  EXPECT_STREQ(s->name(), "pndm");
  j["skip_prk_steps"] = false;
  EXPECT_THROW(gen::make_sampler_from_diffusers(j), gen::UsageError);
  EXPECT_THROW(gen::make_sampler_from_diffusers({{"_class_name", "DPMSolverMultistepScheduler"},
                                                 {"algorithm_type", "dpmsolver"}}),
               gen::UsageError);
  EXPECT_THROW(gen::make_sampler_from_diffusers({{"_class_name", "KDPM2DiscreteScheduler"}}), gen::UsageError);
  EXPECT_THROW(gen::make_sampler_from_diffusers({{"beta_schedule", "linear"}}), gen::UsageError);
}

TEST(SamplerNames, OutOfRangeStepsAreUsageErrors) {
  for (const auto& name : gen::sampler_names()) {
    auto s = gen::make_sampler(name, gen::SchedulerConfig::stable_diffusion());
    EXPECT_THROW(s->set_timesteps(0), gen::UsageError) << name;
    // Flow matching is continuous in time: any number of steps is meaningful.
    if (name != "flow_euler") EXPECT_THROW(s->set_timesteps(5000), gen::UsageError) << name;
  }
}

}  // namespace
