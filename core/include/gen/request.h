// What a generation is asked for: the fields every modality shares, plus one typed
// parameter block per modality. The blocks are declared here once; the CLI builds its
// flags from request_fields(), and the host checks that every field a user set is one
// the chosen plugin reads (PluginInfo::inputs), so no flag is silently ignored.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/options.h>

namespace gen {

enum class Modality { image, video, audio, shape3d, motion };
GEN_API const char* modality_name(Modality m);  // "image", "video", "audio", "3d", "motion"
// The file extension written when no -o is given: ".png", ".mp4", ".wav", ".ply", ".bvh".
GEN_API const char* default_extension(Modality m);

// Zero / empty / negative values mean "the model's default" throughout.
struct ImageParams {
  int width = 0, height = 0;
  std::string init_image;  // img2img / inpainting / outpainting source
  std::string mask;        // white = repaint
  std::string pad;         // "L,T,R,B" outpainting border in pixels
  double strength = -1;    // how much of the init image is repainted, (0, 1]
  int preview_every = 0;   // hand a preview to the progress callback every k steps
};

struct VideoParams {
  int width = 0, height = 0;
  int frames = 0;
  double fps = 0;
  std::string init;        // a first frame (image) or a clip to start from
  double strength = -1;
  int preview_every = 0;
};

struct AudioParams {
  double duration = 0;     // seconds
  int sample_rate = 0;     // Hz
  std::string init;        // a clip to start from
  double strength = -1;
  std::string mask_range;  // inpainting in time: "START:END" seconds of the init clip regenerated
  double extend = 0;       // continuation: seconds generated after the init clip
  bool spectrogram = false;  // also write <output>.spectrogram.png
};

struct Shape3dParams {
  int points = 0;          // points in the cloud
  std::string mesh;        // also write a mesh reconstructed from the cloud to this path
  std::string render;      // also write a turntable of the result to this path (.gif/.mp4/.png)
  int views = 0;           // views in that turntable
  bool sds = false;        // score distillation through an image model instead of point diffusion
  std::string prior;       // the image model SDS asks the registry for ("image_ldm:PATH"; "" = default)
  int sds_steps = 0;       // score-distillation iterations (0 = the plugin's default)
  int preview_every = 0;   // hand the cloud so far to the progress callback every k steps
};

struct MotionParams {
  double duration = 0;     // seconds; frames = duration * fps
  int frames = 0;          // alternatively the length in frames
  double fps = 0;
  std::string skeleton;    // skeleton / rig name
  std::string init;        // a motion to edit (.bvh, .json, .npy)
  std::string keep_frames; // in-betweening: the input frames kept, "N" or "FIRST:LAST" counts
  std::string keep_joints; // body-part editing: the input joints kept ("upper", "lower", names)
};

struct Request {
  Modality modality = Modality::image;
  std::string prompt;
  std::string negative_prompt;
  std::string model;
  int steps = 0;
  double cfg_scale = -1.0;     // < 0: model default
  std::string sampler;
  std::string scheduler;
  int64_t seed = -1;           // resolved by the host before a generator runs; never -1 there
  int batch_count = 1;
  int batch_index = 0;         // which item of the batch this is (set by the host)
  int threads = 0;
  std::string device = "cpu";
  ImageParams image;
  VideoParams video;
  AudioParams audio;
  Shape3dParams shape3d;
  MotionParams motion;
  std::map<std::string, std::string> options;  // -O key=value, declared by the plugin
};

// What `gen train PLUGIN` passes: the stage to train and its options.
struct TrainRequest {
  std::string model;           // the training stage (TrainSpec), "" = the plugin's only stage
  std::string output;          // run directory
  int64_t seed = 0;
  int threads = 0;
  std::map<std::string, std::string> options;
};

// One optional request field: its flag, how a text value is parsed into the request
// (a UsageError on a bad value), and whether a request has it set.
struct RequestField {
  std::string name;            // the long flag without dashes: "init-image", "cfg-scale"
  std::string short_flag;      // "-i" or ""
  std::string help;
  OptionType type = OptionType::text;
  double min = 0, max = 0;     // integer / number fields
  bool existing_file = false;  // the value names a file that must exist
  std::function<void(Request&, const std::string&)> set;
  std::function<bool(const Request&)> is_set;
};

// The fields of one modality's parameter block (what the CLI adds as flags).
GEN_API const std::vector<RequestField>& request_fields(Modality m);
// The shared fields a plugin may not read (negative-prompt, cfg-scale, steps, sampler, scheduler).
GEN_API const std::vector<RequestField>& shared_request_fields();

// Every field set in `request` (shared and of its modality) that is not in `inputs`,
// as flag names; empty when the plugin reads everything the user gave.
GEN_API std::vector<std::string> unread_fields(const Request& request, const std::vector<std::string>& inputs);

}  // namespace gen
