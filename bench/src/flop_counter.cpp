#include <gen/bench/flop_counter.h>

#include <ATen/record_function.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <vector>

// RecordFunction::inputs() checks a member that exists only when NDEBUG is unset, and
// Debian's LibTorch is a release build: counting needs NDEBUG (every build type but Debug).
#ifndef NDEBUG
#warning "flop_counter.cpp built without NDEBUG: RecordFunction inputs are unavailable, FLOP counts will be wrong"
#endif

namespace gen::bench {

namespace {

using Inputs = c10::ArrayRef<const c10::IValue>;

std::vector<int64_t> shape(Inputs in, size_t i) {
  if (i >= in.size() || !in[i].isTensor()) return {};
  return in[i].toTensor().sizes().vec();
}

double numel(const std::vector<int64_t>& s) {
  double n = 1;
  for (auto d : s) n *= static_cast<double>(d);
  return n;
}

// An int[] argument entry; a one-element list applies to every spatial dim.
int64_t list_at(Inputs in, size_t i, size_t dim, int64_t fallback) {
  if (i >= in.size()) return fallback;
  if (in[i].isInt()) return in[i].toInt();
  if (!in[i].isIntList()) return fallback;
  auto v = in[i].toIntVector();
  if (v.empty()) return fallback;
  return v.size() == 1 ? v[0] : v.at(dim);
}

// aten::conv* / convolution / _convolution: (input, weight, bias, stride, padding, dilation,
// [transposed, output_padding,] groups ...). Per output element: (C_in / groups) * prod(kernel)
// multiply-adds; for a transposed conv, per *input* element: (C_out / groups) * prod(kernel).
double conv_flops(const char* op, Inputs in) {
  const auto x = shape(in, 0), w = shape(in, 1);
  if (x.size() < 3 || w.size() != x.size()) return 0;
  const double per_element = numel(w) / static_cast<double>(w[0]);
  const bool has_transposed = std::strcmp(op, "aten::convolution") == 0 || std::strcmp(op, "aten::_convolution") == 0;
  if (has_transposed && in.size() > 6 && in[6].isBool() && in[6].toBool()) return 2 * numel(x) * per_element;
  // conv2d.padding takes "valid" or "same" (stride 1: the output keeps the input size).
  const bool same = in.size() > 4 && in[4].isString() && in[4].toStringRef() == "same";
  double out = static_cast<double>(x[0]) * static_cast<double>(w[0]);
  for (size_t d = 0; d + 2 < x.size(); ++d) {
    const int64_t k = w[d + 2], stride = list_at(in, 3, d, 1), pad = list_at(in, 4, d, 0),
                  dil = list_at(in, 5, d, 1);
    out *= same ? x[d + 2] : (x[d + 2] + 2 * pad - dil * (k - 1) - 1) / stride + 1;
  }
  return 2 * out * per_element;
}

// torch.matmul semantics: 1-D operands get a unit dim, leading dims broadcast.
double matmul_flops(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  if (a.empty() || b.empty()) return 0;
  const double k = static_cast<double>(a.back());
  const double n = a.size() >= 2 ? static_cast<double>(a[a.size() - 2]) : 1;
  const double m = b.size() >= 2 ? static_cast<double>(b.back()) : 1;
  double batch = 1;
  const size_t ba = a.size() > 2 ? a.size() - 2 : 0, bb = b.size() > 2 ? b.size() - 2 : 0;
  for (size_t i = 0; i < std::max(ba, bb); ++i) {  // aligned from the right
    const int64_t da = i < ba ? a[ba - 1 - i] : 1, db = i < bb ? b[bb - 1 - i] : 1;
    batch *= static_cast<double>(std::max(da, db));
  }
  return 2 * batch * n * k * m;
}

bool is(const char* op, const char* name) { return std::strcmp(op, name) == 0; }

// "aten::mm 4096x40 @ 40x4096": the op and its first two tensor operands' shapes.
std::string shape_key(const char* op, Inputs in) {
  std::string key = op;
  const char* sep = " ";
  for (size_t i = 0, n = 0; i < in.size() && n < 2; ++i) {
    if (!in[i].isTensor()) continue;
    key += sep;
    const auto s = in[i].toTensor().sizes();
    for (size_t d = 0; d < s.size(); ++d) key += (d ? "x" : "") + std::to_string(s[d]);
    sep = " @ ", ++n;
  }
  return key;
}

thread_local OpCounter* active = nullptr;

struct Frame : at::ObserverContext {
  bool top = false, counted = false;
  std::chrono::steady_clock::time_point start;
};

std::unique_ptr<at::ObserverContext> on_op_start(const at::RecordFunction& fn) {
  OpCounter* c = active;
  if (!c) return nullptr;
  auto frame = std::make_unique<Frame>();
  frame->top = c->depth++ == 0;
  if (frame->top) c->current = &c->top_level_op(fn.name());
  frame->counted = is_counted_op(fn.name());
  if (frame->top && frame->counted) c->current_shape = &c->top_level_shape(shape_key(fn.name(), fn.inputs()));
  if (frame->counted && c->counted_depth++ == 0) c->add_flops(op_flops(fn.name(), fn.inputs()));
  if (frame->top) frame->start = std::chrono::steady_clock::now();
  return frame;
}

void on_op_end(const at::RecordFunction&, at::ObserverContext* ctx) {
  OpCounter* c = active;
  auto* frame = static_cast<Frame*>(ctx);
  if (!c || !frame) return;
  --c->depth;
  if (frame->counted) --c->counted_depth;
  if (!frame->top) return;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - frame->start).count();
  for (OpStats* s : {c->current, c->current_shape}) {
    if (!s) continue;
    s->calls += 1;
    s->seconds += seconds;
  }
  c->current = c->current_shape = nullptr;
}

}  // namespace

bool is_counted_op(const char* op) {
  static const char* const kOps[] = {"aten::conv1d", "aten::conv2d",  "aten::conv3d", "aten::convolution",
                                     "aten::_convolution", "aten::linear", "aten::addmm", "aten::mm",
                                     "aten::bmm",    "aten::baddbmm", "aten::matmul"};
  for (const char* name : kOps)
    if (is(op, name)) return true;
  return false;
}

double op_flops(const char* op, Inputs in) {
  if (!is_counted_op(op)) return 0;
  if (std::strncmp(op, "aten::conv", 10) == 0 || is(op, "aten::_convolution")) return conv_flops(op, in);
  if (is(op, "aten::linear")) {  // x [..., in] @ w[out, in]^T
    const auto x = shape(in, 0), w = shape(in, 1);
    return w.size() == 2 ? 2 * numel(x) * static_cast<double>(w[0]) : 0;
  }
  // addmm / baddbmm carry the added term first: (self, mat1, mat2, beta, alpha).
  const size_t first = is(op, "aten::addmm") || is(op, "aten::baddbmm") ? 1 : 0;
  return matmul_flops(shape(in, first), shape(in, first + 1));
}

OpCounter::OpCounter() {
  if (active) throw std::logic_error("OpCounter: one counter per thread at a time");
  active = this;
  handle_ = at::addThreadLocalCallback(at::RecordFunctionCallback(on_op_start, on_op_end)
                                           .needsInputs(true)
                                           .scopes({at::RecordScope::FUNCTION}));
}

OpCounter::~OpCounter() {
  at::removeCallback(handle_);
  active = nullptr;
}

void OpCounter::add_flops(double f) {
  flops_ += f;
  if (current) current->flops += f;
  if (current_shape) current_shape->flops += f;
}

}  // namespace gen::bench
