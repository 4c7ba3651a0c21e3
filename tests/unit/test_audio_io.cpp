// Audio files: WAV (16/24-bit, float), FLAC (16/24-bit) and Ogg/Vorbis round trips,
// reproducible bytes, texts, atomic writes, and the reader's refusals of truncated,
// corrupt, hostile and over-limit input (one gen::InputError each).
#include <cstring>
#include <fstream>
#include <limits>

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <gen/audio/audio.h>
#include <gen/audio/audio_io.h>
#include <gen/error.h>

#include "audio_fixtures.h"
#include "test_util.h"

using namespace gen::audio;
using gen::test::stereo_mixture;
using gen::test::wav_file;

namespace {

double max_error(const Audio& a, const Audio& b) { return (a.samples - b.samples).abs().max().item<double>(); }

// The error message of `f`, which must throw gen::InputError.
template <typename F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const gen::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no gen::InputError";
  return {};
}

struct Case {
  const char* name;
  AudioFileFormat format;
  SampleFormat sample_format;
  const char* encoding;
  double tolerance;  // largest |read - written| for samples in [-1, 1]
};

// Half a quantisation step of 2^-(bits-1), plus float rounding.
const Case kLossless[] = {
    {"wav16", AudioFileFormat::wav, SampleFormat::pcm16, "pcm16", 0.5 / 32768 + 1e-7},
    {"wav24", AudioFileFormat::wav, SampleFormat::pcm24, "pcm24", 0.5 / 8388608 + 1e-7},
    {"wavf", AudioFileFormat::wav, SampleFormat::float32, "float32", 0},
    {"flac16", AudioFileFormat::flac, SampleFormat::pcm16, "pcm16", 0.5 / 32768 + 1e-7},
    {"flac24", AudioFileFormat::flac, SampleFormat::pcm24, "pcm24", 0.5 / 8388608 + 1e-7},
};

AudioWriteOptions options_for(SampleFormat f) {
  AudioWriteOptions o;
  o.sample_format = f;
  return o;
}

}  // namespace

TEST(AudioIo, LosslessRoundTripsPerFormatAndBitDepth) {
  const auto clip = stereo_mixture(22050, 5555);
  for (const auto& c : kLossless) {
    SCOPED_TRACE(c.name);
    const auto bytes = encode_audio(clip, c.format, options_for(c.sample_format));
    AudioFileInfo info;
    const auto back = read_audio_memory(bytes, {}, c.name, &info);
    EXPECT_EQ(back.sample_rate, 22050);
    ASSERT_EQ(back.samples.sizes(), clip.samples.sizes());
    EXPECT_LE(max_error(back, clip), c.tolerance);
    EXPECT_EQ(info.format, c.format);
    EXPECT_EQ(info.encoding, c.encoding);
    EXPECT_EQ(info.sample_format, c.sample_format);
    // Read, then written again in its own format: the same samples, the same bytes.
    EXPECT_EQ(encode_audio(back, c.format, options_for(c.sample_format)), bytes);
  }
}

TEST(AudioIo, IntegerFormatsClipAndUseFullScale) {
  Audio clip{torch::tensor({{1.5f, 1.0f, -1.0f, -1.5f, 0.5f, -0.25f}}), 8000};
  const auto back = read_audio_memory(encode_audio(clip, AudioFileFormat::wav), {}, "clip.wav");
  const auto got = back.samples[0];
  EXPECT_FLOAT_EQ(got[0].item<float>(), 32767.0f / 32768);
  EXPECT_FLOAT_EQ(got[1].item<float>(), 32767.0f / 32768);
  EXPECT_FLOAT_EQ(got[2].item<float>(), -1.0f);
  EXPECT_FLOAT_EQ(got[3].item<float>(), -1.0f);
  EXPECT_FLOAT_EQ(got[4].item<float>(), 0.5f);
  EXPECT_FLOAT_EQ(got[5].item<float>(), -0.25f);
}

