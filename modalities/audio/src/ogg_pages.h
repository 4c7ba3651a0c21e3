// The Ogg container's page layer (RFC 3533), read and patched here rather than through
// libogg: libvorbisfile silently skips damaged pages and treats a stream cut short as a
// shorter stream, so the reader checks the pages first; and libsndfile picks a random
// serial number per stream, so the writer replaces it to make output bytes reproducible.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gen::audio::detail {

// Page checksums are CRC-32 with polynomial 0x04c11db7, initial value 0, no reflection,
// over the page with its checksum field zeroed.
//
// A gen::InputError starting with `name` unless `bytes` is a sequence of complete Ogg
// pages from the first byte to the last, each with a valid checksum, in which every
// logical stream that begins also ends (its last page carries the end-of-stream flag).
void check_ogg_pages(std::string_view bytes, const std::string& name);

// Gives every page the serial number `serial` and recomputes its checksum. `bytes` must
// be one logical stream (what libsndfile writes); a gen::Error otherwise.
void set_ogg_serial(std::string& bytes, uint32_t serial);

}  // namespace gen::audio::detail
