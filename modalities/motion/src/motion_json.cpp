#include <gen/motion/motion_json.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>

#include "file_bytes.h"

namespace gen::motion {
namespace {

using nlohmann::json;

// Micrometres: exact enough for any motion, and short numbers in the file.
double rounded(double v) { return std::round(v * 1e6) / 1e6; }

json vectors(const torch::Tensor& t) {  // [N, 3] -> [[x, y, z], ...]
  const auto a = t.to(torch::kFloat64).contiguous();
  auto acc = a.accessor<double, 2>();
  json out = json::array();
  for (int64_t i = 0; i < a.size(0); ++i) out.push_back({rounded(acc[i][0]), rounded(acc[i][1]), rounded(acc[i][2])});
  return out;
}

class Reader {
 public:
  Reader(const json& doc, const std::string& name) : doc_(doc), name_(name) {}

  Motion motion() {
    if (!doc_.is_object()) fail("the document is not a JSON object");
    if (doc_.contains("version") && doc_["version"] != 1) fail("\"version\" " + doc_["version"].dump() + " is not 1");
    Motion m;
    m.fps = number(field("fps"), "fps");
    m.positions = positions(field("positions"));
    m.skeleton = skeleton(m.positions);
    try {
      check_motion(m);
    } catch (const InputError& e) {
      fail(e.what());
    }
    return m;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw InputError(name_ + ": " + what); }

  const json& field(const char* key) const {
    if (!doc_.contains(key)) fail(std::string("no \"") + key + "\"");
    return doc_[key];
  }

  double number(const json& v, const std::string& what) const {
    if (!v.is_number()) fail("\"" + what + "\" must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail("\"" + what + "\" is not finite");
    return d;
  }

  // [F][J][3] numbers, every frame with the same joint count.
  torch::Tensor positions(const json& v) const {
    if (!v.is_array() || v.empty()) fail("\"positions\" must be a non-empty array of frames");
    if (!v[0].is_array() || v[0].empty()) fail("\"positions\" frames must be non-empty arrays of joints");
    const int64_t frames = static_cast<int64_t>(v.size()), joints = static_cast<int64_t>(v[0].size());
    auto out = torch::empty({frames, joints, 3}, torch::kFloat32);
    auto acc = out.accessor<float, 3>();
    for (int64_t f = 0; f < frames; ++f) {
      const auto& frame = v[f];
      if (!frame.is_array() || static_cast<int64_t>(frame.size()) != joints)
        fail("\"positions\" frame " + std::to_string(f) + " does not have " + std::to_string(joints) + " joints");
      for (int64_t j = 0; j < joints; ++j) {
        const auto& p = frame[j];
        if (!p.is_array() || p.size() != 3) fail("\"positions\" frame " + std::to_string(f) + " joint " + std::to_string(j) + " is not [x, y, z]");
        for (int a = 0; a < 3; ++a) acc[f][j][a] = static_cast<float>(number(p[a], "positions"));
      }
    }
    return out;
  }

  Skeleton skeleton(const torch::Tensor& positions) const {
    Skeleton s;
    if (doc_.contains("skeleton")) {
      if (!doc_["skeleton"].is_string()) fail("\"skeleton\" must be a string");
      s.name = doc_["skeleton"].get<std::string>();
    }
    if (!doc_.contains("joints") && !doc_.contains("parents")) {
      try {
        s = skeleton_by_name(s.name);
      } catch (const UsageError&) {
        fail("no \"joints\" and \"parents\", and \"skeleton\" is not a known name (smpl22)");
      }
      return s;
    }
    const auto& joints = field("joints");
    const auto& parents = field("parents");
    if (!joints.is_array() || !parents.is_array() || joints.size() != parents.size() ||
        static_cast<int64_t>(joints.size()) != positions.size(1))
      fail("\"joints\" and \"parents\" must be arrays with one entry per joint of \"positions\"");
    for (size_t j = 0; j < joints.size(); ++j) {
      if (!joints[j].is_string()) fail("\"joints\" must hold names");
      if (!parents[j].is_number_integer()) fail("\"parents\" must hold joint indices");
      s.joints.push_back(joints[j].get<std::string>());
      const auto p = parents[j].get<int64_t>();
      s.parents.push_back(p < -1 || p >= static_cast<int64_t>(j) ? -2 : static_cast<int>(p));  // check_skeleton names it
    }
    if (doc_.contains("offsets")) {
      const auto& o = doc_["offsets"];
      if (!o.is_array() || o.size() != joints.size()) fail("\"offsets\" must have one [x, y, z] per joint");
      s.offsets = torch::empty({static_cast<int64_t>(o.size()), 3});
      for (size_t j = 0; j < o.size(); ++j) {
        if (!o[j].is_array() || o[j].size() != 3) fail("\"offsets\" entry " + std::to_string(j) + " is not [x, y, z]");
        for (int a = 0; a < 3; ++a) s.offsets[j][a] = number(o[j][a], "offsets");
      }
    } else {
      s.offsets = torch::zeros({positions.size(1), 3});
      for (int j = 1; j < s.joint_count(); ++j)
        if (s.parents[j] >= 0) s.offsets[j] = positions[0][j] - positions[0][s.parents[j]];
    }
    if (s.name.empty()) s.name = "custom";
    try {
      check_skeleton(s);
    } catch (const InputError& e) {
      fail(e.what());
    }
    if (s.name == "smpl22" && !same_layout(s, smpl22())) fail("\"skeleton\" is smpl22 but the joints or parents are not");
    return s;
  }

  const json& doc_;
  const std::string& name_;
};

}  // namespace

std::string encode_motion_json(const Motion& m) {
  check_motion(m);
  json doc = {{"format", "gen-motion"}, {"version", 1}, {"fps", m.fps}, {"skeleton", m.skeleton.name},
              {"joints", m.skeleton.joints}, {"parents", m.skeleton.parents}, {"offsets", vectors(m.skeleton.offsets)},
              {"frames", m.frame_count()}};
  json frames = json::array();
  for (int64_t f = 0; f < m.frame_count(); ++f) frames.push_back(vectors(m.positions[f]));
  doc["positions"] = std::move(frames);
  return doc.dump() + "\n";
}

void write_motion_json(const std::filesystem::path& path, const Motion& motion) {
  write_file_atomic(path, encode_motion_json(motion));
}

Motion decode_motion_json(std::string_view text, const std::string& name) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    // nlohmann's message names the byte; keep its first line only.
    std::string why = e.what();
    throw InputError(name + ": not JSON (" + why.substr(0, why.find('\n')) + ")");
  }
  return Reader(doc, name).motion();
}

Motion read_motion_json(const std::filesystem::path& path, int64_t max_bytes) {
  const auto text = detail::read_file_bytes(path, max_bytes, "JSON motions");
  return decode_motion_json(text, path.string());
}

}  // namespace gen::motion