TEST(AudioIo, FloatWavKeepsHeadroom) {
  Audio clip{torch::tensor({{3.0f, -2.5f, 0.125f}}), 48000};
  const auto back = read_audio_memory(encode_audio(clip, AudioFileFormat::wav, options_for(SampleFormat::float32)));
  EXPECT_TRUE(torch::equal(back.samples, clip.samples));
}

TEST(AudioIo, OggVorbisIsCloseAndKeepsTheLength) {
  // Tones (what Vorbis keeps well; it spends few bits on noise).
  const Audio clip{torch::stack({gen::test::sine(440, 16000, 16000, 0.4) + gen::test::sine(1250, 16000, 16000, 0.2),
                                 gen::test::sine(660, 16000, 16000, 0.3)}),
                   16000};
  AudioFileInfo info;
  const auto back = read_audio_memory(encode_audio(clip, AudioFileFormat::ogg), {}, "clip.ogg", &info);
  EXPECT_EQ(info.format, AudioFileFormat::ogg);
  EXPECT_EQ(info.encoding, "vorbis");
  EXPECT_EQ(back.sample_rate, 16000);
  ASSERT_EQ(back.samples.sizes(), clip.samples.sizes());
  // Lossy, but close: signal-to-error ratio over 20 dB.
  const double signal = clip.samples.square().sum().item<double>();
  const double error = (back.samples - clip.samples).square().sum().item<double>();
  EXPECT_GT(10 * std::log10(signal / error), 20.0);
}

TEST(AudioIo, SameAudioSameBytes) {
  const auto clip = stereo_mixture(16000, 4000);
  for (const auto format : {AudioFileFormat::wav, AudioFileFormat::flac, AudioFileFormat::ogg}) {
    const auto a = encode_audio(clip, format), b = encode_audio(clip, format);
    EXPECT_EQ(a, b) << static_cast<int>(format);
  }
  EXPECT_EQ(encode_audio(clip, AudioFileFormat::wav, options_for(SampleFormat::float32)),
            encode_audio(clip, AudioFileFormat::wav, options_for(SampleFormat::float32)));
}

TEST(AudioIo, TextsRoundTripInEveryFormat) {
  const auto clip = stereo_mixture(16000, 2000);
  AudioWriteOptions o;
  o.text = {{"title", "a piano playing a C4 note"}, {"parameters", "steps: 25, seed: 7"}};
  for (const auto format : {AudioFileFormat::wav, AudioFileFormat::flac, AudioFileFormat::ogg}) {
    AudioFileInfo info;
    read_audio_memory(encode_audio(clip, format, o), {}, "clip", &info);
    EXPECT_EQ(info.text["title"], "a piano playing a C4 note") << static_cast<int>(format);
    EXPECT_EQ(info.text["comment"], "steps: 25, seed: 7") << static_cast<int>(format);
  }
  AudioWriteOptions bad;
  bad.text = {{"lyrics", "la"}};
  EXPECT_THROW(encode_audio(clip, AudioFileFormat::wav, bad), gen::UsageError);
}

TEST(AudioIo, FormatsFollowTheExtension) {
  EXPECT_EQ(audio_format_from_path("a/b.WAV"), AudioFileFormat::wav);
  EXPECT_EQ(audio_format_from_path("b.flac"), AudioFileFormat::flac);
  EXPECT_EQ(audio_format_from_path("b.ogg"), AudioFileFormat::ogg);
  EXPECT_THROW(audio_format_from_path("b.mp3"), gen::UsageError);
  EXPECT_EQ(parse_sample_format("24"), SampleFormat::pcm24);
  EXPECT_EQ(parse_sample_format("float"), SampleFormat::float32);
  EXPECT_THROW(parse_sample_format("pcm12"), gen::UsageError);
}

