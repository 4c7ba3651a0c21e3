#include "pose_solver.h"

#include <limits>

#include "two_bone_ik.h"

namespace gen::humans {

namespace {

// The highest the pelvis may be for the leg of `side` to reach its ankle target with
// `reach` of its length, given the frame's pelvis position (x, z) and rotation.
double pelvis_limit(const BodyFrame& f, int side, double reach) {
  const auto& b = body();
  const Vec3 hip_offset = rotate(f.pelvis_rotation, b.offset[hip(side)]);
  const Vec3 target = ankle_of(f.feet[side]);
  const double across = norm(ground(f.pelvis + hip_offset - target));
  const double longest = reach * b.leg_length();
  const double vertical = across < longest ? std::sqrt(longest * longest - across * across) : 0;
  return target.y + vertical - hip_offset.y;
}

double frame_limit(const BodyFrame& f, double reach) {
  return std::min(pelvis_limit(f, kLeft, reach), pelvis_limit(f, kRight, reach));
}

// The pelvis heights: as wished, except lowered where a leg falls short of its foot.
// The lowering is widened (a running maximum over 5 frames) and then blurred, so it is
// smooth and still at least as deep as needed everywhere; the wished motion is kept
// exactly wherever no leg is short (a jump's flight stays ballistic).
std::vector<double> pelvis_heights(const Track& track) {
  const long n = static_cast<long>(track.size());
  std::vector<double> shortfall(n), widened(n), y(n);
  for (long i = 0; i < n; ++i) shortfall[i] = std::max(0.0, track[i].pelvis.y - frame_limit(track[i], 0.985));
  auto at = [n](const std::vector<double>& v, long i) { return v[std::clamp(i, 0L, n - 1)]; };
  for (long i = 0; i < n; ++i) {
    widened[i] = 0;
    for (long k = -2; k <= 2; ++k) widened[i] = std::max(widened[i], at(shortfall, i + k));
  }
  const double w[5] = {1, 4, 6, 4, 1};
  for (long i = 0; i < n; ++i) {
    double lowered = 0;
    for (long k = -2; k <= 2; ++k) lowered += w[k + 2] / 16 * at(widened, i + k);
    // A last cap, a little looser, in case the blur left a frame short.
    y[i] = std::min(track[i].pelvis.y - lowered, frame_limit(track[i], 0.998));
  }
  return y;
}

// The knee's bend direction: the limb's direction turned 90 degrees forward in the
// foot's own vertical plane, so a knee is in front of a hanging leg and above a leg
// kicked out forward.
Vec3 knee_pole(Vec3 hip_position, Vec3 ankle_target, double foot_yaw) {
  const Quat facing = rot_y(foot_yaw);
  const Vec3 d = rotate(conjugate(facing), ankle_target - hip_position);
  return rotate(facing, Vec3{0, d.z, -d.y});
}

void solve_legs(const BodyFrame& f, Vec3 pelvis, Rotations& local) {
  const auto& b = body();
  for (int side : {kLeft, kRight}) {
    const Quat p = f.pelvis_rotation;
    const Vec3 hip_position = pelvis + rotate(p, b.offset[hip(side)]);
    const Vec3 target = ankle_of(f.feet[side]);
    const TwoBoneChain chain{rotate(p, b.offset[knee(side)]), rotate(p, b.offset[ankle(side)]), rotate(p, {1, 0, 0})};
    const auto s = solve_two_bone(chain, hip_position, target, knee_pole(hip_position, target, f.feet[side].yaw));
    const Quat hip_global = s.upper * p, knee_global = s.lower * p;
    const Quat ankle_global = rot_y(f.feet[side].yaw) * rot_x(f.feet[side].pitch);
    local[hip(side)] = conjugate(p) * hip_global;
    local[knee(side)] = conjugate(hip_global) * knee_global;
    local[ankle(side)] = conjugate(knee_global) * ankle_global;
    local[foot(side)] = Quat{};
  }
}

}  // namespace

SolvedTrack solve_track(const Track& track) {
  const int64_t n = static_cast<int64_t>(track.size());
  const auto heights = pelvis_heights(track);
  SolvedTrack out;
  out.rotations = torch::empty({n, kJoints, 4}, torch::kFloat32);
  out.root = torch::empty({n, 3}, torch::kFloat32);
  out.contacts = torch::empty({n, 2}, torch::kBool);
  auto rot = out.rotations.accessor<float, 3>();
  auto root = out.root.accessor<float, 2>();
  auto contact = out.contacts.accessor<bool, 2>();
  Rotations previous;
  for (int64_t i = 0; i < n; ++i) {
    const BodyFrame& f = track[static_cast<size_t>(i)];
    Vec3 pelvis = f.pelvis;
    pelvis.y = heights[static_cast<size_t>(i)];
    Rotations local = f.local;
    local[kPelvis] = f.pelvis_rotation;
    solve_legs(f, pelvis, local);
    for (int j = 0; j < kJoints; ++j) {
      Quat q = normalized(local[j]);
      // q and -q are one rotation; keep each joint's sign continuous over time.
      if (i > 0 ? quat_dot(q, previous[j]) < 0 : q.w < 0) q = {-q.w, -q.x, -q.y, -q.z};
      local[j] = q;
      rot[i][j][0] = static_cast<float>(q.w), rot[i][j][1] = static_cast<float>(q.x);
      rot[i][j][2] = static_cast<float>(q.y), rot[i][j][3] = static_cast<float>(q.z);
    }
    previous = local;
    root[i][0] = static_cast<float>(pelvis.x), root[i][1] = static_cast<float>(pelvis.y);
    root[i][2] = static_cast<float>(pelvis.z);
    contact[i][0] = f.feet[kLeft].contact, contact[i][1] = f.feet[kRight].contact;
  }
  return out;
}

}  // namespace gen::humans
