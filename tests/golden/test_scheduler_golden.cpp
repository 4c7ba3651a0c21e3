// Every sampler trajectory in golden/schedulers and golden/schedulers_extra (diffusers
// 0.29.2) reproduced step by step: timesteps, sigmas, alpha_bar, init_noise_sigma, every
// scaled model input and every step's output. A case that cannot be run fails; nothing is
// skipped silently (the index's own "skipped" cases are runs where diffusers itself fails).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include <gen/json_file.h>
#include <gen/sampler.h>

#include "nn_golden_util.h"

namespace {

using gen::test::all_close;
using gen::test::io_at;

struct Case {
  std::string name;
  std::string dir;  // folder under the golden dir
  nlohmann::json meta;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// The original set and the later one with DPM++ 3M / 2M SDE and UniPC order 3 (same format).
const char* const kDirs[] = {"schedulers", "schedulers_extra"};

std::filesystem::path scheduler_dir(const std::string& dir) { return gen::test::golden_dir() / dir; }

// Cases are read when tests are listed; an unreadable index becomes one failing case.
std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const std::string dir : kDirs) {
    try {
      auto index = gen::read_json_file(scheduler_dir(dir) / "index.json", "scheduler index");
      for (auto& [name, meta] : index.at("cases").items()) cases.push_back({name, dir, meta});
    } catch (const std::exception& e) {
      cases.push_back({dir + "_index_unreadable", dir, {{"error", e.what()}}});
    }
  }
  return cases;
}

// The largest |got - want| / (atol + rtol |want|): below 1 passes; printed per case.
double tolerance_used(const torch::Tensor& got, const torch::Tensor& want, double atol, double rtol) {
  auto g = got.to(torch::kFloat64), w = want.to(torch::kFloat64);
  return ((g - w).abs() / (atol + rtol * w.abs())).max().item<double>();
}

// The reference's fake network: out = float32(float32(x * 0.1) + c), c = 0.05 sin(t / 100).
torch::Tensor fake_model(const torch::Tensor& x, double t) {
  float tf = static_cast<float>(t);
  float c = static_cast<float>(0.05 * std::sin(static_cast<double>(tf) / 100.0));
  return x * 0.1f + c;
}

// Hands out the recorded noise of step i and remembers whether it was asked for.
class RecordedNoise : public gen::NoiseSource {
 public:
  explicit RecordedNoise(torch::Tensor noise) : noise_(std::move(noise)) {}
  torch::Tensor next(const torch::Tensor& like) override {
    used = true;
    if (!noise_.defined()) throw std::runtime_error("sampler drew noise in a deterministic case");
    return noise_[step].view(like.sizes()).clone();
  }
  int64_t step = 0;
  bool used = false;

 private:
  torch::Tensor noise_;
};

class SchedulerGolden : public ::testing::TestWithParam<Case> {};

TEST_P(SchedulerGolden, MatchesReferenceTrajectory) {
  const auto& c = GetParam();
  ASSERT_FALSE(c.meta.contains("error")) << c.meta["error"].get<std::string>();
  const bool ill = c.meta.value("ill_conditioned", false);
  const double atol = ill ? 1e-3 : 1e-5, rtol = ill ? 1e-3 : 1e-5;
  auto io = gen::load_safetensors(scheduler_dir(c.dir) / c.meta.at("file").get<std::string>());

  auto config = c.meta.at("config");
  config["_class_name"] = c.meta.at("scheduler_class");
  for (auto& [k, v] : c.meta.at("step_kwargs").items()) config[k] = v;
  auto sampler = gen::make_sampler_from_diffusers(config);
  sampler->set_timesteps(c.meta.at("num_inference_steps").get<int>());

  const auto& want_t = io_at(io, "timesteps");
  ASSERT_EQ(sampler->num_model_calls(), c.meta.at("num_model_calls").get<int64_t>());
  if (want_t.scalar_type() == torch::kInt64) {
    ASSERT_EQ(sampler->timesteps().scalar_type(), torch::kInt64);
    ASSERT_TRUE(torch::equal(sampler->timesteps(), want_t)) << sampler->timesteps() << "\nwant\n" << want_t;
  } else {
    ASSERT_TRUE(all_close(sampler->timesteps(), want_t, 1e-6, 1e-6)) << sampler->timesteps() << "\nwant\n" << want_t;
  }
  if (io.count("sigmas")) {
    ASSERT_TRUE(all_close(sampler->sigmas(), io_at(io, "sigmas"), 1e-6, 1e-6))
        << sampler->sigmas() << "\nwant\n" << io_at(io, "sigmas");
  }
  if (io.count("alphas_cumprod")) {
    auto got = torch::tensor(torch::ArrayRef<float>(sampler->alphas_cumprod()));
    ASSERT_TRUE(all_close(got, io_at(io, "alphas_cumprod"), 1e-6, 1e-6));
  }
  EXPECT_NEAR(sampler->init_noise_sigma(), io_at(io, "init_noise_sigma").item<double>(),
              1e-6 + 1e-6 * std::abs(io_at(io, "init_noise_sigma").item<double>()));

  RecordedNoise noise(io.count("noise") ? io.at("noise") : torch::Tensor());
  auto x = io_at(io, "x_init").clone();
  double worst = 0, max_diff = 0;
  for (int64_t i = 0; i < sampler->num_model_calls(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    auto x_in = sampler->scale_model_input(x, i);
    ASSERT_TRUE(all_close(x_in, io_at(io, "model_input")[i], atol, rtol));
    auto out = fake_model(x_in, sampler->timesteps()[i].item<double>());
    noise.step = i;
    noise.used = false;
    x = sampler->step(out, i, x, noise);
    ASSERT_TRUE(all_close(x, io_at(io, "prev_sample")[i], atol, rtol));
    if (io.count("noise_used")) EXPECT_EQ(noise.used, io_at(io, "noise_used")[i].item<int64_t>() != 0);
    worst = std::max(worst, tolerance_used(x, io_at(io, "prev_sample")[i], atol, rtol));
    max_diff = std::max(max_diff, (x - io_at(io, "prev_sample")[i]).abs().max().item<double>());
  }
  std::printf("  %-40s max |diff| %.3g, %.3f of the tolerance\n", c.name.c_str(), max_diff, worst);
}

// Every stored trajectory file has an index entry, so a new file cannot go untested.
TEST(SchedulerGoldenIndex, EveryFileIsIndexed) {
  for (const std::string dir : kDirs) {
    SCOPED_TRACE(dir);
    auto index = gen::read_json_file(scheduler_dir(dir) / "index.json", "scheduler index");
    std::set<std::string> files;
    for (auto& [name, meta] : index.at("cases").items()) files.insert(meta.at("file").get<std::string>());
    size_t count = 0;
    for (auto& entry : std::filesystem::directory_iterator(scheduler_dir(dir))) {
      if (entry.path().extension() != ".safetensors") continue;
      ++count;
      EXPECT_TRUE(files.count(entry.path().filename().string())) << entry.path();
    }
    EXPECT_GT(count, 0u);
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string s;
  for (char ch : info.param.name) s += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Diffusers, SchedulerGolden, ::testing::ValuesIn(all_cases()), case_name);

}  // namespace
