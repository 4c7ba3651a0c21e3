// Private: one function per output format; write_video picks one by extension.
#pragma once
#include <filesystem>

#include <gen/video/video_io.h>

namespace gen::video::detail {

void write_mp4(const std::filesystem::path& path, const Video& video, const WriteOptions& options);
void write_webm(const std::filesystem::path& path, const Video& video, const WriteOptions& options);
void write_gif(const std::filesystem::path& path, const Video& video, const WriteOptions& options);
void write_frame_sequence(const std::filesystem::path& path, const Video& video, const WriteOptions& options);

// The metadata key an MP4 carries when its frames were padded to even sizes: "WxH",
// the picture in the top-left corner of the coded frames (the reader crops to it).
constexpr const char* kVisibleSizeTag = "gen_visible_size";

}  // namespace gen::video::detail
