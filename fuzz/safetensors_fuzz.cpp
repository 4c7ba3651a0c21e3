// libFuzzer target for the safetensors reader: any input must either load or throw
// gen::Error; a crash, a sanitizer report, a hang or any other exception is a bug.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include <gen/error.h>
#include <gen/safetensors.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The reader memory-maps a path, so each input goes through a file in RAM.
  static const std::string path = "/dev/shm/gen-fuzz-" + std::to_string(::getpid()) + ".safetensors";
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  } else {
    return 0;
  }
  try {
    auto file = gen::SafeTensorsFile::open(path);
    for (const auto& t : file.tensors()) file.get(t.name).sum();
    (void)file.metadata();
  } catch (const gen::Error&) {
    // rejected cleanly: the expected outcome for most inputs
  }
  return 0;
}
