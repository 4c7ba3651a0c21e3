// The extensions the mesh fuzzer's first byte chooses from (shared with its seed maker).
#pragma once
#include <string>
#include <vector>

namespace gen::fuzz {

inline const std::vector<std::string>& mesh_fuzz_extensions() {
  static const std::vector<std::string> e{".obj", ".off", ".stl", ".glb", ".gltf", ".pcd", ".xyz"};
  return e;
}

}  // namespace gen::fuzz
