#include <gen/shapes/motion_dataset.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/staged_folder.h>
#include <gen/safetensors.h>
#include <gen/shapes/clip_record.h>
#include <gen/shapes/shapes_dataset.h>
#include <gen/video/video_io.h>

namespace gen::shapes {

namespace {

namespace fs = std::filesystem;

void write_split(const fs::path& dir, const std::string& name, int64_t count, bool heldout, std::mt19937_64& rng,
                 const MotionDatasetOptions& o, const ProgressCallback& progress) {
  fs::create_directories(dir);
  auto frames = torch::empty({count, o.frames, o.size, o.size, 3}, torch::kUInt8);
  std::string lines;
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < count; ++i) {
    const auto clip = random_clip(rng, heldout);
    const auto video = render_clip(clip, o.frames, o.size);
    frames[i].copy_(video.frames);
    lines += clip_record(clip).dump() + "\n";
    if (i < o.examples)
      for (const char* ext : {".mp4", ".gif"})
        video::write_video(dir / ("example_" + std::to_string(i) + ext), video, {{{"caption", caption_clip(clip, 0)}}});
    if (progress && ((i + 1) % 64 == 0 || i + 1 == count)) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (progress({"rendering " + name, i + 1, count, elapsed, ""}) == ProgressAction::stop) throw Cancelled();
    }
  }
  save_safetensors(dir / "clips.safetensors", {{"frames", frames}},
                   {{"split", name}, {"seed", std::to_string(o.seed)}, {"fps", std::to_string(kClipFps)}});
  write_file_atomic(dir / "clips.jsonl", lines);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw InputError("cannot read " + path.string());
  return text.str();
}

}  // namespace

void write_motion_dataset(const fs::path& dir, const MotionDatasetOptions& o, const ProgressCallback& progress) {
  if (o.train_count < 1 || o.heldout_count < 0) throw UsageError("the dataset needs at least one training clip");
  if (o.frames < 2 || o.frames > 256) throw UsageError("--frames must be in 2..256 (motion needs two frames)");
  if (o.size < 16 || o.size > 512) throw UsageError("--size must be in 16..512");
  StagedFolder out(dir, "dataset.json", "video dataset");
  // One generator for both splits, as the still dataset does: the splits never share a draw.
  std::mt19937_64 rng(o.seed);
  write_split(out / "train", "train", o.train_count, false, rng, o, progress);
  write_split(out / "heldout", "heldout", o.heldout_count, true, rng, o, progress);
  std::vector<std::pair<std::string, std::string>> heldout;
  for (const auto& shape : shape_names())
    for (const auto& motion : motion_names())
      if (is_heldout_motion_pair(shape, motion)) heldout.emplace_back(shape, motion);
  nlohmann::json meta{{"name", "gen-shapes-motion"}, {"version", 1},      {"seed", o.seed},
                      {"frames", o.frames},          {"size", o.size},    {"fps", kClipFps},
                      {"train", o.train_count},      {"heldout", o.heldout_count},
                      {"shapes", shape_names()},     {"colors", shape_colors()},
                      {"backgrounds", background_colors()}, {"motions", motion_names()},
                      {"heldout_pairs", heldout}};
  // The rules a video model trained on these clips can ship (scripts/train_default_video.sh).
  write_file_atomic(out / "prompt_travel.json", clip_travel_rules().dump(2) + "\n");
  write_file_atomic(out / "dataset.json", meta.dump(2) + "\n");
  out.commit();
}

MotionSplit read_motion_split(const fs::path& dir, const std::string& split) {
  const auto folder = dir / split, frames_path = folder / "clips.safetensors", meta_path = folder / "clips.jsonl";
  if (!fs::is_regular_file(frames_path) || !fs::is_regular_file(meta_path))
    throw InputError("no motion dataset split '" + split + "' in " + dir.string() + " (expected " + split +
                     "/clips.safetensors and " + split + "/clips.jsonl; make one with `gen data video -o " +
                     dir.string() + "`)");
  MotionSplit out;
  {
    const auto file = SafeTensorsFile::open(frames_path);
    if (!file.contains("frames")) throw InputError(frames_path.string() + " has no tensor \"frames\"");
    const auto& info = file.info("frames");
    if (info.dtype != "U8" || info.shape.size() != 5 || info.shape[4] != 3 || info.shape[1] < 1 ||
        info.shape[2] < 8 || info.shape[3] < 8)
      throw InputError(frames_path.string() + ": \"frames\" must be uint8 [N, F, H, W, 3] with F >= 1, H, W >= 8");
    out.frames = file.get("frames");
  }
  out.clips = parse_clip_jsonl(read_text(meta_path), meta_path.string());
  if (static_cast<int64_t>(out.clips.size()) != out.frames.size(0))
    throw InputError(meta_path.string() + " has " + std::to_string(out.clips.size()) + " clips but " +
                     frames_path.string() + " has " + std::to_string(out.frames.size(0)));
  return out;
}

}  // namespace gen::shapes
