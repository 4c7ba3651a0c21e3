#include <gen/video/frame_rate.h>

#include <cmath>
#include <cstdlib>
#include <numeric>

#include <gen/error.h>

namespace gen::video {
namespace {

void check_range(double fps, const std::string& shown) {
  if (!std::isfinite(fps) || fps < kMinFps || fps > kMaxFps)
    throw UsageError("frame rate " + shown + " is out of range: give a rate in (0, 1000] frames per second");
}

// The fraction nearest to x with a denominator of at most max_den (continued fractions).
FrameRate nearest_fraction(double x, int64_t max_den) {
  int64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0;
  double rest = x;
  for (int i = 0; i < 64; ++i) {
    const double a = std::floor(rest);
    const auto ai = static_cast<int64_t>(a);
    if (q0 + ai * q1 > max_den) break;
    const int64_t p2 = p0 + ai * p1, q2 = q0 + ai * q1;
    p0 = p1, q0 = q1, p1 = p2, q1 = q2;
    if (rest - a < 1e-12) break;
    rest = 1.0 / (rest - a);
  }
  return {static_cast<int>(p1), static_cast<int>(q1)};
}

}  // namespace

std::string FrameRate::to_string() const {
  if (den == 1) return std::to_string(num);
  if (den == 2) return std::to_string(num / 2) + ".5";
  return std::to_string(num) + "/" + std::to_string(den);
}

FrameRate FrameRate::from_double(double fps) {
  check_range(fps, std::to_string(fps));
  const double whole = std::round(fps);
  if (std::abs(fps - whole) < 1e-9 * fps) return {static_cast<int>(whole), 1};
  // NTSC-style rates are N*1000/1001 exactly; people write them as 23.976, 29.97, 59.94.
  const double ntsc = std::round(fps * 1.001);
  if (ntsc >= 1 && std::abs(fps - ntsc * 1000 / 1001) < 1e-4 * fps) return {static_cast<int>(ntsc) * 1000, 1001};
  return nearest_fraction(fps, 1001);
}

FrameRate FrameRate::parse(const std::string& text) {
  const auto slash = text.find('/');
  char* end = nullptr;
  if (slash == std::string::npos) {
    const double fps = std::strtod(text.c_str(), &end);
    if (text.empty() || *end) throw UsageError("frame rate '" + text + "' is not a number or N/D fraction");
    return from_double(fps);
  }
  const long num = std::strtol(text.c_str(), &end, 10);
  const bool num_ok = end == text.c_str() + slash && slash > 0;
  const long den = std::strtol(text.c_str() + slash + 1, &end, 10);
  if (!num_ok || *end || slash + 1 == text.size() || num <= 0 || den <= 0 || num > 1000000 || den > 1000000)
    throw UsageError("frame rate '" + text + "' is not a number or N/D fraction of positive integers");
  check_range(static_cast<double>(num) / den, text);
  const long g = std::gcd(num, den);
  return {static_cast<int>(num / g), static_cast<int>(den / g)};
}

bool operator==(const FrameRate& a, const FrameRate& b) {
  return static_cast<int64_t>(a.num) * b.den == static_cast<int64_t>(b.num) * a.den;
}

}  // namespace gen::video
