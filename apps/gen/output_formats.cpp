#include "output_formats.h"

#include <gen/audio/audio_formats.h>
#include <gen/image/image_formats.h>
#include <gen/motion/motion_formats.h>
#include <gen/shape3d/shape3d_formats.h>
#include <gen/video/video_formats.h>

namespace gen::cli {

void add_output_formats(OutputFormats& formats) {
  add_tensor_formats(formats);
  image::add_image_formats(formats);
  video::add_video_formats(formats);
  motion::add_motion_formats(formats);
  audio::add_audio_formats(formats);
  shape3d::add_shape3d_formats(formats);
}

}  // namespace gen::cli
