#include <gen/audio/resample.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include <gen/error.h>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
}

namespace gen::audio {
namespace {

struct SwrFree {
  void operator()(SwrContext* s) const { swr_free(&s); }
};

std::string av_message(int code) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buffer, sizeof buffer);
  return buffer;
}

void check(int code, const char* what) {
  if (code < 0) throw Error(std::string("resampling: ") + what + " failed: " + av_message(code));
}

// One channel, double precision planar in and out (the resampler then filters in double).
std::unique_ptr<SwrContext, SwrFree> make_context(int in_rate, int out_rate) {
  SwrContext* raw = nullptr;
  AVChannelLayout mono{};
  av_channel_layout_default(&mono, 1);
  check(swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_DBLP, out_rate, &mono, AV_SAMPLE_FMT_DBLP, in_rate, 0, nullptr),
        "allocating the resampler");
  std::unique_ptr<SwrContext, SwrFree> swr(raw);
  check(av_opt_set_int(swr.get(), "resampler", SWR_ENGINE_SWR, 0), "choosing the engine");
  check(av_opt_set_int(swr.get(), "filter_type", SWR_FILTER_TYPE_KAISER, 0), "choosing the filter");
  check(av_opt_set_double(swr.get(), "kaiser_beta", 12.0, 0), "setting the Kaiser beta");
  check(av_opt_set_int(swr.get(), "filter_size", 128, 0), "setting the filter size");
  check(av_opt_set_double(swr.get(), "cutoff", 0.95, 0), "setting the cutoff");
  check(av_opt_set_int(swr.get(), "phase_shift", 10, 0), "setting the phase count");
  check(av_opt_set_int(swr.get(), "linear_interp", 1, 0), "setting phase interpolation");
  check(av_opt_set_int(swr.get(), "exact_rational", 1, 0), "setting exact rational rates");
  check(swr_init(swr.get()), "starting the resampler");
  return swr;
}

// One channel resampled to exactly `out_frames` frames.
torch::Tensor resample_channel(const torch::Tensor& in, int in_rate, int out_rate, int64_t out_frames) {
  auto swr = make_context(in_rate, out_rate);
  auto out = torch::zeros({out_frames}, torch::kFloat64);
  const int64_t capacity = out_frames + 64;  // the flush may hand out a frame or two more than the ceiling
  auto buffer = torch::zeros({capacity}, torch::kFloat64);
  auto* dst = reinterpret_cast<uint8_t*>(buffer.data_ptr<double>());
  const auto* src = reinterpret_cast<const uint8_t*>(in.data_ptr<double>());
  int64_t done = 0;
  constexpr int64_t kChunk = 1 << 16;  // swr_convert counts in int
  for (int64_t start = 0; start < in.size(0); start += kChunk) {
    const int n = static_cast<int>(std::min(kChunk, in.size(0) - start));
    const uint8_t* in_planes[1] = {src + start * static_cast<int64_t>(sizeof(double))};
    uint8_t* out_planes[1] = {dst + done * static_cast<int64_t>(sizeof(double))};
    const int room = static_cast<int>(std::min<int64_t>(capacity - done, INT32_MAX));
    const int got = swr_convert(swr.get(), out_planes, room, in_planes, n);
    check(got, "converting");
    done += got;
  }
  for (;;) {  // drain what the filter still holds
    uint8_t* out_planes[1] = {dst + done * static_cast<int64_t>(sizeof(double))};
    const int room = static_cast<int>(std::min<int64_t>(capacity - done, INT32_MAX));
    if (room <= 0) break;
    const int got = swr_convert(swr.get(), out_planes, room, nullptr, 0);
    check(got, "flushing");
    if (got == 0) break;
    done += got;
  }
  const int64_t keep = std::min(done, out_frames);
  out.narrow(0, 0, keep).copy_(buffer.narrow(0, 0, keep));
  return out;
}

}  // namespace

Audio resample(const Audio& audio, int target_rate) {
  check_audio(audio);
  if (target_rate < kMinSampleRate || target_rate > kMaxSampleRate)
    throw UsageError("cannot resample to " + std::to_string(target_rate) + " Hz; use " + std::to_string(kMinSampleRate) +
                     " to " + std::to_string(kMaxSampleRate) + " Hz");
  if (target_rate == audio.sample_rate) return Audio{audio.samples.clone(), audio.sample_rate};
  const int64_t frames = audio.frames();
  const int64_t out_frames = (frames * target_rate + audio.sample_rate - 1) / audio.sample_rate;
  auto out = torch::empty({audio.channels(), out_frames}, torch::kFloat32);
  if (frames > 0) {
    const auto in = audio.samples.to(torch::kFloat64).contiguous();
    for (int64_t c = 0; c < audio.channels(); ++c)
      out[c].copy_(resample_channel(in[c].contiguous(), audio.sample_rate, target_rate, out_frames));
  }
  return Audio{out, target_rate};
}

}  // namespace gen::audio
