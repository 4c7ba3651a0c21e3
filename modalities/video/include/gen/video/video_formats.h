// The video writers the generation host picks by extension (gen/output_formats.h).
#pragma once
#include <gen/export.h>
#include <gen/output_formats.h>

namespace gen::video {

// ".mp4", ".webm", ".gif", ".frames" for uint8 [F, H, W, C] video samples. The rate is
// the sample's metadata "fps" (a number or "30000/1001"); a sample without one (a
// preview) is written at kDefaultFps. The sample's text goes into the file's metadata.
GEN_API void add_video_formats(OutputFormats& formats);

constexpr double kDefaultFps = 8;  // AnimateDiff's customary rate

}  // namespace gen::video
