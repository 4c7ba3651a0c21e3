// Process-wide runtime settings of the LibTorch CPU backend.
#pragma once
#include <string>

#include <gen/export.h>

namespace gen {

// Sets intra-op threads (0 = every core). Same thread count + same seed = same bytes.
GEN_API void set_num_threads(int threads);
GEN_API int num_threads();

// Empty when a fast BLAS (OpenBLAS) backs LibTorch's matrix products; otherwise a
// loud explanation of how to fix it (the reference BLAS is ~40x slower).
GEN_API std::string blas_warning();

// "gen 0.1.0 (LibTorch 1.13.0, OpenBLAS ...)".
GEN_API std::string version_string();

}  // namespace gen
