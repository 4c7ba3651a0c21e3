// Writers by file extension. Core knows no modality: each modality library adds its
// formats (gen::image::add_image_formats adds ".png"), core adds the modality-neutral
// ".safetensors" (any sample, raw) and ".csv" (tables beside a main file), and the
// host picks a writer by the output's extension.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/request.h>
#include <gen/sample.h>

namespace gen {

// Writes `data` (in its modality's layout, gen/sample.h) to `path`. The host hands
// a temporary path and renames it on success, so a writer need not be atomic.
using SampleWriter = std::function<void(const std::filesystem::path& path, const torch::Tensor& data,
                                        const Sample& sample)>;

class GEN_API OutputFormats {
 public:
  // `extension` with its dot (".png"); `modality` empty for data of any modality.
  // `main` = false: only for extras written beside a main file (a CSV table).
  void add(const std::string& extension, std::optional<Modality> modality, SampleWriter writer, bool main = true);
  // The writer of a main output of `modality` at `path` (its own formats first, then
  // the neutral ones), or null.
  const SampleWriter* find(const std::filesystem::path& path, Modality modality) const;
  // The writer of an extra beside the main file (any format for the modality, or neutral).
  const SampleWriter* find_extra(const std::filesystem::path& path, Modality modality) const;
  // The extensions a modality can be written as, e.g. ".png" (for error messages).
  std::vector<std::string> extensions(std::optional<Modality> modality) const;

 private:
  struct Entry {
    std::string extension;
    std::optional<Modality> modality;
    SampleWriter writer;
    bool main = true;
  };
  const SampleWriter* lookup(const std::filesystem::path& path, Modality modality, bool main_only) const;
  std::vector<Entry> entries_;
};

// Adds ".safetensors" (the sample's data as "data", each extra as "extra<ext>", the
// metadata and text as safetensors metadata) and ".csv" for extras: a 2-D tensor as
// comma-separated rows with x,y[,z] or c0,c1,... headers.
GEN_API void add_tensor_formats(OutputFormats& formats);

}  // namespace gen
