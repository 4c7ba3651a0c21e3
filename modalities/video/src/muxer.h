// Private: an output container (mp4, webm, gif) holding one video stream, written to a
// file. Bit-exact mode keeps version strings and random UIDs (Matroska) out of the file.
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include "ffmpeg_util.h"

namespace gen::video::detail {

class Muxer {
 public:
  Muxer(const std::filesystem::path& path, const std::string& format);
  ~Muxer();
  Muxer(const Muxer&) = delete;
  Muxer& operator=(const Muxer&) = delete;

  // Whether encoders must put their headers in extradata (AV_CODEC_FLAG_GLOBAL_HEADER).
  bool wants_global_header() const;
  // Adds the stream the encoder's packets go to and writes the container header with
  // the file-level `tags` and the muxer's private `options` (movflags, loop, ...).
  void start(const AVCodecContext& encoder, const std::map<std::string, std::string>& tags,
             const std::map<std::string, std::string>& options);
  // One encoded packet, its timestamps in `time_base`.
  void write(AVPacket& packet, AVRational time_base);
  // The trailer (indexes, durations) and closing the file.
  void finish();

 private:
  std::filesystem::path path_;
  AVFormatContext* ctx_ = nullptr;
  AVStream* stream_ = nullptr;
};

}  // namespace gen::video::detail
