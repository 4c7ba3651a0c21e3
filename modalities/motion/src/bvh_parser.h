// The BVH file as written: its joints (end sites included, in file order) with offsets
// and channels, and the motion values. Building a Motion from it is bvh_reader.cpp's job.
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <torch/types.h>

#include <gen/motion/bvh.h>

namespace gen::motion::detail {

struct BvhChannel {
  bool rotation = false;  // else a position
  int axis = 0;           // 0 x, 1 y, 2 z
};

struct BvhJoint {
  std::string name;
  int parent = -1;
  std::array<double, 3> offset{0, 0, 0};
  std::vector<BvhChannel> channels;
  bool end_site = false;
};

struct BvhDocument {
  std::vector<BvhJoint> joints;
  double frame_time = 0;  // seconds
  torch::Tensor values;   // float [frames, channels of all joints in file order]
};

// Throws gen::InputError "<name>:<line>: ..." for anything malformed or over a limit.
BvhDocument parse_bvh(std::string_view text, const std::string& name, const BvhReadOptions& options);

}  // namespace gen::motion::detail
