#include "two_bone_ik.h"

namespace gen::humans {

TwoBoneSolution solve_two_bone(const TwoBoneChain& chain, Vec3 base, Vec3 target, Vec3 pole) {
  const double l1 = norm(chain.upper), l2 = norm(chain.lower);
  Vec3 to_target = target - base;
  double distance = norm(to_target);
  Vec3 dir = distance > 1e-9 ? to_target * (1.0 / distance) : Vec3{0, -1, 0};
  TwoBoneSolution s;
  // A fully straight limb has no bend plane left to choose; stop a hair short of it.
  const double longest = (l1 + l2) * 0.9999, shortest = std::abs(l1 - l2) + 1e-4;
  if (distance > longest || distance < shortest) s.reached = false;
  distance = std::clamp(distance, shortest, longest);
  // The pole's part perpendicular to the limb's line; when the pole is (nearly) along
  // the line, any perpendicular will do.
  Vec3 bend = pole - dir * dot(pole, dir);
  if (norm(bend) < 1e-6) bend = cross(dir, std::abs(dir.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0});
  bend = normalized(bend);
  // Law of cosines: the middle joint's distance along the line and off it.
  const double along = (l1 * l1 - l2 * l2 + distance * distance) / (2 * distance);
  const double off = std::sqrt(std::max(l1 * l1 - along * along, 0.0));
  s.middle = base + dir * along + bend * off;
  s.end = base + dir * distance;
  const Vec3 hinge = normalized(cross(bend, dir));
  // Each bone's frame (bone direction, hinge axis) at rest and now: both bones share
  // the hinge, so the middle joint's local rotation is a pure bend about it.
  // The rest lower bone is expressed in the middle joint's own frame, which at rest is
  // the base's: the same hinge serves both.
  const Vec3 upper_rest = normalized(chain.upper), lower_rest = normalized(chain.lower);
  auto perpendicular = [](Vec3 axis, Vec3 bone) { return normalized(axis - bone * dot(axis, bone)); };
  const Vec3 upper_dir = normalized(s.middle - base), lower_dir = normalized(s.end - s.middle);
  s.upper = frame_rotation(upper_rest, perpendicular(chain.hinge, upper_rest), upper_dir, perpendicular(hinge, upper_dir));
  s.lower = frame_rotation(lower_rest, perpendicular(chain.hinge, lower_rest), lower_dir, perpendicular(hinge, lower_dir));
  return s;
}

}  // namespace gen::humans
