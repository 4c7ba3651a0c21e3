// libFuzzer target for prompt-travel rules files (gen/travel_rules.h), which models ship
// beside their weights: any text must either parse into rules that then match a few
// prompts in bounded time, or be rejected with one gen::InputError. A crash, a sanitizer
// report, a hang (the matcher must stay polynomial), any other exception, or keyframes
// that break their contract (two or more, times rising in [0, 1]) is a bug.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <gen/error.h>
#include <gen/travel_rules.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string kPrompts[] = {
      "a red circle moving to the right on a blue background",
      "an orange ring that gets bigger, black background",
      "gray background with a large white star fading in",
      "a person walks forward slowly, then sits down",
      "",
      "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a b , . {1} {2}",
  };
  try {
    const auto rules = gen::TravelRules::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    for (const auto& prompt : kPrompts) {
      const auto keys = rules.keyframes_for(prompt);
      if (keys.empty()) continue;
      if (keys.size() < 2) std::abort();
      for (size_t i = 0; i < keys.size(); ++i)
        if (!(keys[i].at >= 0 && keys[i].at <= 1) || (i > 0 && !(keys[i].at > keys[i - 1].at))) std::abort();
      const auto w = gen::keyframe_weights(keys, 7);
      if (w.size(0) != 7 || w.size(1) != static_cast<int64_t>(keys.size())) std::abort();
    }
  } catch (const gen::InputError&) {
    // rejected cleanly: the expected outcome for most inputs
  }
  return 0;
}
