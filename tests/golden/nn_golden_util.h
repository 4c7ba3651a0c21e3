// Shared by the network golden tests: io loading and the |got-want| <= atol + rtol|want| check.
#pragma once
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <gen/safetensors.h>

#include "test_util.h"

namespace gen::test {

constexpr double kNetAtol = 1e-4, kNetRtol = 1e-4;

inline std::map<std::string, torch::Tensor> load_io(const std::string& case_dir) {
  return gen::load_safetensors(golden_dir() / case_dir / "io.safetensors");
}

inline const torch::Tensor& io_at(const std::map<std::string, torch::Tensor>& io, const std::string& name) {
  auto it = io.find(name);
  if (it == io.end()) throw std::runtime_error("golden io has no tensor '" + name + "'");
  return it->second;
}

inline nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  return nlohmann::json::parse(in);
}

inline ::testing::AssertionResult all_close(const torch::Tensor& got, const torch::Tensor& want,
                                            double atol = kNetAtol, double rtol = kNetRtol) {
  if (got.sizes() != want.sizes())
    return ::testing::AssertionFailure() << "shape " << got.sizes() << " vs expected " << want.sizes();
  auto g = got.detach().to(torch::kFloat64), w = want.detach().to(torch::kFloat64);
  auto excess = (g - w).abs() - (atol + rtol * w.abs());
  const double worst = excess.max().item<double>();
  const double max_abs = (g - w).abs().max().item<double>();
  if (worst > 0 || std::isnan(worst))
    return ::testing::AssertionFailure() << "max |diff| " << max_abs << " exceeds atol " << atol << " + rtol " << rtol;
  return ::testing::AssertionSuccess() << "max |diff| " << max_abs;
}

}  // namespace gen::test
