#include <gen/jsonl_file.h>

#include <fstream>
#include <iterator>

#include <gen/error.h>

namespace gen {

int64_t read_jsonl_lines(const std::filesystem::path& path, const std::function<void(const std::string&)>& parse) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path.string());
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  if (!text.empty() && text.back() != '\n') throw InputError(path.string() + " is truncated (no final newline)");
  int64_t line = 0;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = text.find('\n', begin);
    ++line;
    try {
      parse(text.substr(begin, end - begin));
    } catch (const Error& e) {
      throw InputError(path.string() + " line " + std::to_string(line) + ": " + e.what());
    }
    begin = end + 1;
  }
  return line;
}

}  // namespace gen
