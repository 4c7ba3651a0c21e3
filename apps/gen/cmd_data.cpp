// gen data image: the captioned shapes dataset the default image model trains on,
// written by the shapes world (gen/shapes/shapes_dataset.h).
#include <gen/error.h>
#include <gen/shapes/shapes_dataset.h>

#include "commands.h"
#include "progress_bar.h"

namespace gen::cli {

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
  return [options, out, &flags] {
    apply_common_flags(flags, false);
    install_interrupt_handler();
    ProgressBar bar(ProgressBar::detect(flags.quiet));
    gen::shapes::write_shapes_dataset(*out, *options, bar.callback());
    bar.finish();
    std::printf("%s\n", out->c_str());
    return kExitOk;
  };
}

}  // namespace gen::cli
