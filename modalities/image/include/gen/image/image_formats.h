// The image writers the generation host picks by extension (gen/output_formats.h).
#pragma once
#include <gen/export.h>
#include <gen/output_formats.h>

namespace gen::image {

// ".png": uint8 [H, W, C] samples, with the sample's text as PNG text chunks.
GEN_API void add_image_formats(OutputFormats& formats);

}  // namespace gen::image
