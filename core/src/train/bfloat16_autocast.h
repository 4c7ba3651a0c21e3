// bfloat16 mixed precision for training on CPUs with AMX or AVX512-BF16: while alive,
// convolutions and matrix products run in bfloat16 (LibTorch's autocast) and the
// weights, norms, optimizer and loss stay float32.
#pragma once

namespace gen {

// True when this CPU computes in bfloat16 natively (AMX-BF16 or AVX512-BF16). Elsewhere
// LibTorch emulates it, and a bfloat16 training step is many times slower than float32 (14x on a Zen 3 EPYC).
bool cpu_has_bfloat16();

class BFloat16Autocast {
 public:
  explicit BFloat16Autocast(bool enabled);
  ~BFloat16Autocast();
  BFloat16Autocast(const BFloat16Autocast&) = delete;
  BFloat16Autocast& operator=(const BFloat16Autocast&) = delete;

 private:
  bool enabled_;
};

}  // namespace gen
