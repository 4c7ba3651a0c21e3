// Private: a clip's frame rate from its frames' timestamps. Containers keep time in
// ticks (GIF in hundredths of a second, WebM in milliseconds), so a rate such as 30 or
// 30000/1001 comes back rounded; the rate reported is the first common rate that
// explains every timestamp to within half a tick, else the clip's mean rate.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include <gen/video/frame_rate.h>

extern "C" {
#include <libavutil/rational.h>
}

namespace gen::video::detail {

struct FrameTiming {
  std::vector<int64_t> pts;        // presentation times of the frames, in time_base ticks
  int64_t last_duration = 0;       // of the last frame, 0 when unknown
  AVRational time_base{0, 1};
  AVRational declared_rate{0, 1};  // what the container states, {0, 1} when nothing
};

// The rate, or nothing when the timestamps say nothing usable (one frame, no duration).
std::optional<FrameRate> frame_rate_of(FrameTiming timing);

}  // namespace gen::video::detail
