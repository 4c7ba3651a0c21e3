// Exact FLOP counts and per-op times of LibTorch code, observed through RecordFunction
// callbacks, so a benchmark needs no hand-written FLOP formula per network.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include <ATen/core/ivalue.h>
#include <c10/util/ArrayRef.h>

#include <gen/export.h>

namespace gen::bench {

// True for the ops whose FLOPs are counted: aten::conv1d/2d/3d, convolution,
// _convolution, linear, addmm, mm, bmm, baddbmm, matmul.
GEN_API bool is_counted_op(const char* op);

// FLOPs (2 per multiply-add; bias additions not counted) of one call of a counted op,
// from its inputs; 0 for any other op.
GEN_API double op_flops(const char* op, c10::ArrayRef<const c10::IValue> inputs);

struct OpStats {
  int64_t calls = 0;
  double flops = 0;    // of the counted ops inside this op (itself included)
  double seconds = 0;  // wall time, children included
};

// While alive, observes every aten op called on the constructing thread. Counted ops
// nested in another counted op (linear -> addmm, matmul -> bmm) are counted once, at the
// outermost, so the total is exact whatever a kernel dispatches to internally. Ops that
// kernels run on worker threads are never seen: they are part of their caller.
// Top-level ops (called by network code, not by another op) also get calls and time,
// which is a profile of where a forward pass spends its time. One per thread at a time.
class GEN_API OpCounter {
 public:
  OpCounter();
  ~OpCounter();
  OpCounter(const OpCounter&) = delete;
  OpCounter& operator=(const OpCounter&) = delete;

  double flops() const { return flops_; }
  const std::map<std::string, OpStats>& top_level() const { return ops_; }
  // Top-level counted ops split by operand shapes ("aten::matmul 8x4096x40 @ 8x40x4096"),
  // which tells attention scores from projections.
  const std::map<std::string, OpStats>& top_level_by_shape() const { return shapes_; }

  // Internal state the RecordFunction callbacks update.
  int depth = 0;          // ops currently open on this thread
  int counted_depth = 0;  // counted ops currently open
  OpStats* current = nullptr;
  OpStats* current_shape = nullptr;

  void add_flops(double f);
  OpStats& top_level_op(const char* name) { return ops_[name]; }
  OpStats& top_level_shape(const std::string& key) { return shapes_[key]; }

 private:
  uint64_t handle_ = 0;
  double flops_ = 0;
  std::map<std::string, OpStats> ops_, shapes_;
};

}  // namespace gen::bench
