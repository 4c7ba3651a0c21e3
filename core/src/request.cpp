// The request fields as data: one table per modality block. The CLI turns each row
// into a flag; the host asks each row whether a request set it.
#include <gen/request.h>

#include <algorithm>

#include <gen/error.h>
#include <gen/option_values.h>

namespace gen {
namespace {

constexpr const char* kModalityNames[] = {"image", "video", "audio", "3d", "motion"};
constexpr const char* kExtensions[] = {".png", ".mp4", ".wav", ".ply", ".bvh"};

// Field builders: each binds a member of Request (through `member`) to a flag.
template <class Member>
RequestField int_field(std::string name, std::string short_flag, std::string help, double min, double max,
                       Member member) {
  RequestField f{std::move(name), std::move(short_flag), std::move(help), OptionType::integer, min, max};
  f.set = [member, n = f.name, min, max](Request& r, const std::string& v) {
    member(r) = parse_integer(n, v, static_cast<int>(min), static_cast<int>(max));
  };
  f.is_set = [member](const Request& r) { return member(r) != 0; };
  return f;
}

template <class Member>
RequestField number_field(std::string name, std::string help, double min, double max, Member member,
                          double unset = 0) {
  RequestField f{std::move(name), "", std::move(help), OptionType::number, min, max};
  // An explicit 0 where 0 means "the model's default" is accepted, as the integer fields do.
  f.set = [member, n = f.name, min, max, unset](Request& r, const std::string& v) {
    const double lo = unset == 0 ? std::min(min, 0.0) : min;
    const double x = parse_number(n, v, lo, max);
    member(r) = x == unset ? x : parse_number(n, v, min, max);
  };
  f.is_set = [member, unset](const Request& r) { return member(r) != unset; };
  return f;
}

// A flag without a value (--spectrogram); the CLI passes "true" when it is given.
template <class Member>
RequestField flag_field(std::string name, std::string help, Member member) {
  RequestField f{std::move(name), "", std::move(help), OptionType::boolean};
  f.set = [member, n = f.name](Request& r, const std::string& v) { member(r) = parse_bool(n, v); };
  f.is_set = [member](const Request& r) { return member(r); };
  return f;
}

template <class Member>
RequestField text_field(std::string name, std::string short_flag, std::string help, Member member,
                        bool existing_file = false) {
  RequestField f{std::move(name), std::move(short_flag), std::move(help),
                 existing_file ? OptionType::path : OptionType::text};
  f.existing_file = existing_file;
  f.set = [member](Request& r, const std::string& v) { member(r) = v; };
  f.is_set = [member](const Request& r) { return !member(r).empty(); };
  return f;
}

#define GEN_MEMBER(path) [](auto& r) -> auto& { return r.path; }

std::vector<RequestField> image_fields() {
  return {
      int_field("width", "-W", "Width in pixels (0 = model default)", 0, 16384, GEN_MEMBER(image.width)),
      int_field("height", "-H", "Height in pixels (0 = model default)", 0, 16384, GEN_MEMBER(image.height)),
      text_field("init-image", "-i", "Start from this image (img2img)", GEN_MEMBER(image.init_image), true),
      number_field("strength", "img2img strength in (0, 1]", 0.0, 1.0, GEN_MEMBER(image.strength), -1),
      text_field("mask", "", "Inpainting mask (white = repaint)", GEN_MEMBER(image.mask), true),
      text_field("pad", "", "Outpaint by L,T,R,B pixels around the init image", GEN_MEMBER(image.pad)),
      int_field("preview-every", "", "Write a cheap preview every k steps", 0, 10000, GEN_MEMBER(image.preview_every)),
  };
}

std::vector<RequestField> video_fields() {
  return {
      int_field("width", "-W", "Width in pixels (0 = model default)", 0, 16384, GEN_MEMBER(video.width)),
      int_field("height", "-H", "Height in pixels (0 = model default)", 0, 16384, GEN_MEMBER(video.height)),
      int_field("frames", "", "Number of frames (0 = model default)", 0, 100000, GEN_MEMBER(video.frames)),
      number_field("fps", "Frames per second (0 = model default)", 1, 1000, GEN_MEMBER(video.fps)),
      text_field("init", "-i", "Start from this first frame (image) or clip (video-to-video)", GEN_MEMBER(video.init),
                 true),
      number_field("strength", "video-to-video strength in (0, 1]", 0.0, 1.0, GEN_MEMBER(video.strength), -1),
      int_field("preview-every", "", "Write a cheap preview every k steps", 0, 10000, GEN_MEMBER(video.preview_every)),
  };
}

std::vector<RequestField> audio_fields() {
  return {
      number_field("duration", "Length in seconds (0 = model default)", 0.1, 3600.0, GEN_MEMBER(audio.duration)),
      int_field("sample-rate", "", "Sample rate in Hz (0 = model default)", 0, 384000, GEN_MEMBER(audio.sample_rate)),
      text_field("init", "-i", "Start from this clip (audio-to-audio)", GEN_MEMBER(audio.init), true),
      number_field("strength", "audio-to-audio strength in (0, 1]", 0.0, 1.0, GEN_MEMBER(audio.strength), -1),
      text_field("mask-range", "", "Regenerate this span of -i, \"START:END\" in seconds (inpainting in time)",
                 GEN_MEMBER(audio.mask_range)),
      number_field("extend", "Continue -i by this many seconds", 0.0, 3600.0, GEN_MEMBER(audio.extend)),
      flag_field("spectrogram", "Also write a spectrogram picture, <output>.spectrogram.png", GEN_MEMBER(audio.spectrogram)),
  };
}

std::vector<RequestField> shape3d_fields() {
  return {
      int_field("points", "", "Points in the cloud (0 = model default)", 0, 10000000, GEN_MEMBER(shape3d.points)),
      text_field("mesh", "", "Also write a mesh reconstructed from the points to this file (.obj, .glb, .gltf, .stl, .off)",
                 GEN_MEMBER(shape3d.mesh)),
      text_field("render", "", "Also render a turntable of the result to this file (.gif, .mp4, .webm; .png: a strip)",
                 GEN_MEMBER(shape3d.render)),
      int_field("views", "", "Views in the --render turntable (0 = 24 for a clip, 8 for a strip)", 0, 360,
                GEN_MEMBER(shape3d.views)),
      flag_field("sds", "Score distillation: optimise the cloud so its renders please an image model (--prior)",
                 GEN_MEMBER(shape3d.sds)),
      text_field("prior", "", "The image model --sds distils, as PLUGIN[:MODEL] (default: image_ldm's default)",
                 GEN_MEMBER(shape3d.prior)),
      int_field("sds-steps", "", "Score-distillation iterations of --sds (0 = 400)", 0, 100000, GEN_MEMBER(shape3d.sds_steps)),
      int_field("preview-every", "", "Write <output>.preview<ext> with the cloud so far every k steps", 0, 100000,
                GEN_MEMBER(shape3d.preview_every)),
  };
}

std::vector<RequestField> motion_fields() {
  return {
      number_field("duration", "Length in seconds (0 = model default)", 0.1, 3600.0, GEN_MEMBER(motion.duration)),
      int_field("frames", "", "Length in frames, instead of --duration (0 = model default)", 0, 100000,
                GEN_MEMBER(motion.frames)),
      number_field("fps", "Frames per second (0 = model default)", 1, 1000, GEN_MEMBER(motion.fps)),
      text_field("skeleton", "", "Skeleton to pose (default: the model's)", GEN_MEMBER(motion.skeleton)),
      text_field("init", "-i", "A motion to edit (.bvh, .json, .npy)", GEN_MEMBER(motion.init), true),
      text_field("keep-frames", "", "In-betweening: keep the input's first and last frames, \"N\" or \"FIRST:LAST\"",
                 GEN_MEMBER(motion.keep_frames)),
      text_field("keep-joints", "", "Body-part editing: keep these joints of the input (upper, lower or joint names)",
                 GEN_MEMBER(motion.keep_joints)),
  };
}

std::vector<RequestField> shared_fields() {
  return {
      text_field("negative-prompt", "-n", "What to steer away from", GEN_MEMBER(negative_prompt)),
      number_field("cfg-scale", "Classifier-free guidance scale", 0.0, 100.0, GEN_MEMBER(cfg_scale), -1),
      int_field("steps", "", "Sampling steps", 0, 10000, GEN_MEMBER(steps)),
      text_field("sampler", "", "Sampler", GEN_MEMBER(sampler)),
      text_field("scheduler", "", "Sigma schedule", GEN_MEMBER(scheduler)),
  };
}

#undef GEN_MEMBER

}  // namespace

const char* modality_name(Modality m) { return kModalityNames[static_cast<int>(m)]; }
const char* default_extension(Modality m) { return kExtensions[static_cast<int>(m)]; }

const std::vector<RequestField>& request_fields(Modality m) {
  static const std::vector<RequestField> tables[] = {image_fields(), video_fields(), audio_fields(),
                                                     shape3d_fields(), motion_fields()};
  return tables[static_cast<int>(m)];
}

const std::vector<RequestField>& shared_request_fields() {
  static const std::vector<RequestField> table = shared_fields();
  return table;
}

std::vector<std::string> unread_fields(const Request& request, const std::vector<std::string>& inputs) {
  std::vector<std::string> unread;
  auto check = [&](const std::vector<RequestField>& fields) {
    for (const auto& f : fields)
      if (f.is_set(request) && std::find(inputs.begin(), inputs.end(), f.name) == inputs.end())
        unread.push_back(f.name);
  };
  check(shared_request_fields());
  check(request_fields(request.modality));
  return unread;
}

}  // namespace gen
