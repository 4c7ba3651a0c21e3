// One line of a motion dataset's clips.jsonl: a ShapeClip's fields and its captions
// as a JSON object. Reading is hardened (the files may come from anywhere and a
// libFuzzer target runs over it, fuzz/clip_jsonl_fuzz.cpp): every field must be
// present with the right type, names must be known and numbers finite and inside
// the frame, or the whole text is one gen::InputError naming the line and the field.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/shapes/motion_clips.h>

namespace gen::shapes {

// {"shape", "color", "size", "background", "motion", "x", ..., "fade_end", "captions": [every phrasing]}.
GEN_API nlohmann::json clip_record(const ShapeClip& clip);

// Every non-empty line of `text` as a clip; `name` (a path) starts every error message.
GEN_API std::vector<ShapeClip> parse_clip_jsonl(std::string_view text, const std::string& name);

}  // namespace gen::shapes
