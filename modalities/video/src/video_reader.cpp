#include "video_reader.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <gen/error.h>

#include "frame_timing.h"
#include "pixel_convert.h"
#include "writers.h"

namespace gen::video::detail {
namespace {

// What one kind of input may contain: the demuxers FFmpeg may pick (by content) and the
// decoders it may use. Everything else is refused before FFmpeg parses any of it.
struct Profile {
  std::string what;     // for messages: "video", "image"
  std::string formats;  // demuxer names, comma-separated
  std::vector<AVCodecID> codecs;
};

const Profile kVideoProfile{"video (MP4, WebM or GIF)",
                            "mov,matroska,webm,gif",
                            {AV_CODEC_ID_H264, AV_CODEC_ID_HEVC, AV_CODEC_ID_MPEG4, AV_CODEC_ID_VP8, AV_CODEC_ID_VP9,
                             AV_CODEC_ID_AV1, AV_CODEC_ID_GIF}};
const Profile kImageProfile{"PNG or JPEG image", "png_pipe,jpeg_pipe", {AV_CODEC_ID_PNG, AV_CODEC_ID_MJPEG}};

// Wall-time bound on one read, checked by FFmpeg's I/O (interrupt callback) and per packet.
class Deadline {
 public:
  explicit Deadline(double seconds)
      : end_(std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                    std::chrono::duration<double>(seconds))) {}
  bool passed() const { return std::chrono::steady_clock::now() > end_; }
  static int interrupt(void* self) { return static_cast<const Deadline*>(self)->passed(); }

 private:
  std::chrono::steady_clock::time_point end_;
};

// Refuses every second file a container asks for (MOV data references and the like).
int refuse_open(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) { return AVERROR(EPERM); }

struct InputFormat {
  AVFormatContext* ctx = nullptr;
  InputFormat() = default;
  InputFormat(const InputFormat&) = delete;
  InputFormat& operator=(const InputFormat&) = delete;
  ~InputFormat() { avformat_close_input(&ctx); }  // leaves our custom AVIOContext alone
};

std::string with_reason(const std::string& message, int code) {
  std::string reason = code == AVERROR_INVALIDDATA || code == AVERROR_EOF ? "" : error_text(code);
  if (auto logged = last_log(); !logged.empty()) reason = logged;
  return reason.empty() ? message : message + " (" + reason + ")";
}

[[noreturn]] void fail(const std::string& name, const std::string& message, int code = 0) {
  throw InputError(name + ": " + (code ? with_reason(message, code) : message));
}

void open_input(InputFormat& in, AvioInput& io, Deadline& deadline, const Profile& profile, const std::string& name) {
  in.ctx = avformat_alloc_context();
  if (!in.ctx) throw std::bad_alloc();
  in.ctx->pb = io.get();
  in.ctx->flags |= AVFMT_FLAG_CUSTOM_IO;
  in.ctx->io_open = refuse_open;
  in.ctx->interrupt_callback = {&Deadline::interrupt, &deadline};
  in.ctx->max_streams = 64;
  in.ctx->probesize = 1 << 20;
  Dictionary options;
  options.set("format_whitelist", profile.formats);
  options.set("min_delay", "0");  // GIF: keep the file's delays; FFmpeg would raise short ones to 0.1 s
  const int ret = avformat_open_input(&in.ctx, nullptr, nullptr, options.get());
  if (ret < 0) fail(name, "not a readable " + profile.what + " file", ret);
}

bool allowed(const Profile& profile, AVCodecID id) {
  return std::find(profile.codecs.begin(), profile.codecs.end(), id) != profile.codecs.end();
}

CodecContextPtr open_decoder(const AVStream& stream, const Profile& profile, const ReadLimits& limits,
                             const std::string& name) {
  const AVCodecParameters& par = *stream.codecpar;
  const char* codec_name = avcodec_get_name(par.codec_id);
  if (!allowed(profile, par.codec_id)) fail(name, std::string("unsupported codec ") + codec_name);
  if (static_cast<int64_t>(par.width) * par.height > limits.max_frame_pixels)
    fail(name, "frames of " + std::to_string(par.width) + "x" + std::to_string(par.height) + " exceed the limit of " +
                   std::to_string(limits.max_frame_pixels) + " pixels");
  const AVCodec* codec = avcodec_find_decoder(par.codec_id);
  if (!codec) fail(name, std::string("this FFmpeg has no ") + codec_name + " decoder");
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  if (avcodec_parameters_to_context(ctx.get(), &par) < 0) fail(name, "malformed stream parameters");
  ctx->pkt_timebase = stream.time_base;
  ctx->thread_count = 1;
  // The decoder checks its padded allocation (width rounded up to the SIMD alignment)
  // against this; it only has to stop huge allocations: FrameCollector checks exactly.
  ctx->max_pixels = limits.max_frame_pixels > (INT64_MAX - 65536) / 2 ? INT64_MAX : 2 * limits.max_frame_pixels + 65536;
  ctx->err_recognition |= AV_EF_EXPLODE;  // a damaged frame is an error, not a concealed guess
  if (const int ret = avcodec_open2(ctx.get(), codec, nullptr); ret < 0)
    fail(name, std::string("cannot decode ") + codec_name, ret);
  return ctx;
}

int64_t frame_duration(const AVFrame& frame) { return frame.pkt_duration; }

// Decoded frames as RGB tensors of the first frame's size, under the limits.
class FrameCollector {
 public:
  FrameCollector(const ReadLimits& limits, const std::string& name) : limits_(limits), name_(name) {}

