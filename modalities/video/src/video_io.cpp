#include <gen/video/video_io.h>

#include <algorithm>
#include <cctype>

#include <gen/atomic_file.h>
#include <gen/error.h>

#include "frame_sequence.h"
#include "input_source.h"
#include "video_reader.h"
#include "writers.h"

namespace gen::video {
namespace {

using Writer = void (*)(const std::filesystem::path&, const Video&, const WriteOptions&);

struct Format {
  std::string extension;
  Writer write;
};

const std::vector<Format>& formats() {
  static const std::vector<Format> all = {{".mp4", detail::write_mp4},
                                          {".webm", detail::write_webm},
                                          {".gif", detail::write_gif},
                                          {".frames", detail::write_frame_sequence}};
  return all;
}

std::string lower_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

}  // namespace

const std::vector<std::string>& video_extensions() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> e;
    for (const auto& f : formats()) e.push_back(f.extension);
    return e;
  }();
  return all;
}

void write_video(const std::filesystem::path& path, const Video& video, const WriteOptions& options) {
  const auto ext = lower_extension(path);
  const auto it = std::find_if(formats().begin(), formats().end(), [&](const Format& f) { return f.extension == ext; });
  if (it == formats().end())
    throw UsageError("cannot write video as '" + path.extension().string() + "' (" + path.string() +
                     "); formats: .mp4, .webm, .gif, .frames");
  check_layout(video);
  AtomicFile file(path);  // the temporary name keeps the extension FFmpeg goes by
  it->write(file.temp_path(), video, options);
  file.commit();
}

Video read_video(const std::filesystem::path& path, const ReadLimits& limits, FrameRate sequence_fps) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return detail::read_frame_sequence(path, limits, sequence_fps);
  if (!std::filesystem::exists(path, ec)) throw InputError("video file not found: " + path.string());
  detail::FileSource source(path);
  return detail::decode_video(source, path.string(), limits);
}

Video read_video_memory(std::string_view bytes, const ReadLimits& limits, const std::string& name) {
  detail::MemorySource source(bytes);
  return detail::decode_video(source, name, limits);
}

}  // namespace gen::video
