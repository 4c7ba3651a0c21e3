#include "input_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <gen/error.h>

namespace gen::video::detail {

int MemorySource::read_at(int64_t offset, uint8_t* buffer, int size) {
  if (offset < 0 || offset >= this->size() || size <= 0) return 0;
  const auto count = static_cast<int>(std::min<int64_t>(size, this->size() - offset));
  std::memcpy(buffer, bytes_.data() + offset, count);
  return count;
}

FileSource::FileSource(const std::filesystem::path& path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw InputError("cannot open " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw InputError(path.string() + " is not a regular file");
  }
  size_ = st.st_size;
}

FileSource::~FileSource() { ::close(fd_); }

int FileSource::read_at(int64_t offset, uint8_t* buffer, int size) {
  if (offset < 0 || offset >= size_ || size <= 0) return 0;
  while (true) {
    const ssize_t n = ::pread(fd_, buffer, static_cast<size_t>(size), offset);
    if (n >= 0) return static_cast<int>(n);
    if (errno != EINTR) return -1;
  }
}

AvioInput::AvioInput(InputSource& source) : source_(source) {
  constexpr int kBufferSize = 1 << 16;
  auto* buffer = static_cast<uint8_t*>(av_malloc(kBufferSize));
  if (!buffer) throw std::bad_alloc();
  ctx_ = avio_alloc_context(buffer, kBufferSize, 0, this, &AvioInput::read, nullptr, &AvioInput::seek);
  if (!ctx_) {
    av_free(buffer);
    throw std::bad_alloc();
  }
}

AvioInput::~AvioInput() {
  av_freep(&ctx_->buffer);  // FFmpeg may have replaced the buffer it was given
  avio_context_free(&ctx_);
}

int AvioInput::read(void* opaque, uint8_t* buffer, int size) {
  auto* self = static_cast<AvioInput*>(opaque);
  const int n = self->source_.read_at(self->position_, buffer, size);
  if (n < 0) return AVERROR(EIO);
  if (n == 0) return AVERROR_EOF;
  self->position_ += n;
  return n;
}

int64_t AvioInput::seek(void* opaque, int64_t offset, int whence) {
  auto* self = static_cast<AvioInput*>(opaque);
  const int64_t size = self->source_.size();
  int64_t base = 0, target = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE: return size;
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = self->position_; break;
    case SEEK_END: base = size; break;
    default: return AVERROR(EINVAL);
  }
  // Offsets come from the file being read: a hostile one must not overflow.
  if (__builtin_add_overflow(base, offset, &target) || target < 0) return AVERROR(EINVAL);
  self->position_ = target;
  return target;
}

}  // namespace gen::video::detail
