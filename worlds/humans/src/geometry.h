// Scalar 3-vectors and unit quaternions in double precision for the animator. A clip
// is built frame by frame from a few hundred small rotations; doing that with torch
// tensors would spend its time in dispatch, so only the final forward kinematics runs
// in torch. Conventions match gen/motion/quaternion.h: (w, x, y, z), a * b applies b
// first, metres, y up.
#pragma once
#include <algorithm>
#include <cmath>

namespace gen::humans {

struct Vec3 {
  double x = 0, y = 0, z = 0;
};

inline Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
inline Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
inline Vec3 operator-(Vec3 a) { return {-a.x, -a.y, -a.z}; }
inline Vec3 operator*(Vec3 a, double s) { return {a.x * s, a.y * s, a.z * s}; }
inline Vec3 operator*(double s, Vec3 a) { return a * s; }
inline double dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline Vec3 cross(Vec3 a, Vec3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
inline double norm(Vec3 a) { return std::sqrt(dot(a, a)); }
inline Vec3 normalized(Vec3 a) {
  const double n = norm(a);
  return n > 1e-12 ? a * (1.0 / n) : Vec3{0, 0, 0};
}
inline Vec3 lerp(Vec3 a, Vec3 b, double t) { return a + (b - a) * t; }
// The horizontal (x, z) part of a vector, y set to 0.
inline Vec3 ground(Vec3 a) { return {a.x, 0, a.z}; }

struct Quat {
  double w = 1, x = 0, y = 0, z = 0;
};

inline Quat operator*(Quat a, Quat b) {
  return {a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z, a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
          a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x, a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w};
}
inline Quat conjugate(Quat q) { return {q.w, -q.x, -q.y, -q.z}; }
inline Quat normalized(Quat q) {
  const double n = std::sqrt(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
  return n > 1e-12 ? Quat{q.w / n, q.x / n, q.y / n, q.z / n} : Quat{};
}
inline Vec3 rotate(Quat q, Vec3 v) {
  const Vec3 u{q.x, q.y, q.z};
  const Vec3 uv = cross(u, v);
  return v + 2.0 * (q.w * uv + cross(u, uv));
}
inline Quat axis_angle(Vec3 axis, double angle) {
  const Vec3 a = normalized(axis) * std::sin(angle / 2);
  return {std::cos(angle / 2), a.x, a.y, a.z};
}
// Rotations about the body axes: x (towards the character's left), y (up), z (forward).
// rot_x(+a) tips +z (forward) down and +y (up) forward; rot_y(+a) turns +z towards +x
// (a left turn, counter-clockwise seen from above); rot_z(+a) tips -y (down) towards +x.
inline Quat rot_x(double a) { return axis_angle({1, 0, 0}, a); }
inline Quat rot_y(double a) { return axis_angle({0, 1, 0}, a); }
inline Quat rot_z(double a) { return axis_angle({0, 0, 1}, a); }

inline double quat_dot(Quat a, Quat b) { return a.w * b.w + a.x * b.x + a.y * b.y + a.z * b.z; }
// Spherical interpolation along the shorter arc.
inline Quat slerp(Quat a, Quat b, double t) {
  double d = quat_dot(a, b);
  if (d < 0) b = {-b.w, -b.x, -b.y, -b.z}, d = -d;
  if (d > 0.9995)
    return normalized({a.w + (b.w - a.w) * t, a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t});
  const double theta = std::acos(std::clamp(d, -1.0, 1.0)), s = std::sin(theta);
  const double wa = std::sin((1 - t) * theta) / s, wb = std::sin(t * theta) / s;
  return {wa * a.w + wb * b.w, wa * a.x + wb * b.x, wa * a.y + wb * b.y, wa * a.z + wb * b.z};
}
// The shortest rotation taking direction a to direction b.
inline Quat rotation_between(Vec3 a, Vec3 b) {
  a = normalized(a), b = normalized(b);
  const double d = dot(a, b);
  if (d < -1 + 1e-9) {
    const Vec3 helper = std::abs(a.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0};
    return axis_angle(cross(a, helper), M_PI);
  }
  const Vec3 c = cross(a, b);
  return normalized(Quat{1 + d, c.x, c.y, c.z});
}
// The rotation taking the orthonormal frame (a0, b0, a0 x b0) to (a1, b1, a1 x b1);
// each pair must be orthonormal.
Quat frame_rotation(Vec3 a0, Vec3 b0, Vec3 a1, Vec3 b1);

// The heading direction of a yaw angle: yaw 0 faces +z, +pi/2 faces +x.
inline Vec3 heading(double yaw) { return {std::sin(yaw), 0, std::cos(yaw)}; }
// A vector given in a heading frame (x left, y up, z forward) in world coordinates.
inline Vec3 from_heading(double yaw, Vec3 local) { return rotate(rot_y(yaw), local); }
// The smallest signed angle from a to b (radians, in (-pi, pi]).
inline double angle_difference(double a, double b) { return std::remainder(b - a, 2 * M_PI); }

// Easing: smoothstep (C1) and smootherstep (C2) of t clamped to [0, 1].
inline double smoothstep(double t) {
  t = std::clamp(t, 0.0, 1.0);
  return t * t * (3 - 2 * t);
}
inline double smootherstep(double t) {
  t = std::clamp(t, 0.0, 1.0);
  return t * t * t * (t * (6 * t - 15) + 10);
}
// 0 before a, 1 after b, smooth in between (a < b).
inline double ramp(double t, double a, double b) { return smoothstep((t - a) / std::max(b - a, 1e-9)); }
inline double mix(double a, double b, double t) { return a + (b - a) * t; }
inline double radians(double degrees) { return degrees * M_PI / 180.0; }

}  // namespace gen::humans
