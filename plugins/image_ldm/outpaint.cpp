// Outpainting is inpainting on a bigger canvas: the init image is padded by --pad
// L,T,R,B pixels and the new border is masked for repainting.
#include <sstream>

#include <torch/nn/functional/padding.h>

#include <gen/error.h>

#include "image_ldm.h"

namespace image_ldm {
namespace {

constexpr int64_t kMaxPad = 8192;

[[noreturn]] void bad_pad(const std::string& text, const std::string& why) {
  throw gen::UsageError("--pad '" + text + "': " + why + " (expected L,T,R,B pixels, e.g. --pad 0,0,128,0)");
}

}  // namespace

Padding parse_padding(const std::string& text) {
  std::vector<int64_t> v;
  std::stringstream in(text);
  for (std::string field; std::getline(in, field, ',');) {
    size_t used = 0;
    long long n = -1;
    try {
      n = std::stoll(field, &used);
    } catch (const std::exception&) {
      bad_pad(text, "'" + field + "' is not a whole number");
    }
    if (used != field.size()) bad_pad(text, "'" + field + "' is not a whole number");
    if (n < 0 || n > kMaxPad) bad_pad(text, "each side must be 0.." + std::to_string(kMaxPad));
    v.push_back(n);
  }
  if (v.size() != 4 || text.back() == ',') bad_pad(text, "four values are needed");
  if (v[0] + v[1] + v[2] + v[3] == 0) bad_pad(text, "all sides are 0, nothing to outpaint");
  return {v[0], v[1], v[2], v[3]};
}

Canvas pad_canvas(const Canvas& canvas, const Padding& p) {
  namespace F = torch::nn::functional;
  // Replicated edges give img2img-style runs (strength < 1) plausible colours to start from.
  Canvas out;
  out.image = F::pad(canvas.image, F::PadFuncOptions({p.left, p.right, p.top, p.bottom}).mode(torch::kReplicate));
  auto kept = canvas.has_mask() ? canvas.mask : torch::zeros({1, 1, canvas.height(), canvas.width()});
  out.mask = F::pad(kept, F::PadFuncOptions({p.left, p.right, p.top, p.bottom}).mode(torch::kConstant).value(1.0));
  return out;
}

}  // namespace image_ldm
