// Reading and writing image files. PNG output carries text chunks (the
// "parameters" chunk other diffusion tools read) and is written atomically.
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include <gen/export.h>
#include <gen/image/image.h>

namespace gen::image {

// PNG or JPEG (and the other formats stb_image knows). Throws gen::InputError.
GEN_API Image read_image(const std::filesystem::path& path);

// Writes PNG with tEXt/iTXt chunks, via a temporary file renamed on success.
GEN_API void write_png(const std::filesystem::path& path, const Image& image,
                       const std::map<std::string, std::string>& text = {});

// The text chunks of a PNG file (for tests and `gen` tooling). Throws gen::InputError.
GEN_API std::map<std::string, std::string> read_png_text(const std::filesystem::path& path);

}  // namespace gen::image
