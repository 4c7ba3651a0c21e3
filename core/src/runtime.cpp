#include <gen/runtime.h>

#include <dlfcn.h>

#include <ATen/Parallel.h>
#include <torch/version.h>

#include <thread>

namespace gen {

namespace {
// at::set_num_threads sizes LibTorch's OpenMP pool only. Matrix products run on
// OpenBLAS's own pthreads, one per core unless told, so --threads 1 would still use
// every core for them. Looked up at run time: other BLAS libraries lack the symbol.
void set_blas_threads(int n) {
  using Fn = void (*)(int);
  if (auto fn = reinterpret_cast<Fn>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) fn(n);
}
}  // namespace

void set_num_threads(int threads) {
  const int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(n);
  set_blas_threads(n);
}

int num_threads() { return at::get_num_threads(); }

namespace {
// OpenBLAS exports openblas_get_config; the reference BLAS does not. LibTorch links
// libblas.so.3, which Debian's alternatives point at one or the other.
const char* openblas_config() {
  using Fn = const char* (*)();
  auto fn = reinterpret_cast<Fn>(::dlsym(RTLD_DEFAULT, "openblas_get_config"));
  return fn ? fn() : nullptr;
}
}  // namespace

std::string blas_warning() {
  if (openblas_config()) return {};
  return "SLOW BLAS: LibTorch is not using OpenBLAS, matrix products will be ~40x slower. "
         "Install it: apt-get install libopenblas0-pthread (and check "
         "`update-alternatives --display libblas.so.3-x86_64-linux-gnu`).";
}

std::string version_string() {
  std::string s = "gen " GEN_VERSION " (LibTorch " TORCH_VERSION;
  if (const char* blas = openblas_config()) s += std::string(", ") + blas;
  else s += ", reference BLAS";
  return s + ")";
}

}  // namespace gen
