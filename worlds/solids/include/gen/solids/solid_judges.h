// The solids world's 3D judges, independent of any generator: a PointNet that reads the
// shape class (trained only on real clouds of the world: train_solid_judges), the
// colour read from the points (the palette colour nearest their median), and the size
// and aspect words read from the cloud's geometry given that shape.
// A judge folder holds
//   judges.safetensors  the classifier's weights, F16
//   config.json         {"architecture", "training", "validation"}: how it was trained
//                       and how well the judges read fresh real clouds of both splits
// `gen eval 3d` will use assets/judge-3d unless told otherwise.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/progress.h>
#include <gen/shape3d/point_cloud.h>
#include <gen/solids/solid_spec.h>

namespace gen::solids {

struct SolidReading {
  std::string shape;   // one of solid_shapes()
  std::string color;   // one of solid_colors(); "" for a cloud without colours
  std::string size;    // "small", "" or "large"
  std::string aspect;  // one of solid_aspects(shape)
};

// The readings' agreement with the specs, as fractions of the clouds.
struct GEN_API SolidScores {
  int64_t clouds = 0;
  double shape = 0, color = 0, shape_and_color = 0, size = 0, aspect = 0;
  nlohmann::json to_json() const;
};
GEN_API SolidScores score_readings(const std::vector<SolidSpec>& specs, const std::vector<SolidReading>& readings);

class GEN_API SolidJudges {
 public:
  // A judge folder; anything missing, malformed or non-finite is one gen::InputError.
  static SolidJudges load(const std::filesystem::path& dir);
  // The shipped judges (gen::find_asset("judge-3d")).
  static SolidJudges load_default();
  // gen::InputError for a cloud with fewer than 16 points or non-finite values.
  std::vector<SolidReading> read(const std::vector<shape3d::PointCloud>& clouds) const;
  const nlohmann::json& config() const;

 private:
  struct State;
  explicit SolidJudges(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

struct SolidJudgeTrainingOptions {
  std::filesystem::path output;  // the judge folder written
  uint64_t seed = 0;
  int pool = 4000;               // real clouds drawn from both splits' distributions
  int points = 512;              // per cloud
  int steps = 1500;
  int batch = 32;
  double lr = 2e-3;
  int validation = 200;          // fresh real clouds per split the saved judges are checked on
};

struct GEN_API SolidJudgeTrainingReport {
  int64_t parameters = 0;
  double seconds = 0;
  std::vector<std::pair<std::string, SolidScores>> validation;  // "train", "heldout"
  nlohmann::json to_json() const;
};

// Real clouds of a split that no dataset of any seed holds (their own salt), with specs.
struct GEN_API FreshSolids {
  std::vector<SolidSpec> specs;
  std::vector<shape3d::PointCloud> clouds;
};
GEN_API FreshSolids fresh_solids(Split split, int count, int points, uint64_t seed);

// UsageError for options out of range; the progress callback may stop it (gen::Cancelled).
GEN_API SolidJudgeTrainingReport train_solid_judges(const SolidJudgeTrainingOptions& options,
                                                    const ProgressCallback& progress = {});

}  // namespace gen::solids
