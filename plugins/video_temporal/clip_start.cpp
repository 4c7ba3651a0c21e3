// -i: an image starts image-to-video (it becomes frame 0), a clip or a folder of frames
// starts video-to-video. Images are told apart by extension; everything else goes to
// the video reader, which recognises containers by content.
#include <algorithm>
#include <cctype>

#include <gen/error.h>
#include <gen/image/image.h>
#include <gen/image/image_io.h>
#include <gen/video/video.h>
#include <gen/video/video_io.h>

#include "video_temporal.h"

namespace video_temporal {
namespace {

bool is_image_path(const std::filesystem::path& path) {
  auto ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

}  // namespace

ClipStart load_clip_start(const std::string& path, int frames_wanted) {
  ClipStart start;
  if (path.empty()) return start;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw gen::InputError("-i " + path + ": no such file or folder");
  if (is_image_path(path)) {
    start.first_frame = gen::image::to_signed_float(gen::image::with_channels(gen::image::read_image(path), 3));
    return start;
  }
  gen::video::ReadLimits limits;
  if (frames_wanted > 0) limits.max_frames = std::max<int64_t>(frames_wanted, limits.max_frames);
  auto clip = gen::video::with_channels(gen::video::read_video(path, limits), 3);
  start.fps = clip.fps.value();
  start.clip = gen::video::to_signed_float(clip);
  if (frames_wanted > 0) {
    if (start.clip.size(0) < frames_wanted)
      throw gen::InputError("-i " + path + " has " + std::to_string(start.clip.size(0)) + " frames but --frames asks for " +
                            std::to_string(frames_wanted));
    start.clip = start.clip.narrow(0, 0, frames_wanted);
  }
  return start;
}

}  // namespace video_temporal
