#include "frame_sequence.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <gen/error.h>
#include <gen/image/image_io.h>

#include "input_source.h"
#include "video_reader.h"

namespace gen::video::detail {
namespace fs = std::filesystem;
namespace {

// Zero-padded to four digits or to the width of the last index, so names sort in order.
std::string frame_name(int64_t index, int64_t count) {
  const size_t width = std::max<size_t>(4, std::to_string(count - 1).size());
  std::string digits = std::to_string(index);
  return std::string(width - std::min(width, digits.size()), '0') + digits + ".png";
}

bool is_image_name(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

// The last run of digits in a file's stem ("frame_0012" -> 12), -1 when none. At most
// 18 digits are read so that a long run cannot overflow.
int64_t frame_number(const fs::path& path) {
  const std::string stem = path.stem().string();
  auto end = stem.find_last_of("0123456789");
  if (end == std::string::npos) return -1;
  auto begin = end;
  while (begin > 0 && std::isdigit(static_cast<unsigned char>(stem[begin - 1]))) --begin;
  begin = std::max(begin, end + 1 > 18 ? end + 1 - 18 : size_t{0});
  return std::stoll(stem.substr(begin, end + 1 - begin));
}

std::vector<fs::path> frame_files(const fs::path& folder, const ReadLimits& limits) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || !is_image_name(it->path())) continue;
    if (static_cast<int64_t>(files.size()) >= limits.max_frames)
      throw InputError(folder.string() + ": more than " + std::to_string(limits.max_frames) +
                       " frames (the reader's limit)");
    files.push_back(it->path());
  }
  if (ec) throw InputError("cannot list " + folder.string() + ": " + ec.message());
  if (files.empty()) throw InputError(folder.string() + ": no PNG or JPEG frames in the folder");
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    const auto na = frame_number(a), nb = frame_number(b);
    return na != nb ? na < nb : a.filename() < b.filename();
  });
  return files;
}

FrameRate sequence_rate(const fs::path& first, FrameRate fallback) {
  if (first.extension() != ".png") return fallback;
  try {
    const auto text = image::read_png_text(first);
    const auto it = text.find(kFpsTextKey);
    return it == text.end() ? fallback : FrameRate::parse(it->second);
  } catch (const UsageError& e) {
    throw InputError(first.string() + ": bad \"fps\" text: " + e.what());
  }
}

}  // namespace

void write_frame_sequence(const fs::path& path, const Video& video, const WriteOptions& options) {
  check_layout(video);
  std::error_code ec;
  if (!fs::create_directory(path, ec))
    throw Error("cannot create the frame folder " + path.string() + ": " + (ec ? ec.message() : "it exists"));
  try {
    auto text = options.text;
    text[kFpsTextKey] = video.fps.to_string();
    const auto frames = video.frames.contiguous();
    for (int64_t i = 0; i < video.frame_count(); ++i)
      image::write_png(path / frame_name(i, video.frame_count()), {frames[i]}, text);
  } catch (...) {
    fs::remove_all(path, ec);
    throw;
  }
}

Video read_frame_sequence(const fs::path& folder, const ReadLimits& limits, FrameRate fallback_fps) {
  const auto files = frame_files(folder, limits);
  std::vector<torch::Tensor> frames;
  for (const auto& file : files) {
    FileSource source(file);
    auto frame = decode_image(source, file.string(), limits);
    if (!frames.empty() && frame.sizes() != frames.front().sizes())
      throw InputError(file.string() + ": " + std::to_string(frame.size(1)) + "x" + std::to_string(frame.size(0)) +
                       " pixels, but the first frame is " + std::to_string(frames.front().size(1)) + "x" +
                       std::to_string(frames.front().size(0)));
    if (static_cast<int64_t>(frames.size() + 1) * frame.numel() > limits.max_bytes)
      throw InputError(folder.string() + ": the frames exceed the limit of " + std::to_string(limits.max_bytes >> 20) +
                       " MiB");
    frames.push_back(frame);
  }
  return {torch::stack(frames), sequence_rate(files.front(), fallback_fps)};
}

}  // namespace gen::video::detail
