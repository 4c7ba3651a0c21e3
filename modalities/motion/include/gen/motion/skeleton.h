// A kinematic tree: joint names, each joint's parent, and its rest offset from that
// parent. Coordinates follow HumanML3D: metres, y up, the character faces +z in its
// rest pose, so +x is its left.
#pragma once
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>

namespace gen::motion {

struct GEN_API Skeleton {
  std::string name;                 // "smpl22"; recorded in outputs' metadata
  std::vector<std::string> joints;  // joint names, root first
  std::vector<int> parents;         // parents[j] < j; -1 for the root (joint 0) only
  torch::Tensor offsets;            // float [J, 3]: joint j's rest position minus its parent's (root: 0)

  int joint_count() const { return static_cast<int>(joints.size()); }
  // The index of a joint; throws gen::InputError naming the skeleton when absent.
  int index_of(const std::string& joint) const;
  // The joints whose parent is j.
  std::vector<int> children(int j) const;
};

// Throws gen::InputError unless names, parents and offsets agree (sizes, parent order,
// unique names, finite offsets).
GEN_API void check_skeleton(const Skeleton& skeleton);

// The 22-joint SMPL body as HumanML3D uses it (joint order and parents of its
// kinematic chains; pelvis, left_hip, right_hip, spine1, ..., left_wrist, right_wrist),
// with SMPL-like bone lengths for a 1.7 m adult standing in an I-pose (arms down,
// feet pointing forward). The rest pose's lowest point (the toes) is 0.95 m below the pelvis.
GEN_API const Skeleton& smpl22();

// True when both have the same joint names in the same order with the same parents
// (offsets may differ: the same rig with other proportions or another rest pose).
GEN_API bool same_layout(const Skeleton& a, const Skeleton& b);

// Skeletons by name ("smpl22"); throws gen::UsageError listing the known names.
GEN_API const Skeleton& skeleton_by_name(const std::string& name);

// Rest-pose joint positions [J, 3] with the root at the origin.
GEN_API torch::Tensor rest_positions(const Skeleton& skeleton);

}  // namespace gen::motion
