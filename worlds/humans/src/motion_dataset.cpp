#include <gen/humans/motion_dataset.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/staged_folder.h>
#include <gen/humans/captions.h>
#include <gen/humans/heldout_split.h>
#include <gen/humans/physics_checks.h>
#include <gen/json_file.h>
#include <gen/motion/motion_io.h>
#include <gen/motion/skeleton.h>
#include <gen/safetensors.h>
#include <gen/seeded_rng.h>


namespace gen::humans {

namespace {

namespace fs = std::filesystem;

constexpr int kVersion = 1;
const char* const kSplits[] = {"train", "heldout"};

std::string shard_name(int64_t k) {
  char name[32];
  std::snprintf(name, sizeof name, "motions_%03lld.safetensors", static_cast<long long>(k));
  return name;
}

// One motion of a split, drawn and animated from its slot's seed; redrawn (from the
// same slot) while it is longer than max_frames.
struct Sample {
  MotionRecord record;
  AnimatedMotion motion;
};

Sample draw_sample(const MotionDatasetOptions& o, int split, int64_t index) {
  for (uint64_t attempt = 0; attempt < 1000; ++attempt) {
    Sample s;
    const uint64_t seed = mix_seed(o.seed, static_cast<uint64_t>(split) + 1, static_cast<uint64_t>(index) + (attempt << 40));
    s.record.spec = random_motion_spec(mix_seed(seed, 1), split == 1, o.sequences);
    s.motion = animate(s.record.spec, seed, o.fps);
    if (s.motion.motion.frame_count() > o.max_frames) continue;
    s.record.seed = seed;
    s.record.index = index;
    s.record.length = s.motion.motion.frame_count();
    s.record.captions = caption_motion(s.record.spec, mix_seed(seed, 2), o.captions);
    s.record.spans = s.motion.spans;
    for (const auto& c : heldout_matches(s.record.spec)) s.record.heldout.push_back(c.name());
    s.record.start_yaw = s.motion.start_yaw * 180 / M_PI;
    return s;
  }
  throw UsageError("no motion fits in --max-frames " + std::to_string(o.max_frames) + "; allow more frames");
}

// Copies a [frames, ...] tensor into row `row` of a [n, F, ...] tensor, repeating its
// last frame to fill F.
void put_padded(torch::Tensor& all, int64_t row, const torch::Tensor& frames) {
  const int64_t length = frames.size(0), total = all.size(1);
  all[row].narrow(0, 0, length).copy_(frames);
  if (length < total) all[row].narrow(0, length, total - length).copy_(frames[length - 1].unsqueeze(0).expand_as(all[row].narrow(0, length, total - length)));
}

// A motion to look at: a stick-figure video with its caption, and BVH for other tools.
void write_example(const fs::path& dir, int64_t index, const Sample& s) {
  const std::string stem = "example_" + std::to_string(index);
  motion::MotionWriteOptions options;
  options.video.width = options.video.height = 256;
  options.text = {{"caption", s.record.captions.at(0)}, {"labels", describe(s.record.spec)}};
  motion::write_motion(dir / (stem + ".mp4"), s.motion.motion, options);
  motion::write_motion(dir / (stem + ".bvh"), s.motion.motion);
}

struct PhysicsSummary {
  double skating_sum = 0, skating_max = 0, penetration_max = 0, jitter_sum = 0;
  int64_t count = 0;
  void add(const PhysicsReport& r) {
    skating_sum += r.skating_ratio, skating_max = std::max(skating_max, r.skating_ratio);
    penetration_max = std::max(penetration_max, r.penetration.max), jitter_sum += r.jitter;
    ++count;
  }
  nlohmann::json json() const {
    const double n = std::max<double>(count, 1);
    return {{"skating_ratio_mean", skating_sum / n}, {"skating_ratio_max", skating_max},
            {"penetration_max", penetration_max}, {"jitter_mean", jitter_sum / n}};
  }
};

nlohmann::json write_split(const fs::path& dir, int split, int64_t count, const MotionDatasetOptions& o,
                           const ProgressCallback& progress) {
  const std::string name = kSplits[split];
  fs::create_directories(dir);
  std::string lines;
  auto files = nlohmann::json::array();
  PhysicsSummary physics;
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t shards = std::max<int64_t>(1, (count + o.shard_size - 1) / o.shard_size);
  for (int64_t k = 0; k < shards; ++k) {
    const int64_t first = k * o.shard_size, n = std::min(o.shard_size, count - first);
    const int64_t f = o.max_frames;
    auto positions = torch::zeros({n, f, 22, 3}), rotations = torch::zeros({n, f, 22, 4}), root = torch::zeros({n, f, 3});
    auto contacts = torch::zeros({n, f, 2}, torch::kUInt8), lengths = torch::zeros({n}, torch::kInt64);
    for (int64_t row = 0; row < n; ++row) {
      Sample s = draw_sample(o, split, first + row);
      s.record.file = shard_name(k);
      s.record.row = row;
      const auto& m = s.motion.motion;
      put_padded(positions, row, m.positions);
      put_padded(rotations, row, m.rotations);
      put_padded(root, row, s.motion.root);
      put_padded(contacts, row, s.motion.contacts.to(torch::kUInt8));
      lengths[row] = s.record.length;
      physics.add(measure_physics(m.positions, o.fps));
      lines += motion_record(s.record).dump() + "\n";
      if (first + row < o.examples) write_example(dir, first + row, s);
      const int64_t done = first + row + 1;
      if (progress && (done % 32 == 0 || done == count)) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (progress({"animating " + name, done, count, elapsed, ""}) == ProgressAction::stop) throw Cancelled();
      }
    }
    save_safetensors(dir / shard_name(k),
                     {{"positions", positions}, {"rotations", rotations}, {"root", root}, {"contacts", contacts}, {"lengths", lengths}},
                     {{"split", name}, {"seed", std::to_string(o.seed)}, {"fps", std::to_string(o.fps)}, {"skeleton", "smpl22"}});
    files.push_back(shard_name(k));
  }
  write_file_atomic(dir / "motions.jsonl", lines);
  return {{"count", count}, {"files", files}, {"physics", physics.json()}};
}

nlohmann::json skeleton_json() {
  const auto& s = motion::smpl22();
  auto offsets = nlohmann::json::array();
  auto acc = s.offsets.accessor<float, 2>();
  for (int j = 0; j < s.joint_count(); ++j) offsets.push_back({acc[j][0], acc[j][1], acc[j][2]});
  return {{"name", s.name}, {"joints", s.joints}, {"parents", s.parents}, {"offsets", offsets}};
}

nlohmann::json vocabulary_json() {
  nlohmann::json actions = nlohmann::json::object();
  for (const auto& a : action_names()) {
    const auto& p = action_parameters(a);
    actions[a] = {{"directions", p.directions}, {"speeds", p.speeds}, {"repetitions", p.repetitions},
                  {"sides", p.sides}, {"sided_directions", p.sided_directions}};
  }
  auto heldout = nlohmann::json::array();
  for (const auto& c : heldout_combinations())
    heldout.push_back({{"kind", c.kind}, {"first", c.first}, {"second", c.second}, {"name", c.name()}});
  return {{"actions", actions}, {"heldout_combinations", heldout}};
}

void check_options(const MotionDatasetOptions& o) {
  if (o.train_count < 1 || o.heldout_count < 0) throw UsageError("the dataset needs at least one training motion");
  if (!(o.fps >= 10 && o.fps <= 60)) throw UsageError("--fps must be in 10..60");
  const int shortest = static_cast<int>(std::ceil(kMinDuration * o.fps)) + 1;
  if (o.max_frames < shortest || o.max_frames > 1024)
    throw UsageError("--max-frames must be in " + std::to_string(shortest) + "..1024 (at least 2 s at --fps)");
  if (o.captions < 1 || o.captions > 16) throw UsageError("captions per motion must be in 1..16");
  if (o.shard_size < 1) throw UsageError("a safetensors file holds at least one motion");
  if (o.examples < 0) throw UsageError("the number of example files cannot be negative");
  if (!(o.sequences <= 1)) throw UsageError("--sequences must be in 0..1");
}

}  // namespace

