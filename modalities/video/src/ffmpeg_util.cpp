#include "ffmpeg_util.h"

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
}

#include <cstdio>
#include <mutex>

#include <gen/error.h>

namespace gen::video::detail {
namespace {

thread_local std::string tl_last_log;

void log_callback(void* avcl, int level, const char* format, va_list args) {
  if (level > AV_LOG_ERROR) return;
  char line[512];
  int print_prefix = 0;
  av_log_format_line2(avcl, level, format, args, line, sizeof line, &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (!text.empty()) tl_last_log = text;
}

}  // namespace

FramePtr make_frame() {
  FramePtr f(av_frame_alloc());
  if (!f) throw std::bad_alloc();
  return f;
}

PacketPtr make_packet() {
  PacketPtr p(av_packet_alloc());
  if (!p) throw std::bad_alloc();
  return p;
}

void Dictionary::set(const std::string& key, const std::string& value) {
  if (av_dict_set(&dict_, key.c_str(), value.c_str(), 0) < 0) throw std::bad_alloc();
}

std::string error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

void init_ffmpeg() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_callback(log_callback);
    av_max_alloc(kMaxAllocation);
  });
}

std::string last_log() { return tl_last_log; }
void clear_last_log() { tl_last_log.clear(); }

int check(int code, const std::string& what, bool input) {
  if (code >= 0) return code;
  std::string reason = error_text(code);
  if (auto logged = last_log(); !logged.empty() && logged != reason) reason += " (" + logged + ")";
  const std::string message = what + ": " + reason;
  if (input) throw InputError(message);
  throw Error(message);
}

}  // namespace gen::video::detail