  void add(const AVFrame& frame) {
    if (frame.decode_error_flags || (frame.flags & AV_FRAME_FLAG_CORRUPT)) fail(name_, "corrupt frame data");
    if (static_cast<int64_t>(frames_.size()) >= limits_.max_frames)
      fail(name_, "more than " + std::to_string(limits_.max_frames) + " frames (the reader's limit)");
    if (!to_rgb_) start(frame);
    if (static_cast<int64_t>(frames_.size() + 1) * width_ * height_ * 3 > limits_.max_bytes)
      fail(name_, "the decoded frames exceed the limit of " + std::to_string(limits_.max_bytes >> 20) + " MiB");
    frames_.push_back(to_rgb_->convert(frame));
    if (frame.best_effort_timestamp != AV_NOPTS_VALUE) timing_.pts.push_back(frame.best_effort_timestamp);
    timing_.last_duration = frame_duration(frame);
  }
  const std::vector<torch::Tensor>& frames() const { return frames_; }
  FrameTiming& timing() { return timing_; }

 private:
  void start(const AVFrame& frame) {
    width_ = frame.width;
    height_ = frame.height;
    if (width_ < 1 || height_ < 1 || static_cast<int64_t>(width_) * height_ > limits_.max_frame_pixels)
      fail(name_, "frames of " + std::to_string(width_) + "x" + std::to_string(height_) + " pixels are out of range");
    to_rgb_ = std::make_unique<FrameToRgb>(width_, height_);
  }

