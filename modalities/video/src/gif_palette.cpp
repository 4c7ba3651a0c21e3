#include "gif_palette.h"

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>
}

#include <cstring>

#include <gen/error.h>

namespace gen::video::detail {
namespace {

// Ordered (Bayer) dithering rather than error diffusion: a pixel's dither depends on its
// position only, so areas that do not change do not shimmer from frame to frame, and
// diff_mode=rectangle re-maps only the part of a frame that changed.
constexpr const char* kGraph =
    "[in]split[a][b];"
    "[a]palettegen=max_colors=256:reserve_transparent=0:stats_mode=full[p];"
    "[b][p]paletteuse=dither=bayer:bayer_scale=3:diff_mode=rectangle[out]";

struct InOutFree {
  void operator()(AVFilterInOut* io) const { avfilter_inout_free(&io); }
};
using InOutPtr = std::unique_ptr<AVFilterInOut, InOutFree>;

InOutPtr endpoint(const char* name, AVFilterContext* filter) {
  InOutPtr io(avfilter_inout_alloc());
  if (!io) throw std::bad_alloc();
  io->name = av_strdup(name);
  io->filter_ctx = filter;
  io->pad_idx = 0;
  io->next = nullptr;
  return io;
}

}  // namespace

PaletteFilter::PaletteFilter(int width, int height, FrameRate fps)
    : graph_(avfilter_graph_alloc()), width_(width), height_(height) {
  if (!graph_) throw std::bad_alloc();
  graph_->nb_threads = 1;
  const std::string args = "video_size=" + std::to_string(width) + "x" + std::to_string(height) +
                           ":pix_fmt=" + std::to_string(AV_PIX_FMT_RGB24) + ":time_base=" + std::to_string(fps.den) +
                           "/" + std::to_string(fps.num) + ":pixel_aspect=1/1";
  clear_last_log();
  check(avfilter_graph_create_filter(&source_, avfilter_get_by_name("buffer"), "in", args.c_str(), nullptr,
                                     graph_.get()),
        "cannot set up the GIF palette filter");
  check(avfilter_graph_create_filter(&sink_, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr, graph_.get()),
        "cannot set up the GIF palette filter");
  const AVPixelFormat formats[] = {AV_PIX_FMT_PAL8, AV_PIX_FMT_NONE};
  check(av_opt_set_int_list(sink_, "pix_fmts", formats, AV_PIX_FMT_NONE, AV_OPT_SEARCH_CHILDREN),
        "cannot set up the GIF palette filter");
  // The graph's open input "in" is fed by the source, its open output "out" feeds the sink.
  AVFilterInOut* outputs = endpoint("in", source_).release();
  AVFilterInOut* inputs = endpoint("out", sink_).release();
  const int parsed = avfilter_graph_parse_ptr(graph_.get(), kGraph, &inputs, &outputs, nullptr);
  avfilter_inout_free(&inputs);
  avfilter_inout_free(&outputs);
  check(parsed, "cannot build the GIF palette filter");
  check(avfilter_graph_config(graph_.get(), nullptr), "cannot configure the GIF palette filter");
}

void PaletteFilter::push(const torch::Tensor& rgb, int64_t pts) {
  auto frame = make_frame();
  frame->format = AV_PIX_FMT_RGB24;
  frame->width = width_;
  frame->height = height_;
  frame->pts = pts;
  check(av_frame_get_buffer(frame.get(), 0), "cannot allocate a frame");
  const uint8_t* src = rgb.data_ptr<uint8_t>();
  const size_t row = static_cast<size_t>(width_) * 3;
  for (int y = 0; y < height_; ++y)
    std::memcpy(frame->data[0] + static_cast<ptrdiff_t>(y) * frame->linesize[0], src + y * row, row);
  check(av_buffersrc_add_frame_flags(source_, frame.get(), AV_BUFFERSRC_FLAG_KEEP_REF),
        "cannot map a frame to the palette");
}

void PaletteFilter::close() {
  check(av_buffersrc_add_frame_flags(source_, nullptr, 0), "cannot compute the GIF palette");
}

FramePtr PaletteFilter::pull() {
  auto frame = make_frame();
  const int ret = av_buffersink_get_frame(sink_, frame.get());
  if (ret == AVERROR_EOF || ret == AVERROR(EAGAIN)) return nullptr;
  check(ret, "cannot map frames to the GIF palette");
  return frame;
}

}  // namespace gen::video::detail
