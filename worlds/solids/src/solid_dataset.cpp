#include <gen/solids/solid_dataset.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/jsonl_file.h>
#include <gen/shape3d/shape_io.h>
#include <gen/solids/solid_geometry.h>
#include <gen/staged_folder.h>

#include "world_config.h"

namespace gen::solids {

namespace fs = std::filesystem;

namespace {

std::string string_field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) throw InputError(std::string("field '") + key + "' is missing or not a string");
  return j[key].get<std::string>();
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError("cannot read " + p.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

int64_t default_points() { return static_cast<int64_t>(config_number(world_config(), "points")); }

uint64_t point_seed(uint64_t seed, Split split, int64_t index) {
  return mix_seed(mix_seed(seed, static_cast<uint64_t>(split) + 1, static_cast<uint64_t>(index)), 1);
}

SolidItem solid_item(uint64_t seed, Split split, int64_t index) {
  Rng rng(mix_seed(seed, static_cast<uint64_t>(split) + 1, static_cast<uint64_t>(index)));
  SolidItem item;
  item.spec = sample_solid_spec(rng, split);
  item.caption = solid_caption(item.spec, rng);
  item.split = split_name(split);
  item.file = "clouds/" + item.split + "_" + std::to_string(index) + ".ply";
  return item;
}

std::string solid_item_json(const SolidItem& item) {
  nlohmann::json j;
  j["file"] = item.file;
  j["caption"] = item.caption;
  j["split"] = item.split;
  j["shape"] = item.spec.shape;
  j["color"] = item.spec.color;
  j["size"] = item.spec.size;
  j["aspect"] = item.spec.aspect;
  j["yaw"] = item.spec.yaw;
  return j.dump();
}

SolidItem parse_solid_item(const std::string& line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception&) {
    throw InputError("not a JSON object");
  }
  if (!j.is_object()) throw InputError("not a JSON object");
  SolidItem item;
  item.file = string_field(j, "file");
  if (item.file.empty() || fs::path(item.file).is_absolute() || item.file.find("..") != std::string::npos)
    throw InputError("'file' must be a path inside the dataset");
  item.caption = string_field(j, "caption");
  item.split = string_field(j, "split");
  if (item.split != "train" && item.split != "heldout") throw InputError("'split' must be train or heldout");
  item.spec.shape = string_field(j, "shape");
  item.spec.color = string_field(j, "color");
  item.spec.size = string_field(j, "size");
  item.spec.aspect = string_field(j, "aspect");
  if (!j.contains("yaw") || !j["yaw"].is_number()) throw InputError("field 'yaw' is missing or not a number");
  item.spec.yaw = j["yaw"].get<double>();
  check_solid_spec(item.spec);
  return item;
}

void write_solid_dataset(const fs::path& dir, const SolidDatasetOptions& o, const ProgressCallback& progress) {
  if (o.train_count < 1 || o.train_count > 10000000) throw UsageError("--train must be 1..10000000");
  if (o.heldout_count < 0 || o.heldout_count > 10000000) throw UsageError("--heldout must be 0..10000000");
  const int64_t points = o.points > 0 ? o.points : default_points();
  if (points < 16 || points > 100000) throw UsageError("--points must be 16..100000");
  StagedFolder out(dir, "dataset.json", "solids dataset");
  std::error_code ec;
  fs::create_directories(out / "clouds", ec);
  if (ec) throw Error("cannot create " + (out / "clouds").string() + ": " + ec.message());
  std::string lines;
  const int64_t total = o.train_count + o.heldout_count;
  const auto start = std::chrono::steady_clock::now();
  int64_t done = 0;
  for (Split split : {Split::train, Split::heldout}) {
    const int64_t count = split == Split::train ? o.train_count : o.heldout_count;
    for (int64_t i = 0; i < count; ++i) {
      const auto item = solid_item(o.seed, split, i);
      const auto cloud = sample_surface(solid_mesh(item.spec), points, point_seed(o.seed, split, i));
      shape3d::write_point_cloud(out / item.file, cloud);
      lines += solid_item_json(item) + "\n";
      ++done;
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (progress && progress({"sampling", done, total, elapsed, item.file}) == ProgressAction::stop) throw Cancelled();
    }
  }
  write_file_atomic(out / "solids.jsonl", lines);
  nlohmann::json meta;
  meta["name"] = "gen-solids";
  meta["version"] = 1;
  meta["points"] = points;
  meta["seed"] = o.seed;
  meta["train_count"] = o.train_count;
  meta["heldout_count"] = o.heldout_count;
  meta["shapes"] = solid_shapes();
  meta["colors"] = solid_colors();
  for (const auto& [shape, color] : heldout_pairs()) meta["heldout_pairs"].push_back({shape, color});
  write_file_atomic(out / "dataset.json", meta.dump(2) + "\n");
  out.commit();
}

SolidDataset load_solid_dataset(const fs::path& dir) {
  SolidDataset d;
  d.root = dir;
  const auto meta_file = dir / "dataset.json";
  try {
    const auto meta = nlohmann::json::parse(read_text(meta_file));
    if (!meta.is_object() || !meta.contains("points") || !meta["points"].is_number_integer())
      throw InputError("'points' is missing or not an integer");
    d.points = meta["points"].get<int64_t>();
    if (d.points < 1 || d.points > 100000000) throw InputError("'points' out of range");
  } catch (const nlohmann::json::exception&) {
    throw InputError(meta_file.string() + " is not valid JSON");
  } catch (const InputError& e) {
    throw InputError(meta_file.string() + ": " + e.what());
  }
  const auto list = dir / "solids.jsonl";
  read_jsonl_lines(list, [&](const std::string& line) { d.items.push_back(parse_solid_item(line)); });
  if (d.items.empty()) throw InputError(list.string() + " holds no solids");
  return d;
}

}  // namespace gen::solids
