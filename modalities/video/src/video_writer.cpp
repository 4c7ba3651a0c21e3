// MP4 (H.264) and WebM (VP9): RGB frames -> yuv420p -> encoder -> container.
#include <gen/video/video.h>

#include "encoder.h"
#include "muxer.h"
#include "pixel_convert.h"
#include "writers.h"

namespace gen::video::detail {
namespace {

struct EncodedFormat {
  std::string muxer;
  std::string codec;
  std::map<std::string, std::string> codec_options;
  std::map<std::string, std::string> muxer_options;
  bool even_size = false;  // the codec cannot code odd widths or heights in 4:2:0
};

// H.264 High profile 4:2:0 plays everywhere; crf 18 is close to visually lossless, and
// faststart puts the index first so browsers start playing before the download ends.
// use_metadata_tags stores arbitrary keys (the generation parameters, the visible size).
const EncodedFormat kMp4{"mp4", "libx264", {{"preset", "medium"}, {"crf", "18"}},
                         {{"movflags", "+faststart+use_metadata_tags"}}, true};
// VP9 in constant-quality mode (b=0); cpu-used 4 is libvpx's usual speed/quality trade
// for offline encoding, and row-mt off keeps one thread.
const EncodedFormat kWebm{"webm", "libvpx-vp9",
                          {{"crf", "24"}, {"b", "0"}, {"deadline", "good"}, {"cpu-used", "4"}, {"row-mt", "0"}},
                          {}, false};

// H.264 codes 4:2:0 in whole chroma samples, so an odd side gains one row or column,
// a copy of the last one (an edge that blends in when a player shows it anyway).
torch::Tensor pad_to_even(torch::Tensor frames) {
  if (frames.size(2) % 2) frames = torch::cat({frames, frames.narrow(2, frames.size(2) - 1, 1)}, 2);
  if (frames.size(1) % 2) frames = torch::cat({frames, frames.narrow(1, frames.size(1) - 1, 1)}, 1);
  return frames.contiguous();
}

void write_encoded(const std::filesystem::path& path, const Video& video, const EncodedFormat& format,
                   const WriteOptions& options) {
  check_layout(video);
  init_ffmpeg();
  auto frames = with_channels(video, 3).frames.contiguous();
  std::map<std::string, std::string> tags = options.text;
  if (format.even_size && (frames.size(1) % 2 || frames.size(2) % 2)) {
    tags[kVisibleSizeTag] = std::to_string(video.width()) + "x" + std::to_string(video.height());
    frames = pad_to_even(frames);
  }
  const int width = static_cast<int>(frames.size(2)), height = static_cast<int>(frames.size(1));
  Muxer muxer(path, format.muxer);
  Encoder encoder({format.codec, width, height, AV_PIX_FMT_YUV420P, video.fps, muxer.wants_global_header(),
                   format.codec_options});
  muxer.start(encoder.context(), tags, format.muxer_options);
  const PacketSink sink = [&muxer](AVPacket& packet, AVRational time_base) {
    if (packet.duration <= 0) packet.duration = 1;  // one frame: gives the last frame its length
    muxer.write(packet, time_base);
  };
  const RgbToYuv to_yuv(width, height, AV_PIX_FMT_YUV420P);
  for (int64_t i = 0; i < frames.size(0); ++i) encoder.send(*to_yuv.convert(frames[i], i), sink);
  encoder.finish(sink);
  muxer.finish();
}

}  // namespace

void write_mp4(const std::filesystem::path& path, const Video& video, const WriteOptions& options) {
  write_encoded(path, video, kMp4, options);
}

void write_webm(const std::filesystem::path& path, const Video& video, const WriteOptions& options) {
  write_encoded(path, video, kWebm, options);
}

}  // namespace gen::video::detail
