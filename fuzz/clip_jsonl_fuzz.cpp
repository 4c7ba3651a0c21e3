// libFuzzer target for the motion dataset's clips.jsonl reader (gen/shapes/clip_record.h):
// any text must either parse into clips that can be drawn, or be rejected with one
// gen::InputError. A crash, a sanitizer report, a hang, any other exception, or a clip
// the reader let through that the renderer then refuses is a bug.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <gen/error.h>
#include <gen/shapes/clip_record.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto clips = gen::shapes::parse_clip_jsonl(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    for (const auto& clip : clips) {
      // Whatever the reader accepts must be drawable; a small clip keeps runs fast.
      const auto video = gen::shapes::render_clip(clip, 2, 16);
      if (video.frames.size(0) != 2) std::abort();
      (void)gen::shapes::caption_clip(clip, 0);
    }
  } catch (const gen::InputError&) {
    // rejected cleanly: the expected outcome for most inputs
  }
  return 0;
}
