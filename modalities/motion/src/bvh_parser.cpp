#include "bvh_parser.h"

#include <algorithm>
#include <vector>

#include "bvh_lexer.h"

namespace gen::motion::detail {
namespace {

// "Xrotation" -> {rotation, x}; false for anything else.
bool parse_channel(std::string_view t, BvhChannel& out) {
  if (t.size() != 9) return false;
  const char axis = t[0] | 0x20;  // ASCII lower case
  if (axis < 'x' || axis > 'z') return false;
  out.axis = axis - 'x';
  if (same_word(t.substr(1), "rotation")) return out.rotation = true, true;
  if (same_word(t.substr(1), "position")) return out.rotation = false, true;
  return false;
}

class HierarchyParser {
 public:
  HierarchyParser(BvhLexer& lex, const BvhReadOptions& options) : lex_(lex), options_(options) {}

  std::vector<BvhJoint> parse() {
    lex_.expect("HIERARCHY");
    lex_.expect("ROOT");
    open(-1, false);
    // Iterative, with an explicit stack: the nesting depth is data, not C++ recursion.
    while (!stack_.empty()) {
      const auto t = lex_.token("'}'");
      BvhJoint& top = joints_[stack_.back()];
      if (same_word(t, "OFFSET")) {
        for (double& v : top.offset) v = lex_.number("OFFSET value");
      } else if (same_word(t, "CHANNELS")) {
        channels(top);
      } else if (same_word(t, "JOINT")) {
        if (top.end_site) lex_.fail("an End Site cannot have joints");
        open(stack_.back(), false);
      } else if (same_word(t, "End")) {
        if (top.end_site) lex_.fail("an End Site cannot have an End Site");
        lex_.expect("Site");
        open(stack_.back(), true);
      } else if (t == "}") {
        stack_.pop_back();
      } else if (same_word(t, "ROOT")) {
        lex_.fail("a second ROOT (only one skeleton per file is supported)");
      } else {
        lex_.fail("unexpected '" + std::string(t.substr(0, 40)) + "' in the hierarchy");
      }
    }
    return std::move(joints_);
  }

 private:
  // A joint or End Site header: its name (the rest of the line), then '{' (which some
  // writers put on the name's line).
  void open(int parent, bool end_site) {
    if (static_cast<int>(joints_.size()) >= options_.max_joints)
      lex_.fail("more than " + std::to_string(options_.max_joints) + " joints");
    if (static_cast<int>(stack_.size()) >= options_.max_depth)
      lex_.fail("joints nested deeper than " + std::to_string(options_.max_depth));
    BvhJoint joint;
    joint.parent = parent;
    joint.end_site = end_site;
    std::string_view name = lex_.rest_of_line();
    bool brace = false;
    if (!name.empty() && name.back() == '{') {
      name.remove_suffix(1);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      brace = true;
    }
    if (name.size() > 256) lex_.fail("a joint name longer than 256 characters");
    joint.name = std::string(name);
    if (!end_site && joint.name.empty()) lex_.fail("a joint without a name");
    if (!brace) lex_.expect("{");
    joints_.push_back(std::move(joint));
    stack_.push_back(static_cast<int>(joints_.size()) - 1);
  }

  void channels(BvhJoint& joint) {
    if (joint.end_site) lex_.fail("an End Site cannot have channels");
    if (!joint.channels.empty()) lex_.fail("a second CHANNELS line for joint '" + joint.name + "'");
    const int64_t n = lex_.count("channel count", 6);
    bool seen[2][3] = {};
    for (int64_t i = 0; i < n; ++i) {
      BvhChannel c;
      const auto t = lex_.token("a channel name");
      if (!parse_channel(t, c)) lex_.fail("unknown channel '" + std::string(t.substr(0, 40)) + "'");
      if (seen[c.rotation][c.axis]) lex_.fail("channel '" + std::string(t) + "' appears twice");
      seen[c.rotation][c.axis] = true;
      joint.channels.push_back(c);
    }
  }

  BvhLexer& lex_;
  const BvhReadOptions& options_;
  std::vector<BvhJoint> joints_;
  std::vector<int> stack_;
};

// "Frames: N" and "Frame Time: T", allowing the colon to stand apart.
void motion_header(BvhLexer& lex, const BvhReadOptions& options, int64_t joints, int64_t channels, int64_t& frames,
                   double& frame_time) {
  lex.expect("MOTION");
  auto t = lex.token("Frames:");
  if (same_word(t, "Frames")) lex.expect(":");
  else if (!same_word(t, "Frames:")) lex.fail("expected Frames:, found '" + std::string(t.substr(0, 40)) + "'");
  frames = lex.count("the frame count", options.max_frames);
  if (frames < 1) lex.fail("the motion has no frames");
  // Every value takes at least two bytes ("0 "): a count the rest of the file cannot hold
  // is refused before anything is allocated for it.
  if (channels > 0 && static_cast<uint64_t>(frames) * static_cast<uint64_t>(channels) > lex.remaining() / 2 + 1)
    lex.fail("Frames: " + std::to_string(frames) + " is more than the rest of the file can hold");
  if (frames > options.max_joint_frames / std::max<int64_t>(joints, 1))
    lex.fail("Frames: " + std::to_string(frames) + " of " + std::to_string(joints) + " joints is over the limit of " +
             std::to_string(options.max_joint_frames) + " joint-frames");
  lex.expect("Frame");
  t = lex.token("Time:");
  if (same_word(t, "Time")) lex.expect(":");
  else if (!same_word(t, "Time:")) lex.fail("expected Frame Time:, found '" + std::string(t.substr(0, 40)) + "'");
  frame_time = lex.number("the frame time");
  if (!(frame_time >= 1e-3 && frame_time <= 10)) lex.fail("the frame time must be between 0.001 and 10 seconds");
}

}  // namespace

BvhDocument parse_bvh(std::string_view text, const std::string& name, const BvhReadOptions& options) {
  if (static_cast<int64_t>(text.size()) > options.max_bytes)
    BvhLexer(text, name).fail("the file is over the " + std::to_string(options.max_bytes) + "-byte limit");
  BvhLexer lex(text, name);
  BvhDocument doc;
  doc.joints = HierarchyParser(lex, options).parse();
  int64_t channels = 0, joints = 0;
  for (const auto& j : doc.joints) channels += static_cast<int64_t>(j.channels.size()), joints += !j.end_site;
  int64_t frames = 0;
  motion_header(lex, options, joints, channels, frames, doc.frame_time);
  doc.values = torch::empty({frames, channels}, torch::kFloat32);
  float* out = doc.values.data_ptr<float>();
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t c = 0; c < channels; ++c) {
      if (lex.at_end())
        lex.fail("the file ends in frame " + std::to_string(f + 1) + " of " + std::to_string(frames) + " (" +
                 std::to_string(c) + " of its " + std::to_string(channels) + " values)");
      out[f * channels + c] = static_cast<float>(lex.number("a motion value"));
    }
  if (!lex.at_end()) lex.fail("more values than Frames: " + std::to_string(frames) + " declares");
  return doc;
}

}  // namespace gen::motion::detail
