#include <gen/video/video_formats.h>

#include <gen/error.h>
#include <gen/video/video_io.h>

namespace gen::video {
namespace {

// The sample's "fps": a number (what plugins put) or a fraction string ("30000/1001").
FrameRate rate_of(const Sample& sample) {
  const auto it = sample.metadata.find("fps");
  if (it == sample.metadata.end() || it->is_null()) return FrameRate::from_double(kDefaultFps);
  if (it->is_number()) return FrameRate::from_double(it->get<double>());
  if (it->is_string()) return FrameRate::parse(it->get<std::string>());
  throw Error("a video sample's \"fps\" must be a number or \"N/D\", got " + it->dump());
}

// write_video picks the format from the path, which keeps the extension the host chose.
void write_sample(const std::filesystem::path& path, const torch::Tensor& data, const Sample& sample) {
  if (data.dim() != 4 || data.scalar_type() != torch::kUInt8)
    throw Error("a video sample must be uint8 [F, H, W, C], got " + std::string(c10::toString(data.scalar_type())) +
                " " + c10::str(data.sizes()));
  write_video(path, Video{data.contiguous(), rate_of(sample)}, WriteOptions{sample.text});
}

}  // namespace

void add_video_formats(OutputFormats& formats) {
  for (const auto& extension : video_extensions()) formats.add(extension, Modality::video, write_sample);
}

}  // namespace gen::video
