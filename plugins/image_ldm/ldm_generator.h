// The gen::Generator of the image_ldm plugin: one checkpoint, many requests.
#pragma once
#include <filesystem>
#include <memory>

#include <gen/plugin.h>

#include "checkpoint.h"
#include "sd_pipeline.h"

namespace image_ldm {

class LdmGenerator : public gen::Generator {
 public:
  explicit LdmGenerator(Checkpoint checkpoint);
  gen::Result run(const gen::Request& request, const gen::ProgressCallback& progress) override;

 private:
  enum Part { kTextEncoder = 1, kUNet = 2, kVae = 4 };
  // The pipeline for the tokenizer the options name; networks survive a tokenizer change.
  StableDiffusionPipeline& pipeline(const LdmOptions& options);
  // Loads the `parts` not yet loaded; with low_memory first drops every other part.
  void hold(int parts, bool low_memory);
  SampleSettings settings(const ImageRecord& record, const LdmOptions& options, const std::filesystem::path& output,
                          const gen::ProgressCallback& progress, int index, int count) const;
  gen::Artifact write_image(const gen::Request& request, const ImageRecord& record, const torch::Tensor& decoded,
                            const Canvas& canvas, const LdmOptions& options, const std::filesystem::path& path) const;

  Checkpoint checkpoint_;
  std::unique_ptr<StableDiffusionPipeline> pipeline_;
  std::filesystem::path tokenizer_dir_;
};

}  // namespace image_ldm
