// Reads a shapes-dataset scene back from pixels — background, objects, their colour,
// shape, count and position — without any learned model, so prompt adherence of a
// generator can be measured by something that shares nothing with it. Shapes are
// recognised by nearest neighbours among features of freshly rendered reference shapes
// (sharp and blurred); edges are cut half-way between background and object colour, and
// objects that touch are cut apart where their row narrows, so a decoder's softening
// does not count as a wrong shape or count (tests/unit/test_shape_analysis.cpp).
#pragma once
#include <array>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/image/image.h>
#include <gen/shapes/shapes_dataset.h>

namespace gen::shapes {

struct DetectedObject {
  std::string shape;
  std::string color;
  double cx = 0, cy = 0;  // centroid in [0, 1]^2
  double area = 0;        // fraction of the image
  std::array<float, 3> rgb{};  // the colour read (its core pixels, 0..255)
  double contrast = 0;         // distance of that colour from the background's (RGB levels)
};

struct SceneAnalysis {
  std::string background;
  std::array<float, 3> background_rgb{};  // the border's median colour (0..255)
  std::vector<DetectedObject> objects;  // largest first
  std::string position;                 // region of the objects' mean centre
};

GEN_API SceneAnalysis analyse_scene(const image::Image& image);

// What a prompt asked for vs what was found.
struct AdherenceCheck {
  bool color = false, shape = false, count = false, position = false, background = false;
  bool color_and_shape() const { return color && shape; }
};

// Colour and shape are judged on the largest object, count on all of them.
GEN_API AdherenceCheck check_adherence(const SceneAnalysis& found, const ShapeScene& wanted);

}  // namespace gen::shapes
