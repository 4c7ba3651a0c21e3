// Reading and writing video files. The format follows the path:
//   .mp4     H.264 (libx264), yuv420p, moov atom first ("faststart"): plays in browsers
//   .webm    VP9 (libvpx-vp9), yuv420p
//   .gif     one 256-colour palette computed for the whole clip (palettegen/paletteuse)
//   .frames  a folder of numbered PNGs, 0000.png, 0001.png, ...
// Writing is deterministic (same video -> same bytes) and atomic (a temporary sibling
// renamed on success). docs/video.md has the rules (odd sizes, frame rates, alpha).
//
// The first read or write sets FFmpeg up for the whole process: its log no longer goes
// to stderr (messages end up in the exceptions), and no single FFmpeg allocation may
// exceed 128 MiB (av_max_alloc), so a hostile header cannot make it reserve gigabytes.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gen/export.h>
#include <gen/video/video.h>

namespace gen::video {

struct WriteOptions {
  // Short texts stored in the file: MP4/WebM metadata tags, PNG text chunks of every
  // frame (e.g. "parameters", the A1111-style line). GIF stores none.
  std::map<std::string, std::string> text;
};

// The extensions write_video knows: ".mp4", ".webm", ".gif", ".frames".
GEN_API const std::vector<std::string>& video_extensions();

// Writes `video` in the format its extension names; a UsageError for another extension,
// gen::Error when the video is malformed or the file cannot be written.
GEN_API void write_video(const std::filesystem::path& path, const Video& video, const WriteOptions& options = {});

// Bounds on what a reader accepts, so a hostile file cannot exhaust memory or time.
struct ReadLimits {
  int64_t max_frames = 10000;
  int64_t max_frame_pixels = 4096 * 4096;       // width * height of one frame
  int64_t max_bytes = int64_t{2} << 30;         // of the decoded uint8 frames
  double max_seconds = 600;                     // wall time spent reading
};

// A clip decoded to RGB, uint8 [F, H, W, 3]: an MP4/MOV, WebM/Matroska or GIF file
// (recognised by content, not extension), or a folder of numbered images (PNG or JPEG,
// sorted by the number in their names; the rate from the first PNG's "fps" text, else
// `sequence_fps`). Truncated, malformed or over-limit input is one gen::InputError.
GEN_API Video read_video(const std::filesystem::path& path, const ReadLimits& limits = {},
                         FrameRate sequence_fps = {});
// The same for a file held in memory (`name` appears in error messages).
GEN_API Video read_video_memory(std::string_view bytes, const ReadLimits& limits = {},
                                const std::string& name = "<memory>");

}  // namespace gen::video
