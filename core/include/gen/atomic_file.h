// Writes an output file so that a failure never leaves half a file or clobbers an
// existing one: data goes to a temporary file in the same directory, which is
// renamed over the target only by commit().
#pragma once
#include <filesystem>
#include <string>

#include <gen/export.h>

namespace gen {

class GEN_API AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Where to write the data (a temporary sibling of the target).
  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  // fsyncs and renames the temporary file onto the target.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

// Convenience: atomically replace `path` with `bytes`.
GEN_API void write_file_atomic(const std::filesystem::path& path, const std::string& bytes);

}  // namespace gen
