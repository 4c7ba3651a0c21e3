#include "train/bfloat16_autocast.h"

#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>
#include <torch/library.h>

namespace gen {
namespace {

// LibTorch 1.13's CPU autocast leaves group_norm and layer_norm to their input's type,
// and their CPU kernels reject a bfloat16 input with float32 weights (every norm after
// a convolution). These kernels give them the float32 policy the CUDA autocast has.
at::Tensor float32_group_norm(const at::Tensor& x, int64_t groups, const c10::optional<at::Tensor>& weight,
                              const c10::optional<at::Tensor>& bias, double eps, bool cudnn) {
  c10::impl::ExcludeDispatchKeyGuard no_autocast(c10::DispatchKey::AutocastCPU);
  return at::group_norm(x.to(at::kFloat), groups, weight, bias, eps, cudnn);
}

at::Tensor float32_layer_norm(const at::Tensor& x, at::IntArrayRef shape, const c10::optional<at::Tensor>& weight,
                              const c10::optional<at::Tensor>& bias, double eps, bool cudnn) {
  c10::impl::ExcludeDispatchKeyGuard no_autocast(c10::DispatchKey::AutocastCPU);
  return at::layer_norm(x.to(at::kFloat), shape, weight, bias, eps, cudnn);
}

TORCH_LIBRARY_IMPL(aten, AutocastCPU, m) {
  m.impl("group_norm", TORCH_FN(float32_group_norm));
  m.impl("layer_norm", TORCH_FN(float32_layer_norm));
}

}  // namespace

bool cpu_has_bfloat16() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("amx-bf16") || __builtin_cpu_supports("avx512bf16");
}

BFloat16Autocast::BFloat16Autocast(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
  at::autocast::set_cpu_enabled(true);
}

BFloat16Autocast::~BFloat16Autocast() {
  if (!enabled_) return;
  at::autocast::set_cpu_enabled(false);
  at::autocast::clear_cache();  // the bfloat16 copies of the weights, which the next step changes
}

}  // namespace gen
