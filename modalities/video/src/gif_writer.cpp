// GIF: RGB frames -> per-clip palette (gif_palette.h) -> FFmpeg's GIF encoder and muxer.
// GIF stores each frame's delay in hundredths of a second, so a rate that does not
// divide 100 alternates delays (30 fps: 3, 4, 3 cs) and averages to the right rate.
#include <algorithm>

#include <gen/error.h>
#include <gen/video/video.h>

#include "encoder.h"
#include "gif_palette.h"
#include "muxer.h"
#include "writers.h"

namespace gen::video::detail {
namespace {

// The last frame's delay in hundredths of a second, rounded as the other frames' are.
int64_t last_delay(const Video& video) {
  const AVRational frame{video.fps.den, video.fps.num}, centisecond{1, 100};
  const int64_t n = video.frame_count();
  const int64_t delay = av_rescale_q(n, frame, centisecond) - av_rescale_q(n - 1, frame, centisecond);
  return std::clamp<int64_t>(delay, 1, 65535);  // the field's range
}

}  // namespace

void write_gif(const std::filesystem::path& path, const Video& video, const WriteOptions&) {
  check_layout(video);
  init_ffmpeg();
  const auto frames = with_channels(video, 3).frames.contiguous();
  const int width = static_cast<int>(video.width()), height = static_cast<int>(video.height());
  PaletteFilter palette(width, height, video.fps);
  for (int64_t i = 0; i < frames.size(0); ++i) palette.push(frames[i], i);
  palette.close();

  Muxer muxer(path, "gif");
  Encoder encoder({"gif", width, height, AV_PIX_FMT_PAL8, video.fps, muxer.wants_global_header(), {}});
  // Loop forever, as generated clips are shown. The muxer derives each delay from the next
  // frame's time; the last frame's is given, so that a one-frame clip has one too.
  muxer.start(encoder.context(), {}, {{"loop", "0"}, {"final_delay", std::to_string(last_delay(video))}});
  const PacketSink sink = [&muxer](AVPacket& packet, AVRational time_base) {
    if (packet.duration <= 0) packet.duration = 1;
    muxer.write(packet, time_base);
  };
  int64_t pts = 0;
  while (FramePtr frame = palette.pull()) {
    frame->pts = pts++;
    encoder.send(*frame, sink);
  }
  if (pts != frames.size(0))
    throw Error("the GIF palette filter returned " + std::to_string(pts) + " of " + std::to_string(frames.size(0)) +
                " frames");
  encoder.finish(sink);
  muxer.finish();
}

}  // namespace gen::video::detail
