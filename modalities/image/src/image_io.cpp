#include <gen/image/image_io.h>

#include <png.h>

#include <cstdio>
#include <memory>
#include <vector>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO_FOPEN_WARNINGS
#include <stb/stb_image.h>

#include <gen/atomic_file.h>
#include <gen/error.h>

namespace gen::image {

namespace {

struct FileCloser {
  void operator()(FILE* f) const { if (f) std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

[[noreturn]] void png_error_handler(png_structp, png_const_charp message) {
  throw InputError(std::string("PNG: ") + message);
}
void png_warning_handler(png_structp, png_const_charp) {}

int png_color_type(int64_t channels) {
  switch (channels) {
    case 1: return PNG_COLOR_TYPE_GRAY;
    case 3: return PNG_COLOR_TYPE_RGB;
    case 4: return PNG_COLOR_TYPE_RGBA;
    default: throw UsageError("PNG needs 1, 3 or 4 channels, got " + std::to_string(channels));
  }
}

void write_png_stream(FILE* file, const Image& image, const std::map<std::string, std::string>& text) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, png_error_handler,
                                            png_warning_handler);
  png_infop info = png_create_info_struct(png);
  struct Guard {
    png_structp* p; png_infop* i;
    ~Guard() { png_destroy_write_struct(p, i); }
  } guard{&png, &info};
  png_init_io(png, file);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width()),
               static_cast<png_uint_32>(image.height()), 8, png_color_type(image.channels()),
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  // iTXt chunks keep UTF-8 prompts intact; keys must be 1-79 Latin-1 characters.
  std::vector<png_text> chunks;
  for (const auto& [key, value] : text) {
    png_text t{};
    t.compression = PNG_ITXT_COMPRESSION_NONE;
    t.key = const_cast<char*>(key.c_str());
    t.text = const_cast<char*>(value.c_str());
    t.itxt_length = value.size();
    chunks.push_back(t);
  }
  if (!chunks.empty()) png_set_text(png, info, chunks.data(), static_cast<int>(chunks.size()));
  png_write_info(png, info);
  auto pixels = image.pixels.contiguous();
  const auto stride = image.width() * image.channels();
  for (int64_t y = 0; y < image.height(); ++y)
    png_write_row(png, pixels.data_ptr<uint8_t>() + y * stride);
  png_write_end(png, info);
}

}  // namespace

Image read_image(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path))
    throw InputError("image file not found: " + path.string());
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f) throw InputError("cannot open image " + path.string());
  int w = 0, h = 0, c = 0;
  if (!stbi_info_from_file(f.get(), &w, &h, &c))
    throw InputError("cannot decode image " + path.string() + ": " + stbi_failure_reason());
  const int wanted = c == 2 ? 4 : c;  // gray+alpha becomes RGBA
  std::unique_ptr<stbi_uc, void (*)(void*)> data(stbi_load_from_file(f.get(), &w, &h, &c, wanted),
                                                 stbi_image_free);
  if (!data)
    throw InputError("cannot decode image " + path.string() + ": " + stbi_failure_reason());
  return {torch::from_blob(data.get(), {h, w, wanted}, torch::kUInt8).clone()};
}

void write_png(const std::filesystem::path& path, const Image& image,
               const std::map<std::string, std::string>& text) {
  if (image.pixels.dim() != 3 || image.pixels.scalar_type() != torch::kUInt8)
    throw UsageError("write_png needs a uint8 [H, W, C] image");
  AtomicFile out(path);
  {
    FilePtr f(std::fopen(out.temp_path().c_str(), "wb"));
    if (!f) throw Error("cannot create " + out.temp_path().string());
    write_png_stream(f.get(), image, text);
    if (std::fflush(f.get()) != 0) throw Error("cannot write " + path.string());
  }
  out.commit();
}

std::map<std::string, std::string> read_png_text(const std::filesystem::path& path) {
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f) throw InputError("cannot open " + path.string());
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, png_error_handler,
                                           png_warning_handler);
  png_infop info = png_create_info_struct(png);
  struct Guard {
    png_structp* p; png_infop* i;
    ~Guard() { png_destroy_read_struct(p, i, nullptr); }
  } guard{&png, &info};
  png_init_io(png, f.get());
  png_read_info(png, info);
  png_textp chunks = nullptr;
  int count = png_get_text(png, info, &chunks, nullptr);
  std::map<std::string, std::string> out;
  for (int i = 0; i < count; ++i)
    out[chunks[i].key] = std::string(chunks[i].text, chunks[i].itxt_length ? chunks[i].itxt_length
                                                                            : chunks[i].text_length);
  return out;
}

}  // namespace gen::image
