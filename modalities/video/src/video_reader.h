// Private: decoding a container or an image file from an InputSource into RGB frames,
// under ReadLimits. read_video (video_io.cpp) and the image-sequence reader use it.
#pragma once
#include <string>

#include <gen/video/video_io.h>

#include "input_source.h"

namespace gen::video::detail {

// An MP4/MOV, WebM/Matroska or GIF clip. Throws InputError (one line naming `name`).
Video decode_video(InputSource& source, const std::string& name, const ReadLimits& limits);
// One PNG or JPEG image as uint8 [H, W, 3]. Throws InputError.
torch::Tensor decode_image(InputSource& source, const std::string& name, const ReadLimits& limits);

}  // namespace gen::video::detail
