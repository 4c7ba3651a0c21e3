// The gen::Generator of the image_ldm plugin: one checkpoint, many requests.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include <gen/plugin.h>

#include "sd_pipeline.h"

namespace image_ldm {

class LdmGenerator : public gen::Generator {
 public:
  explicit LdmGenerator(Checkpoint checkpoint);
  gen::Sample generate(const gen::Request& request, const gen::ProgressCallback& progress) override;

 private:
  enum Part { kTextEncoder = 1, kUNet = 2, kVae = 4 };
  // The pipeline for the tokenizer the options name; networks survive a tokenizer change.
  StableDiffusionPipeline& pipeline(const LdmOptions& options);
  // Loads the `parts` not yet loaded; with low_memory first drops every other part.
  void hold(int parts, bool low_memory);
  SampleSettings settings(const ImageRecord& record, const LdmOptions& options, const gen::ProgressCallback& progress,
                          int index, int count) const;
  // The prompt's text states, encoded once for every item of a batch.
  const PromptEncoding& prompt_states(const gen::Request& request, const LdmOptions& options, bool with_uncond);

  Checkpoint checkpoint_;
  std::unique_ptr<StableDiffusionPipeline> pipeline_;
  std::filesystem::path tokenizer_dir_;
  std::string prompt_key_;
  PromptEncoding prompt_;
};

}  // namespace image_ldm
