// image_ldm's internals, linked from its object library (no `gen` binary, no weights):
// its declarations are consistent, and the small pieces behave.
#include <gen/error.h>
#include <gen/options.h>

#include "image_ldm.h"
#include "train/train_default_model.h"

#include "test_util.h"

TEST(ImageLdmParts, EveryDeclaredDefaultPassesItsOwnValidation) {
  for (const auto& spec : image_ldm::option_specs()) {
    if (spec.default_value.empty()) continue;
    EXPECT_NO_THROW(gen::validate_options({{spec.name, spec.default_value}}, image_ldm::option_specs(), "image_ldm"))
        << spec.name << "=" << spec.default_value;
  }
  for (const auto& stage : image_ldm::train_stages())
    for (const auto& spec : stage.options)
      if (!spec.default_value.empty())
        EXPECT_NO_THROW(gen::validate_options({{spec.name, spec.default_value}}, stage.options, stage.name))
            << stage.name << ": " << spec.name << "=" << spec.default_value;
}

TEST(ImageLdmParts, EveryDeclaredInputIsARequestField) {
  std::vector<std::string> known;
  for (const auto& f : gen::shared_request_fields()) known.push_back(f.name);
  for (const auto& f : gen::request_fields(gen::Modality::image)) known.push_back(f.name);
  for (const auto& input : image_ldm::request_inputs())
    EXPECT_NE(std::find(known.begin(), known.end(), input), known.end()) << input;
}

TEST(ImageLdmParts, RequestCombinationsTheDeclarationsCannotExpress) {
  gen::Request r;
  r.image.mask = "m.png";
  EXPECT_THROW(image_ldm::parse_options(r), gen::UsageError);  // a mask needs an init image
  r = {};
  r.image.strength = 0.5;
  EXPECT_THROW(image_ldm::parse_options(r), gen::UsageError);
  r = {};
  r.image.init_image = "in.png";
  r.image.strength = 0.5;
  r.options["low_memory"] = "true";
  const auto o = image_ldm::parse_options(r);
  EXPECT_TRUE(o.low_memory);
  EXPECT_DOUBLE_EQ(o.strength, 0.5);
  EXPECT_TRUE(o.composite);  // the declared default
}

TEST(ImageLdmParts, PaddingAndA1111Parameters) {
  const auto pad = image_ldm::parse_padding("8,0,16,4");
  EXPECT_EQ(pad.left, 8);
  EXPECT_EQ(pad.right, 16);
  EXPECT_EQ(pad.bottom, 4);
  EXPECT_THROW(image_ldm::parse_padding("8,0"), gen::UsageError);
  image_ldm::ImageRecord record;
  record.prompt = "a cat\nin a hat";
  record.steps = 20;
  record.sampler = "euler_a";
  record.cfg_scale = 7;
  record.seed = 5;
  record.width = record.height = 64;
  record.model_name = "m";
  EXPECT_EQ(image_ldm::a1111_parameters(record),
            "a cat in a hat\nSteps: 20, Sampler: euler_a, CFG scale: 7, Seed: 5, Size: 64x64, Model: m");
}
