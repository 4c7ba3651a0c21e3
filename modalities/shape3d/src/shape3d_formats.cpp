#include <gen/shape3d/shape3d_formats.h>

#include <gen/error.h>
#include <gen/image/image_io.h>
#include <gen/shape3d/shape_io.h>
#include <gen/shape3d/surface.h>
#include <gen/shape3d/turntable.h>
#include <gen/video/video_io.h>

namespace gen::shape3d {
namespace {

int views_of(const Sample& sample, int fallback) {
  const auto it = sample.metadata.find("views");
  if (it == sample.metadata.end() || !it->is_number_integer() || it->get<int>() <= 0) return fallback;
  return it->get<int>();
}

TurntableOptions turntable_options(const Sample& sample, int default_views) {
  TurntableOptions o;
  o.views = views_of(sample, default_views);
  return o;
}

void write_turntable_clip(const std::filesystem::path& path, const torch::Tensor& data, const Sample& sample) {
  const auto frames = render_turntable(cloud_from_sample(data), turntable_options(sample, 24));
  video::WriteOptions options;
  options.text = sample.text;
  video::write_video(path, video::Video{frames, video::FrameRate::from_double(12)}, options);
}

void write_turntable_strip(const std::filesystem::path& path, const torch::Tensor& data, const Sample& sample) {
  auto o = turntable_options(sample, 8);
  o.width = o.height = 192;
  const auto frames = render_turntable(cloud_from_sample(data), o);  // [V, H, W, 3]
  image::write_png(path, image::Image{frames.permute({1, 0, 2, 3}).reshape({o.height, -1, 3}).contiguous()}, sample.text);
}

}  // namespace

PointCloud cloud_from_sample(const torch::Tensor& data) {
  if (data.dim() != 2 || (data.size(1) != 3 && data.size(1) != 6) || !data.is_floating_point())
    throw Error("a 3D sample must be float [N, 3] or [N, 6], got " + std::string(c10::toString(data.scalar_type())) +
                " " + c10::str(data.sizes()));
  PointCloud cloud;
  const auto points = data.to(torch::kFloat32).contiguous();
  cloud.xyz = points.narrow(1, 0, 3).contiguous();
  if (data.size(1) == 6) cloud.rgb = points.narrow(1, 3, 3).clamp(0, 1).contiguous();
  return cloud;
}

void add_shape3d_formats(OutputFormats& formats) {
  for (const auto& extension : point_cloud_extensions())
    formats.add(extension, Modality::shape3d, [](const std::filesystem::path& path, const torch::Tensor& data, const Sample&) {
      write_point_cloud(path, cloud_from_sample(data));
    });
  for (const auto& extension : mesh_extensions()) {
    if (extension == ".ply") continue;  // a .ply output holds the cloud itself
    formats.add(extension, Modality::shape3d, [](const std::filesystem::path& path, const torch::Tensor& data, const Sample&) {
      write_mesh(path, poisson_reconstruct(cloud_from_sample(data)));
    });
  }
  for (const char* extension : {".gif", ".mp4", ".webm"}) formats.add(extension, Modality::shape3d, write_turntable_clip);
  formats.add(".png", Modality::shape3d, write_turntable_strip);
}

}  // namespace gen::shape3d
