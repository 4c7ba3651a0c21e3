// The short texts an audio file can carry, by gen's name and libsndfile's string id.
#pragma once
#include <string>
#include <vector>

#include <sndfile.h>

namespace gen::audio::detail {

struct TextKey {
  std::string name;  // "title", "comment", ...
  int id;            // SF_STR_TITLE, ...
};

const std::vector<TextKey>& text_keys();

}  // namespace gen::audio::detail
