#include <gen/image/image_formats.h>

#include <gen/error.h>
#include <gen/image/image_io.h>

namespace gen::image {
namespace {

void write_png_sample(const std::filesystem::path& path, const torch::Tensor& data, const Sample& sample) {
  if (data.dim() != 3 || data.scalar_type() != torch::kUInt8)
    throw Error("an image sample must be uint8 [H, W, C], got " + std::string(data.toString()) + " of " +
                std::to_string(data.dim()) + " dimensions");
  write_png(path, Image{data.contiguous()}, sample.text);
}

}  // namespace

void add_image_formats(OutputFormats& formats) { formats.add(".png", Modality::image, write_png_sample); }

}  // namespace gen::image
