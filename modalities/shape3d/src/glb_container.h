// Binary glTF (.glb) as text glTF: Debian's Open3D reads .glb only through Assimp, which
// is built without it, while its tinygltf reader takes text glTF. A GLB's JSON chunk
// gets its binary chunk back as a base64 data URI; every other URI is refused, so a
// hostile file cannot make the reader open files beside it.
#pragma once
#include <string>
#include <string_view>

namespace gen::shape3d::detail {

// Throws std::invalid_argument with a reason for a malformed container.
std::string glb_to_gltf(std::string_view glb);

// For a text glTF: every buffer and image URI must be a data: URI or, when
// `allow_relative_files`, a relative path without "..". std::invalid_argument otherwise.
void check_gltf_uris(std::string_view gltf_text, bool allow_relative_files);

}  // namespace gen::shape3d::detail