void write_motion_dataset(const fs::path& dir, const MotionDatasetOptions& o, const ProgressCallback& progress) {
  check_options(o);
  StagedFolder out(dir, "dataset.json", "motion dataset");
  nlohmann::json splits = nlohmann::json::object();
  splits["train"] = write_split(out / "train", 0, o.train_count, o, progress);
  splits["heldout"] = write_split(out / "heldout", 1, o.heldout_count, o, progress);
  nlohmann::json meta{{"name", "gen-humans-motion"}, {"version", kVersion},          {"seed", o.seed},
                      {"fps", o.fps},                {"max_frames", o.max_frames},     {"captions_per_motion", o.captions},
                      {"sequence_probability", o.sequences < 0 ? default_sequence_probability() : o.sequences},
                      {"skeleton", skeleton_json()}, {"splits", splits}};
  meta.update(vocabulary_json());
  write_file_atomic(out / "dataset.json", meta.dump(2) + "\n");
  write_file_atomic(out / "prompt_travel.json", sequence_travel_rules().dump(2) + "\n");
  out.commit();
}

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw InputError("cannot read " + path.string());
  return text.str();
}

// The split's entry of dataset.json: its files (plain names) and the dataset's fps and F.
struct SplitInfo {
  std::vector<std::string> files;
  double fps = 20;
  int max_frames = 0;
};

