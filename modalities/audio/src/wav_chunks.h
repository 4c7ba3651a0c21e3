// A walk over a RIFF/RIFX/RF64 WAVE file's chunks up to its data chunk. libsndfile
// shortens a data chunk that claims more bytes than the file holds and reads what is
// there; gen refuses such a file instead, because a clip silently cut short is worse
// than an error when the caller asked for that file.
#pragma once
#include <string>
#include <string_view>

namespace gen::audio::detail {

// A gen::InputError starting with `name` when a chunk before the data chunk, or the data
// chunk itself, extends past the end of `bytes`, or there is no data chunk. A data size
// of 0xFFFFFFFF (a streaming writer that never came back to fill it in) is accepted.
void check_wav_chunks(std::string_view bytes, const std::string& name);

}  // namespace gen::audio::detail
