// libFuzzer target for the humans motion dataset's motions.jsonl reader
// (gen/humans/motion_record.h): any text must either parse into records whose labels
// form a valid spec the world can caption, whose action frames lie inside the motion
// and which survive being written and read again, or be rejected with one
// gen::InputError. A crash, a sanitizer report, a hang, any other exception, or an
// accepted record that breaks one of those promises is a bug.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/humans/captions.h>
#include <gen/humans/motion_record.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto records =
        gen::humans::parse_motion_jsonl(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    for (const auto& r : records) {
      if (!gen::humans::motion_spec_problem(r.spec).empty() || r.spans.size() != r.spec.actions.size()) std::abort();
      for (const auto& span : r.spans)
        if (span.start < 0 || span.end <= span.start || span.end > r.length) std::abort();
      if (gen::humans::caption_motion(r.spec, r.seed, 1).empty()) std::abort();
      const auto again = gen::humans::parse_motion_jsonl(gen::humans::motion_record(r).dump(), "again");
      if (again.size() != 1 || !(again[0].spec == r.spec) || again[0].captions != r.captions) std::abort();
    }
  } catch (const gen::InputError&) {
    // rejected cleanly: the expected outcome for most inputs
  }
  return 0;
}
