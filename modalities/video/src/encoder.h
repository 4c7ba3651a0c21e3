// Private: one video encoder (libx264, libvpx-vp9, gif) opened for fixed-size frames,
// set up for reproducible output: one thread and FFmpeg's bit-exact mode.
#pragma once
#include <functional>
#include <map>
#include <string>

#include <gen/video/frame_rate.h>

#include "ffmpeg_util.h"

namespace gen::video::detail {

struct EncoderSettings {
  std::string codec;                              // FFmpeg encoder name
  int width = 0, height = 0;
  AVPixelFormat pixel_format = AV_PIX_FMT_NONE;
  FrameRate fps;
  bool global_header = false;                     // the container wants codec headers up front
  std::map<std::string, std::string> options;     // private encoder options (crf, preset, ...)
};

using PacketSink = std::function<void(AVPacket& packet, AVRational time_base)>;

class Encoder {
 public:
  explicit Encoder(const EncoderSettings& settings);
  const AVCodecContext& context() const { return *ctx_; }
  // Encodes one frame (pts in frames) and hands every finished packet to `sink`.
  void send(const AVFrame& frame, const PacketSink& sink);
  // Drains the encoder's delayed packets.
  void finish(const PacketSink& sink);

 private:
  void drain(const PacketSink& sink);
  CodecContextPtr ctx_;
  PacketPtr packet_ = make_packet();
};

}  // namespace gen::video::detail
