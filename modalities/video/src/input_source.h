// Private: the bytes a reader decodes, from a file or from memory, handed to FFmpeg
// through a custom AVIOContext. FFmpeg then never opens anything by name itself: no
// protocol, no second file a hostile container could point at.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "ffmpeg_util.h"

namespace gen::video::detail {

class InputSource {
 public:
  virtual ~InputSource() = default;
  // Copies up to `size` bytes at `offset`; returns the count, 0 at the end.
  virtual int read_at(int64_t offset, uint8_t* buffer, int size) = 0;
  virtual int64_t size() const = 0;
};

class MemorySource : public InputSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  int read_at(int64_t offset, uint8_t* buffer, int size) override;
  int64_t size() const override { return static_cast<int64_t>(bytes_.size()); }

 private:
  std::string_view bytes_;
};

class FileSource : public InputSource {
 public:
  // Throws InputError when the file cannot be opened or is not a regular file.
  explicit FileSource(const std::filesystem::path& path);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  int read_at(int64_t offset, uint8_t* buffer, int size) override;
  int64_t size() const override { return size_; }

 private:
  int fd_ = -1;
  int64_t size_ = 0;
};

// An AVIOContext reading `source` (which must outlive it) with seeking.
class AvioInput {
 public:
  explicit AvioInput(InputSource& source);
  ~AvioInput();
  AvioInput(const AvioInput&) = delete;
  AvioInput& operator=(const AvioInput&) = delete;
  AVIOContext* get() const { return ctx_; }

 private:
  static int read(void* opaque, uint8_t* buffer, int size);
  static int64_t seek(void* opaque, int64_t offset, int whence);
  InputSource& source_;
  int64_t position_ = 0;
  AVIOContext* ctx_ = nullptr;
};

}  // namespace gen::video::detail