  const ReadLimits& limits_;
  const std::string& name_;
  int width_ = 0, height_ = 0;
  std::unique_ptr<FrameToRgb> to_rgb_;
  std::vector<torch::Tensor> frames_;
  FrameTiming timing_;
};

void receive_frames(AVCodecContext& decoder, FrameCollector& collector, const std::string& name) {
  auto frame = make_frame();
  while (true) {
    const int ret = avcodec_receive_frame(&decoder, frame.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
    if (ret < 0) fail(name, "corrupt frame data", ret);
    collector.add(*frame);
    av_frame_unref(frame.get());
  }
}

void send_packet(AVCodecContext& decoder, const AVPacket* packet, FrameCollector& collector, const std::string& name) {
  const int ret = avcodec_send_packet(&decoder, packet);
  if (ret < 0 && ret != AVERROR_EOF) fail(name, "corrupt frame data", ret);
  receive_frames(decoder, collector, name);
}

// Demuxes and decodes every packet of stream `index`.
void decode_stream(AVFormatContext& in, int index, AVCodecContext& decoder, FrameCollector& collector,
                   const Deadline& deadline, const ReadLimits& limits, const std::string& name) {
  auto packet = make_packet();
  const std::string too_slow = "reading took longer than the limit of " + std::to_string(limits.max_seconds) + " s";
  // Packets that hold no frame are legal but few; a file made of millions of them is not.
  const int64_t max_packets = 4 * std::min<int64_t>(limits.max_frames, INT64_MAX / 8) + 1024;
  for (int64_t packets = 0;; ++packets) {
    if (deadline.passed()) fail(name, too_slow);
    if (packets > max_packets) fail(name, "more than " + std::to_string(max_packets) + " packets");
    const int ret = av_read_frame(&in, packet.get());
    if (ret == AVERROR_EOF) break;
    if (ret == AVERROR_EXIT) fail(name, too_slow);  // the interrupt callback saw the deadline
    if (ret < 0) fail(name, "truncated or corrupt file", ret);
    if (packet->stream_index == index) {
      if (packet->flags & AV_PKT_FLAG_CORRUPT) fail(name, "truncated or corrupt frame data");
      send_packet(decoder, packet.get(), collector, name);
    }
    av_packet_unref(packet.get());
  }
  send_packet(decoder, nullptr, collector, name);
}

struct Decoded {
  torch::Tensor frames;  // [F, H, W, 3]
  FrameTiming timing;
  std::string visible_size;  // the MP4 writer's kVisibleSizeTag, "" when absent
  double stated_seconds = 0;  // the duration a lone-stream file states (WebM has no frame count), or 0
};

std::string tag(const AVFormatContext& in, const char* key) {
  const AVDictionaryEntry* e = av_dict_get(in.metadata, key, nullptr, 0);
  return e ? e->value : "";
}

// Truncation that decoding alone does not reveal: frames missing from the end.
void check_complete(const AVFormatContext& in, const AVStream& stream, int64_t frames, InputSource& source,
                    const std::string& name) {
  if (stream.nb_frames > 0 && frames < stream.nb_frames)
    fail(name, "truncated: " + std::to_string(frames) + " of " + std::to_string(stream.nb_frames) + " frames decoded");
  // A GIF ends with its trailer byte; FFmpeg reads a cut-off one as if it had ended.
  uint8_t last = 0;
  const bool gif = std::string(in.iformat->name) == "gif";
  if (gif && (source.read_at(source.size() - 1, &last, 1) != 1 || last != 0x3B))
    fail(name, "truncated GIF (no trailer)");
}

Decoded decode(InputSource& source, const std::string& name, const ReadLimits& limits, const Profile& profile) {
  init_ffmpeg();
  clear_last_log();
  Deadline deadline(limits.max_seconds);
  AvioInput io(source);  // outlives `in`, which reads through it
  InputFormat in;
  open_input(in, io, deadline, profile, name);
  const int index = av_find_best_stream(in.ctx, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) fail(name, "no " + profile.what + " stream");
  for (unsigned i = 0; i < in.ctx->nb_streams; ++i)
    if (static_cast<int>(i) != index) in.ctx->streams[i]->discard = AVDISCARD_ALL;
  const AVStream& stream = *in.ctx->streams[index];
  auto decoder = open_decoder(stream, profile, limits, name);
  FrameCollector collector(limits, name);
  decode_stream(*in.ctx, index, *decoder, collector, deadline, limits, name);
  if (collector.frames().empty()) fail(name, "no frames could be decoded (truncated or empty file?)");
  check_complete(*in.ctx, stream, static_cast<int64_t>(collector.frames().size()), source, name);
  Decoded out{torch::stack(collector.frames()), std::move(collector.timing()), tag(*in.ctx, kVisibleSizeTag)};
  out.timing.time_base = stream.time_base;
  out.timing.declared_rate = stream.avg_frame_rate;
  // Only for a lone stream, as an audio track may last longer than the video.
  if (in.ctx->nb_streams == 1 && in.ctx->duration > 0)
    out.stated_seconds = static_cast<double>(in.ctx->duration) / AV_TIME_BASE;
  return out;
}

// "WxH" -> {W, H}; {0, 0} for anything else (the tag comes from the file).
std::pair<int64_t, int64_t> parse_size(const std::string& text) {
  int64_t width = 0, height = 0;
  const char* end = text.data() + text.size();
  auto [x, e1] = std::from_chars(text.data(), end, width);
  if (e1 != std::errc() || x == end || *x != 'x') return {0, 0};
  auto [rest, e2] = std::from_chars(x + 1, end, height);
  if (e2 != std::errc() || rest != end) return {0, 0};
  return {width, height};
}

// The MP4 writer pads odd sizes to even ones and records the picture's size: crop back.
torch::Tensor crop_to_visible(const torch::Tensor& frames, const std::string& visible_size) {
  const auto [width, height] = parse_size(visible_size);
  const int64_t coded_h = frames.size(1), coded_w = frames.size(2);
  // Only the padding the writer adds (at most one row and one column) is undone.
  if (width < 1 || height < 1 || width > coded_w || height > coded_h || coded_w - width > 1 || coded_h - height > 1)
    return frames;
  return frames.narrow(1, 0, height).narrow(2, 0, width).contiguous();
}

}  // namespace

Video decode_video(InputSource& source, const std::string& name, const ReadLimits& limits) {
  Decoded d = decode(source, name, limits, kVideoProfile);
  const FrameRate fps = frame_rate_of(d.timing).value_or(FrameRate{});
  // A truncated WebM decodes cleanly up to the cut; its stated duration (written at the
  // start) shows the frames that are missing.
  const double stated_frames = d.stated_seconds * fps.value();
  if (d.frames.size(0) + 0.5 < stated_frames)
    fail(name, "truncated: " + std::to_string(d.frames.size(0)) + " frames decoded, the file states " +
                   std::to_string(std::llround(std::min(stated_frames, 1e15))));
  return {crop_to_visible(d.frames, d.visible_size), fps};
}

torch::Tensor decode_image(InputSource& source, const std::string& name, const ReadLimits& limits) {
  ReadLimits one = limits;
  one.max_frames = 1;
  return decode(source, name, one, kImageProfile).frames[0];
}

}  // namespace gen::video::detail
