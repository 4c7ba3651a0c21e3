#include <gen/staged_folder.h>

#include <chrono>

#include <gen/error.h>

namespace gen {

namespace fs = std::filesystem;

StagedFolder::StagedFolder(fs::path target, const std::string& marker, const std::string& kind)
    : target_(std::move(target)) {
  std::error_code ec;
  if (target_.empty()) throw UsageError("the output folder is empty");
  if (fs::exists(target_, ec) && !fs::is_directory(target_, ec))
    throw UsageError(target_.string() + " is a file, not a folder");
  if (fs::exists(target_, ec) && !fs::is_empty(target_, ec) && !fs::exists(target_ / marker, ec))
    throw UsageError(target_.string() + " exists and is not an earlier " + kind + "; choose another folder");
  const auto parent = target_.parent_path().empty() ? fs::path(".") : target_.parent_path();
  if (!fs::is_directory(parent, ec)) throw UsageError("the folder " + parent.string() + " does not exist");
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  temp_ = target_.parent_path() / (target_.filename().string() + ".tmp-" + std::to_string(stamp));
  if (!fs::create_directories(temp_, ec) || ec)
    throw Error("cannot create " + temp_.string() + ": " + (ec ? ec.message() : "it exists"));
}

StagedFolder::~StagedFolder() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(temp_, ignored);
}

void StagedFolder::commit() {
  std::error_code ec;
  if (fs::exists(target_, ec)) fs::remove_all(target_, ec);
  if (!ec) fs::rename(temp_, target_, ec);
  if (ec) throw Error("cannot write " + target_.string() + ": " + ec.message());
  committed_ = true;
}

}  // namespace gen
