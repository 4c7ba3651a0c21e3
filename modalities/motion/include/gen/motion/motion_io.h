// Motion files chosen by extension, for programs and for motion inputs (editing):
//   .bvh               gen/motion/bvh.h (rotations; metres)
//   .json              gen/motion/motion_json.h (positions, skeleton)
//   .npy               gen/motion/motion_npy.h (positions; write only positions)
//   .mp4 .webm .gif    stick-figure video, gen/motion/stick_figure.h (write only)
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/motion/motion.h>
#include <gen/motion/stick_figure.h>

namespace gen::motion {

struct MotionWriteOptions {
  StickFigureOptions video;                   // for .mp4, .webm, .gif
  std::map<std::string, std::string> text;    // video metadata tags (MP4, WebM)
};

// The extensions write_motion knows, and those read_motion knows.
GEN_API const std::vector<std::string>& motion_write_extensions();
GEN_API const std::vector<std::string>& motion_read_extensions();

// Writes atomically; a gen::UsageError for an extension it does not know.
GEN_API void write_motion(const std::filesystem::path& path, const Motion& motion, const MotionWriteOptions& options = {});
// A gen::InputError for an extension it does not know or a malformed file.
GEN_API Motion read_motion(const std::filesystem::path& path);

}  // namespace gen::motion
