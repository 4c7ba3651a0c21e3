#include "frame_timing.h"

#include <algorithm>
#include <cmath>

namespace gen::video::detail {
namespace {

// Tried in this order: the rates video is usually made at, so a short GIF whose
// rounded delays fit both 24 and 25 fps reads as 24.
const std::vector<FrameRate>& common_rates() {
  static const std::vector<FrameRate> rates = [] {
    std::vector<FrameRate> r = {{24, 1},    {25, 1}, {30, 1}, {60, 1}, {50, 1}, {24000, 1001}, {30000, 1001},
                                {60000, 1001}, {8, 1},  {10, 1}, {12, 1}, {15, 1}, {16, 1}, {20, 1},
                                {48, 1},    {120, 1}};
    for (int n = 1; n <= 240; ++n) r.push_back({n, 1});
    for (int n = 1; n < 120; n += 2) r.push_back({n, 2});
    return r;
  }();
  return rates;
}

// Whether frames at `rate` starting at pts[0] land on every timestamp within half a tick
// (timestamps are rounded) and the last frame lasts 1/rate rounded either way (durations
// are sometimes truncated: WebM's 41 ms for 24000/1001).
bool explains(const FrameTiming& t, double rate) {
  const double tick = av_q2d(t.time_base);
  for (size_t i = 1; i < t.pts.size(); ++i)
    if (std::abs((static_cast<double>(t.pts[i]) - t.pts[0]) * tick - i / rate) > tick / 2 + 1e-9) return false;
  if (t.last_duration > 0 && std::abs(t.last_duration - 1 / (rate * tick)) >= 1 - 1e-9) return false;
  return true;
}

std::optional<FrameRate> clamp_to_range(double fps) {
  if (!std::isfinite(fps) || fps <= 0) return std::nullopt;
  return FrameRate::from_double(std::clamp(fps, kMinFps, kMaxFps));
}

// A declared rate stored with rounding (WebM keeps 1e9/rate ns: 2997/100 for 29.97...)
// is read as the common rate within 1e-4 of it.
FrameRate snapped(FrameRate rate) {
  for (const auto& common : common_rates())
    if (std::abs(common.value() - rate.value()) < 1e-4 * rate.value()) return common;
  return rate;
}

}  // namespace

std::optional<FrameRate> frame_rate_of(FrameTiming t) {
  std::sort(t.pts.begin(), t.pts.end());
  std::optional<FrameRate> declared;
  if (t.declared_rate.num > 0 && t.declared_rate.den > 0)
    if (auto rate = clamp_to_range(av_q2d(t.declared_rate))) declared = snapped(*rate);
  const double tick = av_q2d(t.time_base);
  if (t.pts.empty() || !(tick > 0) || (t.pts.size() == 1 && t.last_duration <= 0)) return declared;
  if (declared && explains(t, av_q2d(t.declared_rate))) return declared;
  for (const auto& rate : common_rates())
    if (explains(t, rate.value())) return rate;
  // Variable or unusual timing: the mean rate over the clip, in doubles because the
  // timestamps come from the file and their differences may overflow.
  const double span =
      (static_cast<double>(t.pts.back()) - t.pts.front() + static_cast<double>(std::max<int64_t>(t.last_duration, 0))) *
      tick;
  const auto intervals = static_cast<double>(t.pts.size() - (t.last_duration > 0 ? 0 : 1));
  return span > 0 ? clamp_to_range(intervals / span) : std::nullopt;
}

}  // namespace gen::video::detail
