// gen's reader of PCL's PCD files (ASCII, binary and LZF binary_compressed). Open3D's
// reader trusts the header — a file without WIDTH, POINTS or DATA leaves its counts
// uninitialised (found by fuzz/mesh_fuzz.cpp) and SIZE/COUNT lines in an unusual order
// shift its field offsets — so the header is checked here, every count against the
// bytes that follow, before anything is allocated.
#pragma once
#include <cstdint>
#include <string_view>

#include <gen/shape3d/point_cloud.h>

namespace gen::shape3d::detail {

// `bytes` is the whole file. Points without finite coordinates (PCL marks holes with
// NaN) are dropped and counted in `dropped`. Throws std::invalid_argument with a reason
// a user can act on: a malformed or inconsistent header, a body shorter than the header
// says, more than `max_points` points, or no point with finite coordinates.
PointCloud read_pcd(std::string_view bytes, int64_t max_points, int64_t* dropped = nullptr);

}  // namespace gen::shape3d::detail
