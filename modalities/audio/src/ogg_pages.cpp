#include "ogg_pages.h"

#include <array>
#include <cstring>
#include <map>

#include <gen/error.h>

namespace gen::audio::detail {
namespace {

constexpr size_t kHeaderSize = 27;  // "OggS", version, flags, granule, serial, sequence, crc, segments
constexpr unsigned kFlagFirst = 0x02, kFlagLast = 0x04;

const std::array<uint32_t, 256>& crc_table() {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t r = i << 24;
      for (int k = 0; k < 8; ++k) r = (r & 0x80000000u) ? (r << 1) ^ 0x04c11db7u : r << 1;
      t[i] = r;
    }
    return t;
  }();
  return table;
}

uint32_t read_le32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void write_le32(unsigned char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

struct Page {
  size_t offset = 0, size = 0;  // of the whole page
  unsigned flags = 0;
  uint32_t serial = 0, crc = 0;
};

// The page at `offset`, or a description of why there is none.
bool parse_page(std::string_view bytes, size_t offset, Page& page, std::string& why) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + offset;
  const size_t left = bytes.size() - offset;
  if (left < kHeaderSize) {
    why = "truncated: the file ends inside an Ogg page header at byte " + std::to_string(offset);
    return false;
  }
  if (std::memcmp(p, "OggS", 4) != 0) {
    why = "corrupt: no Ogg page starts at byte " + std::to_string(offset);
    return false;
  }
  if (p[4] != 0) {
    why = "unsupported Ogg page version " + std::to_string(p[4]) + " at byte " + std::to_string(offset);
    return false;
  }
  const size_t segments = p[26];
  if (left < kHeaderSize + segments) {
    why = "truncated: the file ends inside an Ogg page header at byte " + std::to_string(offset);
    return false;
  }
  size_t body = 0;
  for (size_t i = 0; i < segments; ++i) body += p[kHeaderSize + i];
  page.offset = offset;
  page.size = kHeaderSize + segments + body;
  if (left < page.size) {
    why = "truncated: the Ogg page at byte " + std::to_string(offset) + " needs " + std::to_string(page.size) +
          " bytes, the file holds " + std::to_string(left);
    return false;
  }
  page.flags = p[5];
  page.serial = read_le32(p + 14);
  page.crc = read_le32(p + 22);
  return true;
}

uint32_t page_crc(const unsigned char* page, size_t size) {
  std::array<unsigned char, kHeaderSize> header;
  std::memcpy(header.data(), page, kHeaderSize);
  std::memset(header.data() + 22, 0, 4);
  const auto& table = crc_table();
  uint32_t crc = 0;
  for (size_t i = 0; i < size; ++i) {
    const unsigned char b = i < kHeaderSize ? header[i] : page[i];
    crc = (crc << 8) ^ table[((crc >> 24) ^ b) & 0xff];
  }
  return crc;
}

}  // namespace

void check_ogg_pages(std::string_view bytes, const std::string& name) {
  std::map<uint32_t, bool> ended;  // serial -> end-of-stream page seen
  size_t offset = 0;
  std::string why;
  while (offset < bytes.size()) {
    Page page;
    if (!parse_page(bytes, offset, page, why)) throw InputError(name + ": " + why);
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + offset;
    if (page_crc(p, page.size) != page.crc)
      throw InputError(name + ": corrupt: the checksum of the Ogg page at byte " + std::to_string(offset) + " fails");
    auto it = ended.find(page.serial);
    if (it == ended.end()) {
      if (!(page.flags & kFlagFirst))
        throw InputError(name + ": corrupt: Ogg stream " + std::to_string(page.serial) + " has no first page");
      it = ended.emplace(page.serial, false).first;
    } else if (it->second) {
      throw InputError(name + ": corrupt: Ogg stream " + std::to_string(page.serial) + " continues after its last page");
    }
    if (page.flags & kFlagLast) it->second = true;
    offset += page.size;
  }
  if (ended.empty()) throw InputError(name + ": empty Ogg file");
  for (const auto& [serial, done] : ended)
    if (!done) throw InputError(name + ": truncated: Ogg stream " + std::to_string(serial) + " has no last page");
}

void set_ogg_serial(std::string& bytes, uint32_t serial) {
  size_t offset = 0;
  std::string why;
  bool first = true;
  uint32_t original = 0;
  while (offset < bytes.size()) {
    Page page;
    if (!parse_page(bytes, offset, page, why)) throw Error("the Ogg writer produced a malformed stream: " + why);
    if (first) original = page.serial, first = false;
    if (page.serial != original) throw Error("the Ogg writer produced more than one logical stream");
    auto* p = reinterpret_cast<unsigned char*>(bytes.data()) + offset;
    write_le32(p + 14, serial);
    write_le32(p + 22, page_crc(p, page.size));
    offset += page.size;
  }
}

}  // namespace gen::audio::detail
