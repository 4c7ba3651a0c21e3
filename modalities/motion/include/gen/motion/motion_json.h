// Motions as JSON, readable from any language without a BVH parser:
//   {"format": "gen-motion", "version": 1, "fps": 20, "skeleton": "smpl22",
//    "joints": ["pelvis", ...], "parents": [-1, 0, ...], "offsets": [[x, y, z], ...],
//    "frames": F, "positions": [[[x, y, z] per joint] per frame]}
// Positions and offsets in metres, y up, rounded to the micrometre. Rotations are not
// stored (write BVH for those).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <gen/export.h>
#include <gen/motion/motion.h>

namespace gen::motion {

GEN_API std::string encode_motion_json(const Motion& motion);
GEN_API void write_motion_json(const std::filesystem::path& path, const Motion& motion);  // atomic

// Needs "fps" and "positions"; the skeleton comes from "joints" + "parents" (+ "offsets",
// else frame 0's bones), or from a known "skeleton" name alone. Anything malformed is
// one gen::InputError naming `name` and the field.
GEN_API Motion decode_motion_json(std::string_view text, const std::string& name = "<memory>");
GEN_API Motion read_motion_json(const std::filesystem::path& path, int64_t max_bytes = int64_t{64} << 20);

}  // namespace gen::motion