TEST(AudioIo, WritesAtomicallyAndReadsFiles) {
  gen::test::TempDir dir;
  const auto clip = stereo_mixture(16000, 3000);
  for (const char* name : {"a.wav", "a.flac", "a.ogg"}) {
    write_audio(dir / name, clip);
    const auto back = read_audio(dir / name);
    EXPECT_EQ(back.samples.sizes(), clip.samples.sizes()) << name;
  }
  // A failed write (FLAC cannot hold float) leaves the old file as it was and no temporary.
  const auto before = gen::test::read_text(dir / "a.flac");
  EXPECT_THROW(write_audio(dir / "a.flac", clip, options_for(SampleFormat::float32)), gen::UsageError);
  EXPECT_EQ(gen::test::read_text(dir / "a.flac"), before);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()), 3);
  EXPECT_THROW(write_audio(dir / "a.mp3", clip), gen::UsageError);
  EXPECT_NE(input_error([&] { read_audio(dir / "missing.wav"); }).find("missing.wav"), std::string::npos);
  EXPECT_NE(input_error([&] { read_audio(dir.path()); }).find("folder"), std::string::npos);
}

TEST(AudioIo, EmptyClipRoundTrips) {
  Audio empty{torch::zeros({1, 0}), 16000};
  const auto back = read_audio_memory(encode_audio(empty, AudioFileFormat::wav));
  EXPECT_EQ(back.frames(), 0);
  EXPECT_EQ(back.channels(), 1);
}

