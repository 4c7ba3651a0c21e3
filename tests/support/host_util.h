// What the generation-host tests share: the plugins of the build tree and the output
// formats the CLI registers (tensor formats from core, PNG from modalities/image, MP4,
// WebM, GIF and PNG frames from modalities/video).
#pragma once
#include <gen/generation.h>
#include <gen/image/image_formats.h>
#include <gen/video/video_formats.h>

namespace gen::test {

inline PluginRegistry build_tree_plugins() {
  PluginRegistry registry;
  registry.discover({GEN_PLUGIN_DIR});
  return registry;
}

inline OutputFormats cli_output_formats() {
  OutputFormats formats;
  add_tensor_formats(formats);
  image::add_image_formats(formats);
  video::add_video_formats(formats);
  return formats;
}

}  // namespace gen::test
