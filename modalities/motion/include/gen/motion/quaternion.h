// Unit quaternions as float tensors [..., 4] in (w, x, y, z) order, batched over any
// leading dimensions. Rotations act on column vectors: v' = q v q*.
#pragma once
#include <torch/types.h>

#include <gen/export.h>

namespace gen::motion {

GEN_API torch::Tensor quat_identity(torch::IntArrayRef leading);          // [..., 4]
GEN_API torch::Tensor quat_multiply(const torch::Tensor& a, const torch::Tensor& b);  // a then-applied-after b: (a b) v = a (b v)
GEN_API torch::Tensor quat_conjugate(const torch::Tensor& q);
GEN_API torch::Tensor quat_normalize(const torch::Tensor& q);
GEN_API torch::Tensor quat_rotate(const torch::Tensor& q, const torch::Tensor& v);    // v [..., 3]
// axis [..., 3] (need not be unit), angle [...] in radians.
GEN_API torch::Tensor quat_from_axis_angle(const torch::Tensor& axis, const torch::Tensor& angle);
// The shortest rotation taking direction a to direction b (both [..., 3], any length).
GEN_API torch::Tensor quat_between(const torch::Tensor& a, const torch::Tensor& b);
GEN_API torch::Tensor quat_to_matrix(const torch::Tensor& q);       // [..., 3, 3]
GEN_API torch::Tensor quat_from_matrix(const torch::Tensor& m);     // [..., 3, 3] -> [..., 4], w >= 0
// Intrinsic Euler angles in degrees for BVH channel orders such as "ZXY" (the rotation
// is R = R_Z R_X R_Y for "ZXY": the first channel is outermost).
GEN_API torch::Tensor quat_from_euler(const torch::Tensor& degrees, const std::string& order);
GEN_API torch::Tensor quat_to_euler(const torch::Tensor& q, const std::string& order);

}  // namespace gen::motion
