#include <gen/motion/skeleton.h>

#include <set>

#include <gen/error.h>

namespace gen::motion {

int Skeleton::index_of(const std::string& joint) const {
  for (int j = 0; j < joint_count(); ++j)
    if (joints[j] == joint) return j;
  throw InputError("skeleton '" + name + "' has no joint '" + joint + "'");
}

std::vector<int> Skeleton::children(int j) const {
  std::vector<int> out;
  for (int c = 0; c < joint_count(); ++c)
    if (parents[c] == j) out.push_back(c);
  return out;
}

void check_skeleton(const Skeleton& s) {
  const auto where = "skeleton '" + s.name + "': ";
  const int64_t n = s.joint_count();
  if (n == 0) throw InputError(where + "no joints");
  if (static_cast<int64_t>(s.parents.size()) != n) throw InputError(where + "parents and joints differ in count");
  if (!s.offsets.defined() || s.offsets.dim() != 2 || s.offsets.size(0) != n || s.offsets.size(1) != 3)
    throw InputError(where + "offsets must be [" + std::to_string(n) + ", 3]");
  if (!torch::isfinite(s.offsets).all().item<bool>()) throw InputError(where + "offsets are not finite");
  std::set<std::string> names;
  for (int j = 0; j < n; ++j) {
    if (s.joints[j].empty() || !names.insert(s.joints[j]).second)
      throw InputError(where + "joint names must be unique and non-empty ('" + s.joints[j] + "')");
    const int p = s.parents[j];
    if (j == 0 ? p != -1 : (p < 0 || p >= j))
      throw InputError(where + "joint '" + s.joints[j] + "' has parent " + std::to_string(p) +
                       " (the root must be first and every parent must precede its children)");
  }
}

namespace {

Skeleton make_smpl22() {
  // HumanML3D's kinematic chains: legs 0-1-4-7-10 / 0-2-5-8-11, spine 0-3-6-9-12-15,
  // arms 9-13-16-18-20 / 9-14-17-19-21. Lengths: SMPL's neutral body, made symmetric.
  struct J {
    const char* name;
    int parent;
    float x, y, z;
  };
  static const J table[] = {
      {"pelvis", -1, 0, 0, 0},           {"left_hip", 0, 0.06f, -0.09f, 0},
      {"right_hip", 0, -0.06f, -0.09f, 0}, {"spine1", 0, 0, 0.12f, -0.02f},
      {"left_knee", 1, 0.0f, -0.38f, 0},  {"right_knee", 2, 0.0f, -0.38f, 0},
      {"spine2", 3, 0, 0.14f, 0.02f},     {"left_ankle", 4, 0, -0.42f, -0.03f},
      {"right_ankle", 5, 0, -0.42f, -0.03f}, {"spine3", 6, 0, 0.06f, 0},
      {"left_foot", 7, 0, -0.06f, 0.12f}, {"right_foot", 8, 0, -0.06f, 0.12f},
      {"neck", 9, 0, 0.21f, -0.02f},      {"left_collar", 9, 0.07f, 0.11f, -0.02f},
      {"right_collar", 9, -0.07f, 0.11f, -0.02f}, {"head", 12, 0, 0.09f, 0.05f},
      {"left_shoulder", 13, 0.12f, 0.03f, 0}, {"right_shoulder", 14, -0.12f, 0.03f, 0},
      {"left_elbow", 16, 0, -0.26f, 0},   {"right_elbow", 17, 0, -0.26f, 0},
      {"left_wrist", 18, 0, -0.25f, 0},   {"right_wrist", 19, 0, -0.25f, 0},
  };
  Skeleton s;
  s.name = "smpl22";
  auto offsets = torch::zeros({22, 3});
  auto acc = offsets.accessor<float, 2>();
  for (int j = 0; j < 22; ++j) {
    s.joints.emplace_back(table[j].name);
    s.parents.push_back(table[j].parent);
    acc[j][0] = table[j].x, acc[j][1] = table[j].y, acc[j][2] = table[j].z;
  }
  s.offsets = offsets;
  check_skeleton(s);
  return s;
}

}  // namespace

const Skeleton& smpl22() {
  static const Skeleton s = make_smpl22();
  return s;
}

bool same_layout(const Skeleton& a, const Skeleton& b) { return a.joints == b.joints && a.parents == b.parents; }

const Skeleton& skeleton_by_name(const std::string& name) {
  if (name == "smpl22" || name == "smpl" || name == "humanml3d") return smpl22();
  throw UsageError("unknown skeleton '" + name + "' (known: smpl22)");
}

torch::Tensor rest_positions(const Skeleton& s) {
  auto out = torch::zeros({s.joint_count(), 3});
  for (int j = 1; j < s.joint_count(); ++j) out[j] = out[s.parents[j]] + s.offsets[j];
  return out;
}

}  // namespace gen::motion
