// A frame rate as an exact fraction: containers store time in integer ticks, and
// NTSC rates (30000/1001) have no exact double, so the rational is what files carry.
#pragma once
#include <cstdint>
#include <string>

#include <gen/export.h>

namespace gen::video {

struct FrameRate {
  int num = 24;
  int den = 1;
  double value() const { return static_cast<double>(num) / den; }
  // "24", "30000/1001", "12.5".
  GEN_API std::string to_string() const;
  // The nearest fraction to `fps`: integers exactly, N*1000/1001 for anything within
  // 1e-4 of it (29.97 -> 30000/1001), others with a denominator of at most 1001. A UsageError unless 0 < fps <= 1000.
  GEN_API static FrameRate from_double(double fps);
  // "30000/1001", "24" or "12.5"; a UsageError for anything else or out of range.
  GEN_API static FrameRate parse(const std::string& text);
};

GEN_API bool operator==(const FrameRate& a, const FrameRate& b);
inline bool operator!=(const FrameRate& a, const FrameRate& b) { return !(a == b); }

// The range every writer accepts; readers reject rates outside it as malformed.
constexpr double kMinFps = 1.0 / 1000;
constexpr double kMaxFps = 1000;

}  // namespace gen::video