TEST(AudioIo, TruncatedFilesAreRefused) {
  const auto clip = stereo_mixture(16000, 16000);
  for (const auto& c : kLossless) {
    SCOPED_TRACE(c.name);
    const auto bytes = encode_audio(clip, c.format, options_for(c.sample_format));
    const auto message = input_error([&] { read_audio_memory(bytes.substr(0, bytes.size() * 6 / 10), {}, "cut"); });
    EXPECT_EQ(message.rfind("cut: ", 0), 0u) << message;
    EXPECT_NE(message.find("truncated"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
  const auto ogg = encode_audio(clip, AudioFileFormat::ogg);
  for (size_t keep : {ogg.size() / 2, ogg.size() - 1, size_t{20}}) {
    const auto message = input_error([&] { read_audio_memory(ogg.substr(0, keep), {}, "cut.ogg"); });
    EXPECT_NE(message.find("truncated"), std::string::npos) << keep << ": " << message;
  }
}

TEST(AudioIo, CorruptOggPagesAreRefused) {
  auto ogg = encode_audio(stereo_mixture(16000, 8000), AudioFileFormat::ogg);
  // One bit of the last page's body (after its 27-byte header and segment table).
  const size_t last = ogg.rfind("OggS");
  ASSERT_NE(last, std::string::npos);
  const size_t body = last + 27 + static_cast<unsigned char>(ogg[last + 26]);
  ASSERT_LT(body + 1, ogg.size());
  ogg[body + 1] ^= 0x20;
  const auto message = input_error([&] { read_audio_memory(ogg, {}, "bad.ogg"); });
  EXPECT_NE(message.find("checksum"), std::string::npos) << message;
}

TEST(AudioIo, HostileHeadersAreRefused) {
  const auto data = gen::test::pcm16_ramp(400);
  // Sanity: the hand-made file itself reads.
  const auto good = read_audio_memory(wav_file(1, 1, 16000, 16, data));
  EXPECT_EQ(good.frames(), 400);
  // A data chunk claiming 2 GB in a file of a few hundred bytes.
  EXPECT_NE(input_error([&] { read_audio_memory(wav_file(1, 1, 16000, 16, data, 0x7ffffff0)); }).find("truncated"),
            std::string::npos);
  // 60000 channels, a zero and an absurd sample rate.
  EXPECT_NE(input_error([&] { read_audio_memory(wav_file(1, 60000, 16000, 16, data)); }).find("channels"),
            std::string::npos);
  // libsndfile itself refuses these rates when it opens the file.
  EXPECT_NE(input_error([&] { read_audio_memory(wav_file(1, 1, 4000000000u, 16, data)); }).find("cannot decode"),
            std::string::npos);
  EXPECT_NE(input_error([&] { read_audio_memory(wav_file(1, 1, 0, 16, data)); }).find("cannot decode"),
            std::string::npos);
  // Not audio at all, empty, and a RIFF file that is not WAVE.
  EXPECT_NE(input_error([&] { read_audio_memory("hello, world: not a sound"); }).find("not a WAV"), std::string::npos);
  EXPECT_NE(input_error([&] { read_audio_memory(""); }).find("empty"), std::string::npos);
  input_error([&] { read_audio_memory("RIFF\x04\0\0\0AVI "); });
  input_error([&] { read_audio_memory("fLaC"); });
  input_error([&] { read_audio_memory("OggS"); });
}

TEST(AudioIo, NonFiniteSamplesAreRefused) {
  std::string data;
  for (float v : {0.5f, std::numeric_limits<float>::quiet_NaN(), 0.25f}) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    gen::test::put_le(data, bits, 4);
  }
  const auto message = input_error([&] { read_audio_memory(wav_file(3, 1, 16000, 32, data), {}, "nan.wav"); });
  EXPECT_NE(message.find("not finite"), std::string::npos) << message;
}

TEST(AudioIo, LimitsAreEnforced) {
  const auto clip = stereo_mixture(16000, 16000);
  const auto flac = encode_audio(clip, AudioFileFormat::flac);
  AudioReadLimits small;
  small.max_samples = 10000;
  EXPECT_NE(input_error([&] { read_audio_memory(flac, small); }).find("limit"), std::string::npos);
  small = {};
  small.max_bytes = 1000;
  EXPECT_NE(input_error([&] { read_audio_memory(flac, small); }).find("limit"), std::string::npos);
  small = {};
  small.max_channels = 1;
  EXPECT_NE(input_error([&] { read_audio_memory(flac, small); }).find("channels"), std::string::npos);
  small = {};
  small.max_sample_rate = 8000;
  EXPECT_NE(input_error([&] { read_audio_memory(flac, small); }).find("Hz"), std::string::npos);
}

TEST(AudioValue, ChecksAndMono) {
  EXPECT_NO_THROW(check_audio(Audio{torch::zeros({2, 10}), 16000}));
  EXPECT_THROW(check_audio(Audio{torch::zeros({2, 10}), 10}), gen::InputError);
  EXPECT_THROW(check_audio(Audio{torch::zeros({2, 10}, torch::kFloat64), 16000}), gen::InputError);
  EXPECT_THROW(check_audio(Audio{torch::zeros({0, 10}), 16000}), gen::InputError);
  EXPECT_THROW(check_audio(Audio{torch::zeros({10}), 16000}), gen::InputError);
  auto inf = torch::zeros({1, 10});
  inf[0][3] = INFINITY;
  EXPECT_THROW(check_audio(Audio{inf, 16000}), gen::InputError);

  const auto a = audio_from_tensor(torch::tensor({1.0, -1.0, 0.5}, torch::kFloat64), 8000);
  EXPECT_EQ(a.samples.sizes(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(a.samples.scalar_type(), torch::kFloat32);
  EXPECT_THROW(audio_from_tensor(torch::zeros({2, 2, 2}), 8000), gen::UsageError);

  const auto mono = to_mono(Audio{torch::tensor({{1.0f, 0.0f}, {0.0f, 0.5f}}), 8000});
  EXPECT_TRUE(torch::allclose(mono.samples, torch::tensor({{0.5f, 0.25f}})));
  EXPECT_DOUBLE_EQ(peak(Audio{torch::tensor({{0.25f, -0.75f}}), 8000}), 0.75);
  EXPECT_DOUBLE_EQ(Audio({torch::zeros({1, 8000}), 16000}).duration(), 0.5);
}
