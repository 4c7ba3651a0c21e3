#include <gen/output.h>

#include <random>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/runtime.h>

namespace gen {

namespace {
// The request's parameter block for its modality, flat beside the shared fields.
void add_block(nlohmann::json& j, const Request& r) {
  switch (r.modality) {
    case Modality::image:
      j["width"] = r.image.width;
      j["height"] = r.image.height;
      if (!r.image.init_image.empty()) j["init_image"] = r.image.init_image;
      if (!r.image.mask.empty()) j["mask"] = r.image.mask;
      if (!r.image.pad.empty()) j["pad"] = r.image.pad;
      if (r.image.strength >= 0) j["strength"] = r.image.strength;
      break;
    case Modality::video:
      j["width"] = r.video.width;
      j["height"] = r.video.height;
      j["frames"] = r.video.frames;
      j["fps"] = r.video.fps;
      if (!r.video.init.empty()) j["init"] = r.video.init;
      if (r.video.strength >= 0) j["strength"] = r.video.strength;
      break;
    case Modality::audio:
      j["duration"] = r.audio.duration;
      j["sample_rate"] = r.audio.sample_rate;
      if (!r.audio.init.empty()) j["init"] = r.audio.init;
      if (r.audio.strength >= 0) j["strength"] = r.audio.strength;
      break;
    case Modality::shape3d:
      j["points"] = r.shape3d.points;
      if (!r.shape3d.mesh.empty()) j["mesh"] = r.shape3d.mesh;
      if (!r.shape3d.render.empty()) j["render"] = r.shape3d.render;
      if (r.shape3d.sds) j["sds"] = true;
      if (!r.shape3d.prior.empty()) j["prior"] = r.shape3d.prior;
      j["views"] = r.shape3d.views;
      break;
    case Modality::motion:
      j["duration"] = r.motion.duration;
      j["frames"] = r.motion.frames;
      j["fps"] = r.motion.fps;
      j["skeleton"] = r.motion.skeleton;
      if (!r.motion.init.empty()) j["init"] = r.motion.init;
      if (!r.motion.keep_frames.empty()) j["keep_frames"] = r.motion.keep_frames;
      if (!r.motion.keep_joints.empty()) j["keep_joints"] = r.motion.keep_joints;
      break;
  }
}
}  // namespace

std::filesystem::path numbered_output(const std::filesystem::path& base, int index, int count) {
  if (count <= 1) return base;
  auto name = base.stem().string() + "_" + std::to_string(index) + base.extension().string();
  return base.parent_path() / name;
}

std::filesystem::path with_extension(const std::filesystem::path& path, const std::string& ext) {
  auto p = path;
  p.replace_extension(ext);
  return p;
}

int64_t resolve_seed(int64_t seed) {
  if (seed >= 0) return seed;
  std::random_device rd;
  // 31 bits: small enough to type back in, enough to never repeat by chance in practice.
  return static_cast<int64_t>(rd() & 0x7fffffffu);
}

nlohmann::json request_metadata(const Request& r, int64_t seed) {
  nlohmann::json j;
  j["generator"] = version_string();
  j["prompt"] = r.prompt;
  j["negative_prompt"] = r.negative_prompt;
  j["model"] = r.model;
  j["steps"] = r.steps;
  j["cfg_scale"] = r.cfg_scale;
  j["sampler"] = r.sampler;
  j["scheduler"] = r.scheduler;
  j["seed"] = seed;
  j["modality"] = modality_name(r.modality);
  add_block(j, r);
  j["batch_count"] = r.batch_count;
  j["threads"] = num_threads();
  j["device"] = r.device;
  j["options"] = r.options;
  return j;
}

void write_sidecar(const std::filesystem::path& artifact, const nlohmann::json& metadata) {
  auto path = artifact;
  path += ".json";
  write_file_atomic(path, metadata.dump(2) + "\n");
}

}  // namespace gen
