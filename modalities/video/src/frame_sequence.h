// Private: a clip as a folder of numbered images. Written as PNGs named by frame index
// (0000.png, 0001.png, ...; more digits when the clip needs them), each carrying the
// WriteOptions text and the rate as a PNG text chunk "fps" ("30000/1001").
#pragma once
#include <filesystem>

#include <gen/video/video_io.h>

namespace gen::video::detail {

// Creates the folder `path` (which must not exist) and its frames; removes it on failure.
void write_frame_sequence(const std::filesystem::path& path, const Video& video, const WriteOptions& options);
// Every PNG/JPEG in `folder`, ordered by the last number in its name, as RGB frames of
// one size. The rate is the first PNG's "fps" text, else `fallback_fps`.
Video read_frame_sequence(const std::filesystem::path& folder, const ReadLimits& limits, FrameRate fallback_fps);

// The text chunk key holding the rate.
constexpr const char* kFpsTextKey = "fps";

}  // namespace gen::video::detail
