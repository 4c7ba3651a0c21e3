// Private: owning handles for FFmpeg objects and FFmpeg error handling, shared by the
// readers and writers of this library.
#pragma once
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <cstddef>
#include <memory>
#include <string>

namespace gen::video::detail {

struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct CodecContextFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct FilterGraphFree {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};

using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFree>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFree>;
using FilterGraphPtr = std::unique_ptr<AVFilterGraph, FilterGraphFree>;

FramePtr make_frame();
PacketPtr make_packet();

// An AVDictionary freed on scope exit (FFmpeg takes options as AVDictionary**).
class Dictionary {
 public:
  Dictionary() = default;
  ~Dictionary() { av_dict_free(&dict_); }
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  void set(const std::string& key, const std::string& value);
  AVDictionary** get() { return &dict_; }

 private:
  AVDictionary* dict_ = nullptr;
};

// FFmpeg's text for an error code.
std::string error_text(int code);

// Process-wide FFmpeg set-up, done once before any reading or writing:
// - FFmpeg's log goes away from stderr (the CLI prints one line per error); the calling
//   thread's last error-level message is kept for the exception that follows;
// - no single FFmpeg allocation may exceed kMaxAllocation (av_max_alloc). FFmpeg 5.1
//   trusts some counts in a file's header: a 2 KB MP4 can ask for a 1.2 GB zeroed
//   table (the fuzzer found it), and this cap turns that into a clean error.
void init_ffmpeg();
constexpr size_t kMaxAllocation = size_t{128} << 20;  // a 4096x4096 16-bit plane is 32 MiB
// The last error message FFmpeg logged on this thread since clear_last_log(), or "".
std::string last_log();
void clear_last_log();

// Throws gen::Error (or InputError when `input` is true) "<what>: <FFmpeg's reason>"
// if `code` is negative; returns `code` otherwise.
int check(int code, const std::string& what, bool input = false);

}  // namespace gen::video::detail
