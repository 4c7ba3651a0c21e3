// The pixel canvas a request starts from: the init image, its mask and the
// outpainting border, checked against each other before any weights are loaded.
#include <gen/error.h>
#include <gen/image/image_io.h>

#include "image_ldm.h"

namespace image_ldm {

Canvas load_canvas(const LdmOptions& o) {
  Canvas canvas;
  if (o.init_image.empty()) return canvas;
  const auto init = gen::image::with_channels(gen::image::read_image(o.init_image), 3);  // alpha is dropped
  canvas.image = gen::image::to_signed_float(init).unsqueeze(0);
  if (!o.mask.empty()) {
    canvas.mask = read_mask(o.mask);
    if (canvas.mask.size(2) != canvas.height() || canvas.mask.size(3) != canvas.width())
      throw gen::InputError("the mask " + o.mask + " is " + std::to_string(canvas.mask.size(3)) + "x" +
                            std::to_string(canvas.mask.size(2)) + " but the init image " + o.init_image + " is " +
                            std::to_string(canvas.width()) + "x" + std::to_string(canvas.height()) +
                            "; they must be the same size");
  }
  if (!o.pad.empty()) canvas = pad_canvas(canvas, parse_padding(o.pad));
  return canvas;
}

}  // namespace image_ldm
