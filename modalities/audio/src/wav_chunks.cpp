#include "wav_chunks.h"

#include <cstdint>
#include <cstring>

#include <gen/error.h>

namespace gen::audio::detail {
namespace {

uint64_t read_uint(const unsigned char* p, int bytes, bool big_endian) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{p[big_endian ? bytes - 1 - i : i]} << (8 * i);
  return v;
}

// A chunk id for a message: hostile bytes must not break the one-line error.
std::string printable_id(const unsigned char* id) {
  std::string out;
  for (int i = 0; i < 4; ++i) out += (id[i] >= 0x20 && id[i] < 0x7f) ? static_cast<char>(id[i]) : '?';
  return out;
}

}  // namespace

void check_wav_chunks(std::string_view bytes, const std::string& name) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const uint64_t size = bytes.size();
  if (size < 12) throw InputError(name + ": truncated: a WAV file needs a 12-byte RIFF header");
  const bool big_endian = std::memcmp(p, "RIFX", 4) == 0;
  const bool rf64 = std::memcmp(p, "RF64", 4) == 0;
  uint64_t rf64_data_size = 0;
  bool have_ds64 = false;
  uint64_t offset = 12;
  while (offset + 8 <= size) {
    const unsigned char* chunk = p + offset;
    const uint64_t chunk_size = read_uint(chunk + 4, 4, big_endian);
    const uint64_t left = size - offset - 8;
    const std::string id = printable_id(chunk);
    if (id == "ds64" && rf64 && chunk_size >= 16 && left >= 16) {
      rf64_data_size = read_uint(chunk + 16, 8, false);
      have_ds64 = true;
    }
    if (id == "data") {
      uint64_t data_size = chunk_size;
      if (rf64 && chunk_size == 0xFFFFFFFFu) {
        if (!have_ds64) throw InputError(name + ": corrupt: an RF64 file without a ds64 chunk before its data");
        data_size = rf64_data_size;
      } else if (chunk_size == 0xFFFFFFFFu) {
        return;  // size never filled in: the data runs to the end of the file
      }
      if (data_size > left)
        throw InputError(name + ": truncated: the data chunk declares " + std::to_string(data_size) +
                         " bytes but the file holds " + std::to_string(left) + " after it");
      return;
    }
    const uint64_t next = offset + 8 + chunk_size + (chunk_size & 1);
    if (chunk_size > left)
      throw InputError(name + ": truncated: the '" + id + "' chunk at byte " + std::to_string(offset) +
                       " runs past the end of the file");
    offset = next;
  }
  throw InputError(name + ": truncated: the WAV file ends before its data chunk");
}

}  // namespace gen::audio::detail
