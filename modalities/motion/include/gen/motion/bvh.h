// Biovision hierarchy (BVH) files.
//
// Writing: the skeleton's joints (smpl22: pelvis, left_hip, ...) as the hierarchy, in
// depth-first order; the root with 6 channels (Xposition Yposition Zposition Zrotation
// Xrotation Yrotation), every other joint with 3 (Zrotation Xrotation Yrotation: the
// rotation is Rz Rx Ry); an End Site 10 cm along the bone of every leaf joint; Frame
// Time 1/fps. Units are METRES, y up, which Blender's importer (scale 1.0) brings in at
// true size. A motion without rotations gets them from its positions
// (gen/motion/inverse_kinematics.h says exactly what that reproduces). Euler angles are
// unwrapped over time, so no channel jumps by 360 degrees between frames.
//
// Reading: any well-formed BVH — any joint names, order, channel counts (0 to 6) and
// channel orders, any hierarchy — as a Skeleton (its OFFSETs) and a Motion with
// rotations (relative to the file's rest pose) and positions. Position channels replace
// a joint's offset (as most tools write them). A file whose joints carry the smpl22
// names (also SMPL's "L_Hip" style, any case) with smpl22's parents is mapped onto
// smpl22's joint order (named "smpl22", with the file's offsets); joints beyond those
// (hands, fingers) are dropped. Otherwise the skeleton is named "bvh".
//
// Hostile input: truncated or malformed files (unknown keywords, bad or non-finite
// numbers, too few or too many values, absurd frame counts, nesting deeper than the
// limit, files over the size limit) are one gen::InputError "<name>:<line>: ...".
// Memory stays within ~60 bytes per frame and joint, bounded by the limits below, and
// the values of the motion must actually be in the file before any room is made for them.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <gen/export.h>
#include <gen/motion/motion.h>

namespace gen::motion {

// The BVH text of `motion` (see above).
GEN_API std::string encode_bvh(const Motion& motion);
// Writes encode_bvh(motion) atomically.
GEN_API void write_bvh(const std::filesystem::path& path, const Motion& motion);

struct BvhReadOptions {
  // File units to metres; 0 picks: metres, unless the rest skeleton is taller than 10
  // units, then centimetres (0.01).
  double scale = 0;
  int64_t max_bytes = int64_t{512} << 20;
  int64_t max_frames = 1'000'000;
  // frames x joints: what the motion's tensors take (~60 bytes each while reading).
  int64_t max_joint_frames = 16'000'000;
  int max_joints = 1024;  // joints and end sites
  int max_depth = 256;    // nesting of joints
};

GEN_API Motion decode_bvh(std::string_view text, const std::string& name = "<memory>", const BvhReadOptions& options = {});
GEN_API Motion read_bvh(const std::filesystem::path& path, const BvhReadOptions& options = {});

}  // namespace gen::motion
