// A solid's surface: a triangle mesh (a surface of revolution about y, from the shape's
// profile in configs/solids/world.json), and coloured points sampled uniformly over it
// by area, with the faces' outward normals.
#pragma once
#include <cstdint>

#include <gen/export.h>
#include <gen/shape3d/mesh.h>
#include <gen/shape3d/point_cloud.h>
#include <gen/solids/solid_spec.h>

namespace gen::solids {

// The solid's mesh, y up, centred on its bounding box, largest side the size's extent,
// turned by the spec's yaw, coloured with its colour.
GEN_API shape3d::Mesh solid_mesh(const SolidSpec& spec);

// `count` points uniform over a mesh's area (deterministic for the seed), with face
// normals and the mesh's vertex colours interpolated.
GEN_API shape3d::PointCloud sample_surface(const shape3d::Mesh& mesh, int64_t count, uint64_t seed);

}  // namespace gen::solids