SplitInfo read_split_info(const fs::path& dir, const std::string& split) {
  const auto path = dir / "dataset.json";
  if (!fs::is_regular_file(path))
    throw InputError("no motion dataset in " + dir.string() + " (expected dataset.json; make one with `gen data motion -o " +
                     dir.string() + "`)");
  const auto meta = read_json_file(path, "motion dataset description");
  const std::string where = path.string() + ": ";
  if (!meta.is_object() || !meta.contains("name") || meta["name"] != "gen-humans-motion")
    throw InputError(where + "not a humans motion dataset (\"name\" is not \"gen-humans-motion\")");
  if (!meta.contains("version") || meta["version"] != kVersion)
    throw InputError(where + "dataset version must be " + std::to_string(kVersion));
  SplitInfo info;
  if (!meta.contains("fps") || !meta["fps"].is_number() || !(meta["fps"].get<double>() >= 5 && meta["fps"].get<double>() <= 120))
    throw InputError(where + "\"fps\" must be a number in 5..120");
  info.fps = meta["fps"].get<double>();
  if (!meta.contains("max_frames") || !meta["max_frames"].is_number_integer() || meta["max_frames"].get<int64_t>() < 1 ||
      meta["max_frames"].get<int64_t>() > 1 << 20)
    throw InputError(where + "\"max_frames\" must be a positive integer");
  info.max_frames = meta["max_frames"].get<int>();
  const auto splits = meta.find("splits");
  if (splits == meta.end() || !splits->is_object() || !splits->contains(split) || !(*splits)[split].is_object())
    throw InputError(where + "has no split '" + split + "'");
  const auto& files = (*splits)[split].find("files");
  if (files == (*splits)[split].end() || !files->is_array() || files->empty() || files->size() > 100000)
    throw InputError(where + "split '" + split + "' must list its files");
  for (const auto& f : *files) {
    if (!f.is_string()) throw InputError(where + "split '" + split + "' files must be names");
    const auto& name = f.get_ref<const std::string&>();
    if (name.empty() || name[0] == '.' || name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
      throw InputError(where + "split '" + split + "' file '" + name.substr(0, 60) + "' is not a plain file name");
    info.files.push_back(name);
  }
  return info;
}

// Checks a tensor's dtype and shape [n, F, rest...] from the header, before reading it.
void check_tensor(const SafeTensorsFile& file, const std::string& name, const std::string& dtype,
                  const std::vector<int64_t>& shape) {
  const auto where = file.path().string() + ": ";
  if (!file.contains(name)) throw InputError(where + "has no tensor \"" + name + "\"");
  const auto& info = file.info(name);
  if (info.dtype != dtype || info.shape != shape) {
    std::string expected;
    for (auto d : shape) expected += (expected.empty() ? "" : ", ") + std::to_string(d);
    throw InputError(where + "\"" + name + "\" must be " + dtype + " [" + expected + "]");
  }
}

// Reads the split's safetensors files in order into `out`'s tensors; returns each file's
// name and row count.
std::vector<std::pair<std::string, int64_t>> load_shards(const fs::path& folder, const SplitInfo& info, MotionDataset& out) {
  std::vector<torch::Tensor> positions, rotations, root, contacts, lengths;
  std::vector<std::pair<std::string, int64_t>> rows;
  const int64_t f = info.max_frames;
  for (const auto& name : info.files) {
    const auto path = folder / name;
    if (!fs::is_regular_file(path)) throw InputError("no " + path.string() + " (listed in dataset.json)");
    const auto file = SafeTensorsFile::open(path);
    if (!file.contains("lengths") || file.info("lengths").shape.size() != 1)
      throw InputError(path.string() + ": \"lengths\" must be I64 [n]");
    const int64_t n = file.info("lengths").shape[0];
    check_tensor(file, "lengths", "I64", {n});
    check_tensor(file, "positions", "F32", {n, f, 22, 3});
    check_tensor(file, "rotations", "F32", {n, f, 22, 4});
    check_tensor(file, "root", "F32", {n, f, 3});
    check_tensor(file, "contacts", "U8", {n, f, 2});
    positions.push_back(file.get("positions"));
    rotations.push_back(file.get("rotations"));
    root.push_back(file.get("root"));
    contacts.push_back(file.get("contacts"));
    lengths.push_back(file.get("lengths"));
    rows.emplace_back(name, n);
  }
  out.positions = torch::cat(positions);
  out.rotations = torch::cat(rotations);
  out.root = torch::cat(root);
  out.contacts = torch::cat(contacts).to(torch::kBool);
  out.lengths = torch::cat(lengths);
  if (!torch::isfinite(out.positions).all().item<bool>() || !torch::isfinite(out.rotations).all().item<bool>() ||
      !torch::isfinite(out.root).all().item<bool>())
    throw InputError(folder.string() + ": the motions hold NaN or infinite values");
  return rows;
}

// Record i must be row i of the files taken in order, with the length the tensors record.
void check_records(const fs::path& jsonl, const MotionDataset& d, const std::vector<std::pair<std::string, int64_t>>& rows) {
  const int64_t total = d.positions.size(0);
  if (static_cast<int64_t>(d.records.size()) != total)
    throw InputError(jsonl.string() + " has " + std::to_string(d.records.size()) + " motions but its safetensors files hold " +
                     std::to_string(total));
  size_t file_index = 0;
  int64_t row = 0;
  auto length = d.lengths.accessor<int64_t, 1>();
  for (size_t i = 0; i < d.records.size(); ++i) {
    while (row >= rows[file_index].second) ++file_index, row = 0;
    const auto& r = d.records[i];
    const auto where = jsonl.string() + ": line " + std::to_string(i + 1) + ": ";
    if (r.index != static_cast<int64_t>(i)) throw InputError(where + "\"index\" must be " + std::to_string(i));
    if (r.file != rows[file_index].first || r.row != row)
      throw InputError(where + "must be row " + std::to_string(row) + " of " + rows[file_index].first);
    if (r.length > d.max_frames || r.length != length[static_cast<int64_t>(i)])
      throw InputError(where + "\"length\" disagrees with the safetensors \"lengths\" (or exceeds " +
                       std::to_string(d.max_frames) + " frames)");
    ++row;
  }
}

}  // namespace

MotionDataset load_motion_dataset(const fs::path& dir, const std::string& split) {
  const auto info = read_split_info(dir, split);
  const auto folder = dir / split;
  const auto jsonl = folder / "motions.jsonl";
  if (!fs::is_regular_file(jsonl)) throw InputError("no " + jsonl.string() + " (the motion dataset is incomplete)");
  MotionDataset out;
  out.fps = info.fps;
  out.max_frames = info.max_frames;
  out.records = parse_motion_jsonl(read_text(jsonl), jsonl.string());
  const auto rows = load_shards(folder, info, out);
  check_records(jsonl, out, rows);
  return out;
}

}  // namespace gen::humans
