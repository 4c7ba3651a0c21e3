#include "sndfile_memory.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace gen::audio::detail {
namespace {

MemoryFile& file_of(void* user) { return *static_cast<MemoryFile*>(user); }

sf_count_t size_of(const MemoryFile& f) {
  return static_cast<sf_count_t>(f.writing ? f.output.size() : f.input.size());
}

sf_count_t get_filelen(void* user) { return size_of(file_of(user)); }

sf_count_t seek(sf_count_t offset, int whence, void* user) {
  auto& f = file_of(user);
  sf_count_t base = 0;
  if (whence == SEEK_CUR) base = f.position;
  else if (whence == SEEK_END) base = size_of(f);
  else if (whence != SEEK_SET) return -1;
  // Refuse positions before the start and absurd ones past the end (hostile offsets):
  // libsndfile treats -1 as a failed seek.
  if (offset < -base || offset > (sf_count_t{1} << 40) - base) return -1;
  f.position = base + offset;
  return f.position;
}

sf_count_t read(void* ptr, sf_count_t count, void* user) {
  auto& f = file_of(user);
  const sf_count_t size = size_of(f);
  if (count <= 0 || f.position >= size) return 0;
  const sf_count_t n = std::min(count, size - f.position);
  const char* source = f.writing ? f.output.data() : f.input.data();
  std::memcpy(ptr, source + f.position, static_cast<size_t>(n));
  f.position += n;
  return n;
}

sf_count_t write(const void* ptr, sf_count_t count, void* user) {
  auto& f = file_of(user);
  if (!f.writing || count <= 0) return 0;
  const auto end = static_cast<size_t>(f.position + count);
  if (end > f.output.size()) f.output.resize(end);
  std::memcpy(f.output.data() + f.position, ptr, static_cast<size_t>(count));
  f.position += count;
  return count;
}

sf_count_t tell(void* user) { return file_of(user).position; }

}  // namespace

SF_VIRTUAL_IO* memory_io() {
  static SF_VIRTUAL_IO io{get_filelen, seek, read, write, tell};
  return &io;
}

}  // namespace gen::audio::detail
