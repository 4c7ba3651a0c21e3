#include "pixel_convert.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <gen/error.h>

namespace gen::video::detail {
namespace {

constexpr int kSwsFlags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_BITEXACT;

// The YUV matrix a decoded frame declares; untagged SD frames are BT.601, as players assume.
int coefficients_of(const AVFrame& frame) {
  switch (frame.colorspace) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_FCC: return SWS_CS_FCC;
    default: return frame.height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
  }
}

bool is_yuv(AVPixelFormat format) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(format);
  return d && !(d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) && d->nb_components >= 3;
}

}  // namespace

RgbToYuv::RgbToYuv(int width, int height, AVPixelFormat format) : width_(width), height_(height), format_(format) {
  sws_.reset(
      sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, format, kSwsFlags, nullptr, nullptr, nullptr));
  if (!sws_) throw Error("cannot convert " + std::to_string(width) + "x" + std::to_string(height) + " RGB to YUV");
  const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
  // source: full-range RGB; destination: limited ("TV") range, what players expect.
  sws_setColorspaceDetails(sws_.get(), bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16);
}

FramePtr RgbToYuv::convert(const torch::Tensor& rgb, int64_t pts) const {
  auto frame = make_frame();
  frame->format = format_;
  frame->width = width_;
  frame->height = height_;
  frame->color_range = AVCOL_RANGE_MPEG;
  frame->colorspace = AVCOL_SPC_BT709;
  frame->color_primaries = AVCOL_PRI_BT709;
  frame->color_trc = AVCOL_TRC_BT709;
  frame->pts = pts;
  check(av_frame_get_buffer(frame.get(), 0), "cannot allocate a video frame");
  const uint8_t* src[1] = {rgb.data_ptr<uint8_t>()};
  const int src_stride[1] = {width_ * 3};
  sws_scale(sws_.get(), src, src_stride, 0, height_, frame->data, frame->linesize);
  return frame;
}

torch::Tensor FrameToRgb::convert(const AVFrame& frame) {
  const auto format = static_cast<AVPixelFormat>(frame.format);
  sws_ = sws_getCachedContext(sws_, frame.width, frame.height, format, width_, height_, AV_PIX_FMT_RGB24, kSwsFlags,
                              nullptr, nullptr, nullptr);
  if (!sws_) throw InputError(std::string("cannot convert decoded frames of format ") +
                              (av_get_pix_fmt_name(format) ? av_get_pix_fmt_name(format) : "?") + " to RGB");
  if (is_yuv(format)) {
    const int* coefficients = sws_getCoefficients(coefficients_of(frame));
    sws_setColorspaceDetails(sws_, coefficients, frame.color_range == AVCOL_RANGE_JPEG, coefficients, 1, 0, 1 << 16,
                             1 << 16);
  }
  auto rgb = torch::empty({height_, width_, 3}, torch::kUInt8);
  uint8_t* dst[1] = {rgb.data_ptr<uint8_t>()};
  const int dst_stride[1] = {width_ * 3};
  const int rows = sws_scale(sws_, frame.data, frame.linesize, 0, frame.height, dst, dst_stride);
  if (rows != height_) throw InputError("a decoded frame could not be converted to RGB");
  return rgb;
}

}  // namespace gen::video::detail
