#include "muxer.h"

#include <gen/error.h>

namespace gen::video::detail {

Muxer::Muxer(const std::filesystem::path& path, const std::string& format) : path_(path) {
  // "file:" so that a name with a colon is never taken for another protocol.
  const std::string url = "file:" + path.string();
  check(avformat_alloc_output_context2(&ctx_, nullptr, format.c_str(), url.c_str()),
        "cannot set up a " + format + " file");
  ctx_->flags |= AVFMT_FLAG_BITEXACT;
}

Muxer::~Muxer() {
  if (!ctx_) return;
  if (ctx_->pb && !(ctx_->oformat->flags & AVFMT_NOFILE)) avio_closep(&ctx_->pb);
  avformat_free_context(ctx_);
}

bool Muxer::wants_global_header() const { return ctx_->oformat->flags & AVFMT_GLOBALHEADER; }

void Muxer::start(const AVCodecContext& encoder, const std::map<std::string, std::string>& tags,
                  const std::map<std::string, std::string>& options) {
  stream_ = avformat_new_stream(ctx_, nullptr);
  if (!stream_) throw std::bad_alloc();
  check(avcodec_parameters_from_context(stream_->codecpar, &encoder), "cannot describe the video stream");
  stream_->time_base = encoder.time_base;  // a hint; the muxer may choose its own
  stream_->avg_frame_rate = encoder.framerate;
  stream_->r_frame_rate = encoder.framerate;
  for (const auto& [key, value] : tags) check(av_dict_set(&ctx_->metadata, key.c_str(), value.c_str(), 0), "metadata");
  check(avio_open(&ctx_->pb, ctx_->url, AVIO_FLAG_WRITE), "cannot create " + path_.string());
  Dictionary muxer_options;
  for (const auto& [key, value] : options) muxer_options.set(key, value);
  clear_last_log();
  check(avformat_write_header(ctx_, muxer_options.get()), "cannot write the header of " + path_.string());
  if (AVDictionaryEntry* unused = av_dict_get(*muxer_options.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX))
    throw Error("the " + std::string(ctx_->oformat->name) + " muxer does not know option '" + unused->key + "'");
}

void Muxer::write(AVPacket& packet, AVRational time_base) {
  packet.stream_index = stream_->index;
  av_packet_rescale_ts(&packet, time_base, stream_->time_base);
  check(av_write_frame(ctx_, &packet), "cannot write " + path_.string());
}

void Muxer::finish() {
  clear_last_log();
  check(av_write_trailer(ctx_), "cannot finish " + path_.string());
  check(avio_closep(&ctx_->pb), "cannot close " + path_.string());
}

}  // namespace gen::video::detail
