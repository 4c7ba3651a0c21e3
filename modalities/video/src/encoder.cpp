#include "encoder.h"

#include <gen/error.h>

namespace gen::video::detail {

Encoder::Encoder(const EncoderSettings& s) {
  const AVCodec* codec = avcodec_find_encoder_by_name(s.codec.c_str());
  if (!codec) throw Error("FFmpeg has no " + s.codec + " encoder (install Debian's libavcodec59 with it)");
  ctx_.reset(avcodec_alloc_context3(codec));
  if (!ctx_) throw std::bad_alloc();
  ctx_->width = s.width;
  ctx_->height = s.height;
  ctx_->pix_fmt = s.pixel_format;
  ctx_->time_base = AVRational{s.fps.den, s.fps.num};  // one tick per frame
  ctx_->framerate = AVRational{s.fps.num, s.fps.den};
  ctx_->sample_aspect_ratio = AVRational{1, 1};
  ctx_->color_range = AVCOL_RANGE_MPEG;
  ctx_->colorspace = AVCOL_SPC_BT709;
  ctx_->color_primaries = AVCOL_PRI_BT709;
  ctx_->color_trc = AVCOL_TRC_BT709;
  // Threaded encoders may split work differently from run to run or machine to machine;
  // one thread and bit-exact mode (no version strings) make the bytes reproducible.
  ctx_->thread_count = 1;
  ctx_->flags |= AV_CODEC_FLAG_BITEXACT;
  if (s.global_header) ctx_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  Dictionary options;
  for (const auto& [key, value] : s.options) options.set(key, value);
  clear_last_log();
  check(avcodec_open2(ctx_.get(), codec, options.get()), "cannot open the " + s.codec + " encoder");
  if (AVDictionaryEntry* unused = av_dict_get(*options.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX))
    throw Error("the " + s.codec + " encoder does not know option '" + std::string(unused->key) + "'");
}

void Encoder::send(const AVFrame& frame, const PacketSink& sink) {
  check(avcodec_send_frame(ctx_.get(), &frame), "cannot encode a frame with " + std::string(ctx_->codec->name));
  drain(sink);
}

void Encoder::finish(const PacketSink& sink) {
  check(avcodec_send_frame(ctx_.get(), nullptr), "cannot finish encoding");
  drain(sink);
}

void Encoder::drain(const PacketSink& sink) {
  while (true) {
    const int ret = avcodec_receive_packet(ctx_.get(), packet_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
    check(ret, "cannot encode with " + std::string(ctx_->codec->name));
    sink(*packet_, ctx_->time_base);
    av_packet_unref(packet_.get());
  }
}

}  // namespace gen::video::detail
