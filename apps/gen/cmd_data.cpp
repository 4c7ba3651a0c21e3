// gen data image|video|motion|audio|3d: the captioned datasets the default models train
// on — shapes and shapes in motion from the shapes world (gen/shapes/shapes_dataset.h,
// gen/shapes/motion_dataset.h), human motions from the humans world
// (gen/humans/motion_dataset.h), sounds from the sounds world, point clouds of solids
// from the solids world (gen/solids/solid_dataset.h).
#include <gen/error.h>
#include <gen/humans/motion_dataset.h>
#include <gen/shapes/motion_dataset.h>
#include <gen/shapes/shapes_dataset.h>
#include <gen/solids/solid_dataset.h>
#include <gen/sounds/sound_dataset.h>

#include "commands.h"
#include "progress_bar.h"

namespace gen::cli {

namespace {

// Runs a dataset writer under a progress bar and prints the folder it wrote.
int write_dataset(const CommonFlags& flags, const std::string& out,
                  const std::function<void(const ProgressCallback&)>& write) {
  apply_common_flags(flags, false);
  install_interrupt_handler();
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  write(bar.callback());
  bar.finish();
  std::printf("%s\n", out.c_str());
  return kExitOk;
}

}  // namespace

Runner add_data_command(CLI::App& app, CommonFlags& flags) {
  auto* cmd = app.add_subcommand("data", "Build training datasets");
  cmd->require_subcommand(1);
  auto* image = cmd->add_subcommand("image", "Captioned 64x64 shapes with a held-out split of colour+shape pairs");
  auto options = std::make_shared<gen::shapes::ShapesDatasetOptions>();
  auto out = std::make_shared<std::string>();
  image->add_option("-o,--output", *out, "Dataset folder (created)")->required();
  image->add_option("--train", options->train_count, "Training images")->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  image->add_option("--heldout", options->heldout_count, "Held-out images")->check(CLI::Range(int64_t{0}, int64_t{10000000}));
  image->add_option("-s,--seed", options->seed, "Random seed (the dataset is a pure function of it)");
  image->add_option("--size", options->size, "Image side in pixels")->check(CLI::Range(16, 512));
  add_common_flags(*image, flags);

  auto* video = cmd->add_subcommand("video", "Captioned clips of shapes in motion with a held-out split of shape+motion pairs");
  auto clips = std::make_shared<gen::shapes::MotionDatasetOptions>();
  video->add_option("-o,--output", *out, "Dataset folder (created)")->required();
  video->add_option("--train", clips->train_count, "Training clips")->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  video->add_option("--heldout", clips->heldout_count, "Held-out clips")->check(CLI::Range(int64_t{0}, int64_t{1000000}));
  video->add_option("--frames", clips->frames, "Frames per clip")->check(CLI::Range(2, 256));
  video->add_option("--size", clips->size, "Frame side in pixels")->check(CLI::Range(16, 512));
  video->add_option("-s,--seed", clips->seed, "Random seed (the dataset is a pure function of it)");
  add_common_flags(*video, flags);

  auto* motion = cmd->add_subcommand("motion", "Captioned human motions (smpl22) with a held-out split of action combinations");
  auto motions = std::make_shared<gen::humans::MotionDatasetOptions>();
  motion->add_option("-o,--output", *out, "Dataset folder (created)")->required();
  motion->add_option("--train", motions->train_count, "Training motions")->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  motion->add_option("--heldout", motions->heldout_count, "Held-out motions")->check(CLI::Range(int64_t{0}, int64_t{10000000}));
  motion->add_option("-s,--seed", motions->seed, "Random seed (the dataset is a pure function of it)");
  motion->add_option("--max-frames", motions->max_frames, "Frames per motion in the tensors (padded; real lengths recorded)")
      ->check(CLI::Range(1, 1024));
  motion->add_option("--fps", motions->fps, "Frame rate")->check(CLI::Range(10.0, 60.0));
  motion->add_option("--sequences", motions->sequences,
                     "Chance a motion is a two-action sequence (0..1; default the world's 0.4, before the held-out split)")
      ->check(CLI::Range(0.0, 1.0));
  add_common_flags(*motion, flags);

  auto* audio = cmd->add_subcommand("audio", "Captioned sounds (GM instrument notes, tones, drums, beats, chirps, noise) with a held-out split of instrument+octave pairs");
  auto sounds = std::make_shared<gen::sounds::SoundDatasetOptions>();
  audio->add_option("-o,--output", *out, "Dataset folder (created)")->required();
  audio->add_option("--train", sounds->train_count, "Training clips")->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  audio->add_option("--heldout", sounds->heldout_count, "Held-out clips")->check(CLI::Range(int64_t{0}, int64_t{10000000}));
  audio->add_option("-s,--seed", sounds->seed, "Random seed (the dataset is a pure function of it)");
  audio->add_option("--rate", sounds->sample_rate, "Sample rate in Hz")->check(CLI::Range(8000, 48000));
  audio->add_option("--seconds", sounds->clip_seconds, "Clip length in seconds")->check(CLI::Range(1.0, 30.0));
  add_common_flags(*audio, flags);

  auto* shape3d = cmd->add_subcommand("3d", "Captioned point clouds of upright solids (cube, sphere, cylinder, cone, pyramid, torus, capsule) with a held-out split of shape+colour pairs");
  auto solids = std::make_shared<gen::solids::SolidDatasetOptions>();
  shape3d->add_option("-o,--output", *out, "Dataset folder (created)")->required();
  shape3d->add_option("--train", solids->train_count, "Training clouds")->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  shape3d->add_option("--heldout", solids->heldout_count, "Held-out clouds")->check(CLI::Range(int64_t{0}, int64_t{10000000}));
  shape3d->add_option("-s,--seed", solids->seed, "Random seed (the dataset is a pure function of it)");
  shape3d->add_option("--points", solids->points, "Points per cloud (default: configs/solids/world.json)")
      ->check(CLI::Range(int64_t{16}, int64_t{100000}));
  add_common_flags(*shape3d, flags);

  return [options, clips, motions, sounds, solids, out, &flags, image, video, audio, shape3d] {
    if (shape3d->parsed())
      return write_dataset(flags, *out, [&](auto& progress) { gen::solids::write_solid_dataset(*out, *solids, progress); });
    if (audio->parsed())
      return write_dataset(flags, *out, [&](auto& progress) { gen::sounds::write_sound_dataset(*out, *sounds, progress); });
    if (image->parsed())
      return write_dataset(flags, *out, [&](auto& progress) { gen::shapes::write_shapes_dataset(*out, *options, progress); });
    if (video->parsed())
      return write_dataset(flags, *out, [&](auto& progress) { gen::shapes::write_motion_dataset(*out, *clips, progress); });
    return write_dataset(flags, *out, [&](auto& progress) { gen::humans::write_motion_dataset(*out, *motions, progress); });
  };
}

}  // namespace gen::cli
