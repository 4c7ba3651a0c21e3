// Declared options and request fields: validation, suggestions and typed access.
#include <gen/error.h>
#include <gen/options.h>
#include <gen/request.h>

#include "test_util.h"

namespace {

std::vector<gen::OptionSpec> specs() {
  using gen::OptionSpec;
  return {OptionSpec::integer("points", 2000, 1, 1000000, "points"), OptionSpec::number("spread", 0.08, 0.001, 1, "s"),
          OptionSpec::boolean("low_memory", false, "l"), OptionSpec::choice("layout", {"ring", "grid"}, "ring", "c"),
          OptionSpec::path("tokenizer", "t")};
}

std::string error_of(const std::map<std::string, std::string>& values) {
  try {
    gen::validate_options(values, specs(), "plugin 'p'");
  } catch (const gen::UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Options, ValidValuesPass) {
  EXPECT_EQ(error_of({{"points", "5"}, {"spread", "0.5"}, {"low_memory", "yes"}, {"layout", "grid"},
                      {"tokenizer", "/x"}}),
            "");
}

TEST(Options, EachKindOfBadValueNamesTheKey) {
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{{"points", "0"},
                                                                            {"points", "1.5"},
                                                                            {"points", "many"},
                                                                            {"spread", "nan"},
                                                                            {"spread", "inf"},
                                                                            {"low_memory", "maybe"},
                                                                            {"layout", "hexagon"}}) {
    const auto message = error_of({{key, value}});
    EXPECT_NE(message.find(key), std::string::npos) << key << "=" << value << ": " << message;
  }
}

TEST(Options, UnknownKeysSuggestTheNearestName) {
  EXPECT_NE(error_of({{"pionts", "3"}}).find("did you mean 'points'"), std::string::npos);
  EXPECT_NE(error_of({{"low-memory", "1"}}).find("did you mean 'low_memory'"), std::string::npos);
  const auto far = error_of({{"zzzzzz", "1"}});
  EXPECT_EQ(far.find("did you mean"), std::string::npos) << far;
  EXPECT_NE(far.find("valid: points, spread"), std::string::npos) << far;
  EXPECT_EQ(gen::nearest_name("sprad", {"points", "spread"}), "spread");
}

TEST(Options, TypedValuesFallBackToDeclaredDefaults) {
  gen::OptionValues v({{"points", "7"}}, specs());
  EXPECT_EQ(v.integer("points"), 7);
  EXPECT_DOUBLE_EQ(v.number("spread"), 0.08);
  EXPECT_FALSE(v.boolean("low_memory"));
  EXPECT_EQ(v.text("layout"), "ring");
  EXPECT_FALSE(v.has("tokenizer"));
  EXPECT_THROW(v.integer("undeclared"), gen::Error);
  EXPECT_EQ(specs()[0].describe(), "int in [1, 1e+06]");
  EXPECT_EQ(specs()[3].describe(), "one of ring|grid");
}

TEST(RequestFields, SetParsesChecksAndReportsWhatIsSet) {
  gen::Request r;
  r.modality = gen::Modality::video;
  auto field = [](gen::Modality m, const std::string& name) -> const gen::RequestField& {
    for (const auto& f : gen::request_fields(m))
      if (f.name == name) return f;
    throw std::runtime_error("no field " + name);
  };
  field(gen::Modality::video, "frames").set(r, "24");
  EXPECT_EQ(r.video.frames, 24);
  EXPECT_THROW(field(gen::Modality::video, "frames").set(r, "-3"), gen::UsageError);
  EXPECT_THROW(field(gen::Modality::video, "fps").set(r, "nan"), gen::UsageError);
  // "0 = model default" holds for an explicit 0; other values under the minimum stay errors.
  field(gen::Modality::video, "fps").set(r, "0");
  EXPECT_EQ(r.video.fps, 0.0);
  EXPECT_THROW(field(gen::Modality::video, "fps").set(r, "0.5"), gen::UsageError);
  EXPECT_THROW(field(gen::Modality::motion, "duration").set(r, "0.01"), gen::UsageError);
  EXPECT_THROW(field(gen::Modality::video, "strength").set(r, "-1"), gen::UsageError);  // its unset value is not a 0
  field(gen::Modality::video, "fps").set(r, "12.5");
  EXPECT_EQ(gen::unread_fields(r, {"frames"}), std::vector<std::string>{"fps"});
  EXPECT_TRUE(gen::unread_fields(r, {"frames", "fps"}).empty());
  r.negative_prompt = "blur";
  EXPECT_EQ(gen::unread_fields(r, {"frames", "fps"}), std::vector<std::string>{"negative-prompt"});
  // Flags without a value (--spectrogram) are set by "true" and count as read only when set.
  gen::Request audio;
  audio.modality = gen::Modality::audio;  // unread_fields checks the request's own modality block
  EXPECT_TRUE(gen::unread_fields(audio, {}).empty());
  field(gen::Modality::audio, "spectrogram").set(audio, "true");
  EXPECT_TRUE(audio.audio.spectrogram);
  EXPECT_EQ(gen::unread_fields(audio, {}), std::vector<std::string>{"spectrogram"});
  EXPECT_THROW(field(gen::Modality::audio, "spectrogram").set(audio, "maybe"), gen::UsageError);
  // Every modality's block has flags, and no flag name repeats within one modality.
  for (auto m : {gen::Modality::image, gen::Modality::video, gen::Modality::audio, gen::Modality::shape3d,
                 gen::Modality::motion}) {
    std::set<std::string> names;
    for (const auto& f : gen::request_fields(m)) EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_FALSE(names.empty());
  }
}
