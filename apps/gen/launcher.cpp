// The `gen` executable: sets the thread-pool environment, then loads the CLI
// (libgen_cli.so, which pulls in LibTorch) and runs it. It links nothing but libc.
//
// Why a launcher: libgomp reads OMP_WAIT_POLICY and OpenBLAS reads OPENBLAS_CORETYPE and
// OPENBLAS_THREAD_TIMEOUT once, when they are loaded. A binary linked against LibTorch
// loads both before main, so it could only apply them by running itself again, which
// loaded LibTorch's ~290 shared libraries twice (0.6 s of every command on a 2-core
// EPYC, docs/benchmarks.md). Here they are set before anything reads them, at the cost
// of one dlopen.
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <gen/error.h>  // exit codes only: the launcher links no gen library

namespace {

// The OpenBLAS kernel set this CPU should use when OpenBLAS did not recognise it and
// fell back to its generic SSE3 kernels ("Prescott"): "SkylakeX" with AVX-512,
// "Haswell" with AVX2, else none. OpenBLAS 0.3.21 (Debian 12) knows no CPU newer than
// Sapphire Rapids, and its fallback halves the speed of every matrix product.
const char* better_blas_core(void* blas) {
  using Fn = const char* (*)();
  auto corename = reinterpret_cast<Fn>(::dlsym(blas, "openblas_get_corename"));
  if (!corename || std::strcmp(corename(), "Prescott") != 0) return nullptr;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return nullptr;
}

// LibTorch's OpenMP threads otherwise spin after every parallel region, stealing the
// core OpenBLAS's own threads need next (2x slower steps on 2 cores). OpenBLAS's threads
// in turn spin (sched_yield) for 2^28 cycles after every product before they sleep,
// stealing the cores LibTorch's next convolution or softmax needs: with 2^10 the default
// audio model's small UNet made a clip 17% sooner (docs/benchmarks.md) and the image
// and motion models were as fast as before. A choice the user made is left alone.
void prepare_environment(char** argv) {
  if (!std::getenv("OMP_WAIT_POLICY")) ::setenv("OMP_WAIT_POLICY", "passive", 1);
  if (!std::getenv("OPENBLAS_THREAD_TIMEOUT")) ::setenv("OPENBLAS_THREAD_TIMEOUT", "10", 1);
  if (std::getenv("OPENBLAS_CORETYPE")) return;
  // Asking OpenBLAS which kernels it chose loads it, and it has chosen by then: in the
  // rare case it chose badly, run once more with the variable set.
  void* blas = ::dlopen("libblas.so.3", RTLD_NOW | RTLD_GLOBAL);
  if (!blas) return;
  if (const char* core = better_blas_core(blas)) {
    ::setenv("OPENBLAS_CORETYPE", core, 1);
    ::execv("/proc/self/exe", argv);  // returns only on failure: carry on as we are
  }
}

}  // namespace

int main(int argc, char** argv) {
  prepare_environment(argv);
  // Found through this executable's RUNPATH: ../lib in the build tree and when installed.
  void* cli = ::dlopen("libgen_cli.so", RTLD_NOW | RTLD_GLOBAL);
  if (!cli) {
    std::fprintf(stderr, "gen: error: cannot load the gen runtime: %s\n", ::dlerror());
    return gen::kExitFailure;
  }
  using Main = int (*)(int, char**);
  auto gen_cli_main = reinterpret_cast<Main>(::dlsym(cli, "gen_cli_main"));
  if (!gen_cli_main) {
    std::fprintf(stderr, "gen: error: libgen_cli.so has no gen_cli_main: %s\n", ::dlerror());
    return gen::kExitFailure;
  }
  return gen_cli_main(argc, argv);
}
