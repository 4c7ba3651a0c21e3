#include <gen/motion/motion_io.h>

#include <algorithm>
#include <cctype>

#include <gen/error.h>
#include <gen/motion/bvh.h>
#include <gen/motion/motion_json.h>
#include <gen/motion/motion_npy.h>
#include <gen/video/video_io.h>

namespace gen::motion {
namespace {

std::string extension_of(const std::filesystem::path& path) {
  auto e = path.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e;
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& e : list) out += (out.empty() ? "" : ", ") + e;
  return out;
}

void write_stick_figure(const std::filesystem::path& path, const Motion& motion, const MotionWriteOptions& options) {
  video::Video clip{render_stick_figure(motion, options.video), video::FrameRate::from_double(motion.fps)};
  video::write_video(path, clip, video::WriteOptions{options.text});
}

}  // namespace

const std::vector<std::string>& motion_write_extensions() {
  static const std::vector<std::string> list = {".bvh", ".json", ".npy", ".mp4", ".webm", ".gif"};
  return list;
}

const std::vector<std::string>& motion_read_extensions() {
  static const std::vector<std::string> list = {".bvh", ".json", ".npy"};
  return list;
}

void write_motion(const std::filesystem::path& path, const Motion& motion, const MotionWriteOptions& options) {
  const auto e = extension_of(path);
  if (e == ".bvh") return write_bvh(path, motion);
  if (e == ".json") return write_motion_json(path, motion);
  if (e == ".npy") return write_motion_npy(path, motion);
  if (e == ".mp4" || e == ".webm" || e == ".gif") return write_stick_figure(path, motion, options);
  throw UsageError("cannot write a motion as '" + e + "' (" + path.string() + "); use " + joined(motion_write_extensions()));
}

Motion read_motion(const std::filesystem::path& path) {
  const auto e = extension_of(path);
  if (e == ".bvh") return read_bvh(path);
  if (e == ".json") return read_motion_json(path);
  if (e == ".npy") return read_motion_npy(path);
  throw InputError("cannot read a motion from '" + path.string() + "'; use " + joined(motion_read_extensions()));
}

}  // namespace gen::motion
