// Prompt-travel rules: data that rewrites a prompt into keyframe prompts over the length
// of a sample, e.g. "a red circle moving to the right ..." into "... on the left ..." at
// the start and "... on the right ..." at the end, so a model whose frames read text that
// travels between the keyframes draws a motion its conditioning words name. A model may
// ship such a file beside its weights; the words are its own (see docs/video.md).
//   {"rules": [{"match": [["a", "an"], "*", ["that", ""], ["moving to the right", "moves right"]],
//               "keyframes": [{"at": 0, "prompt": "{1} {2} on the left"},
//                             {"at": 1, "prompt": "{1} {2} on the right"}]}]}
// A match is a sequence of slots: a list of phrases (one must occur; "" makes the slot
// optional), "*" (any one word) or "**" (one or more words or marks, as many as let the
// rest of the match follow; marks at its edges are left out of {k}: "a person", "**", ["then"], "**" splits "a person runs then
// jumps" into "runs" and "jumps"). Matching is by words, case-insensitive; the first rule
// that occurs anywhere in the prompt wins, and each keyframe prompt is the prompt with
// the matched words replaced by the keyframe's text, {k} being what slot k matched.
// Matching takes time polynomial in prompt and rule size, whatever the file holds.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>

namespace gen {

struct TravelKeyframe {
  double at = 0;  // place in the sample: 0 = first frame, 1 = last
  std::string prompt;
};

class GEN_API TravelRules {
 public:
  // Throw gen::InputError naming `where` (or the file) for anything malformed.
  static TravelRules parse(std::string_view json, const std::string& where);
  static TravelRules load(const std::filesystem::path& file);
  // The first matching rule's keyframes, prompts filled in; empty when no rule matches.
  std::vector<TravelKeyframe> keyframes_for(const std::string& prompt) const;
  size_t size() const { return rules_.size(); }

  struct Rule;

 private:
  std::vector<std::shared_ptr<const Rule>> rules_;
};

// [frames, keyframes]: how much frame f reads each keyframe's text, piecewise linear in
// f / (frames - 1), held before the first keyframe and after the last. Rows sum to 1.
GEN_API torch::Tensor keyframe_weights(const std::vector<TravelKeyframe>& keyframes, int64_t frames);

}  // namespace gen
