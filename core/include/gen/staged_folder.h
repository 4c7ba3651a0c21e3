// A folder written whole or not at all (a dataset, an export): files go into a
// temporary sibling, which replaces the target only on commit(); an uncommitted one is
// removed by the destructor, so a failure or Ctrl-C leaves no half-written output.
#pragma once
#include <filesystem>
#include <string>

#include <gen/export.h>

namespace gen {

class GEN_API StagedFolder {
 public:
  // gen::UsageError when `target` is a file, its parent folder does not exist, or it is
  // a non-empty folder without `marker` (the file an earlier output of the same writer
  // holds, which commit() replaces); `kind` names that output in the message.
  StagedFolder(std::filesystem::path target, const std::string& marker, const std::string& kind);
  ~StagedFolder();
  StagedFolder(const StagedFolder&) = delete;
  StagedFolder& operator=(const StagedFolder&) = delete;

  const std::filesystem::path& path() const { return temp_; }
  std::filesystem::path operator/(const std::string& name) const { return temp_ / name; }
  // Replaces the target with the staged folder; gen::Error if that fails.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

}  // namespace gen
