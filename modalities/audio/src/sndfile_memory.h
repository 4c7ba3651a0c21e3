// libsndfile reads and writes through these callbacks on a buffer in memory, so one code
// path serves files, in-memory input (the fuzzer) and atomic writes (the bytes are
// encoded first and handed to gen::write_file_atomic).
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include <sndfile.h>

namespace gen::audio::detail {

// What the callbacks work on: `input` when reading, `output` (grown as needed) when writing.
struct MemoryFile {
  std::string_view input;
  std::string output;
  bool writing = false;
  sf_count_t position = 0;
};

// The callbacks; pass a MemoryFile* as sf_open_virtual's user data.
SF_VIRTUAL_IO* memory_io();

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

}  // namespace gen::audio::detail
