// `gen train motion_mdm -m text`: the text tower alone, taught which motion each caption
// describes before MDM trains on it. MDM rests on a pretrained CLIP whose embeddings
// already tell "walks" from "jumps"; a tower trained from scratch only through the
// diffusion loss hardly learned that (version 1 of the default model ignored its text,
// docs/model-zoo.md). Here captions and motions are pulled together contrastively
// (CLIP's symmetric InfoNCE) against a small motion encoder of this stage's own, which is
// thrown away afterwards; `-m mdm -O text_encoder=RUN` then starts from the tower.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/plugin.h>

namespace motion_mdm {

struct TextTower {
  gen::nn::ClipTextEmbedder encoder;
  gen::nn::ClipTokenizer tokenizer;
};

// A fresh tower over the captions' words; its vocabulary is written to `tokenizer_dir`.
TextTower new_text_tower(const gen::TrainRequest& r, const std::vector<std::vector<std::string>>& captions,
                         const std::filesystem::path& tokenizer_dir);
// The tower of a finished `-m text` run (RUN/text_encoder, RUN/tokenizer); its
// tokenizer files are copied to `tokenizer_dir`. Throws InputError naming what is missing.
TextTower load_text_tower(const std::filesystem::path& run, const std::filesystem::path& tokenizer_dir);
void copy_tokenizer(const std::filesystem::path& from, const std::filesystem::path& to);

gen::TrainStage text_stage();
void train_text_tower(const gen::TrainRequest& r, const gen::ProgressCallback& progress);

}  // namespace motion_mdm
