#include <gen/atomic_file.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>

#include <gen/error.h>

namespace gen {

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  if (target_.empty()) throw UsageError("output path is empty");
  auto dir = target_.parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir))
    throw UsageError("output directory does not exist: " + dir.string());
  std::random_device rd;
  // The extension stays last: writers that pick a container by extension (FFmpeg) see it.
  const auto tag = ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(rd() & 0xffffff);
  temp_ = target_.parent_path() / (target_.stem().string() + tag + target_.extension().string());
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void AtomicFile::commit() {
  int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd < 0) throw Error("output was not written: " + temp_.string());
  ::fsync(fd);
  ::close(fd);
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw Error("cannot write " + target_.string() + ": " + ec.message());
  committed_ = true;
}

void write_file_atomic(const std::filesystem::path& path, const std::string& bytes) {
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary);
    if (!out) throw Error("cannot create " + file.temp_path().string());
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error("cannot write " + file.temp_path().string());
  }
  file.commit();
}

}  // namespace gen
