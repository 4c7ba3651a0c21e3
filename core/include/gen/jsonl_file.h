// Reading a JSON-lines file (a dataset's index): the whole file, a final newline required
// (a missing one means the file was cut short), each line handed to `parse`; any
// gen::Error it throws becomes one gen::InputError naming the file and the line.
#pragma once
#include <filesystem>
#include <functional>
#include <string>

#include <gen/export.h>

namespace gen {

// Returns the number of lines read.
GEN_API int64_t read_jsonl_lines(const std::filesystem::path& path, const std::function<void(const std::string&)>& parse);

}  // namespace gen
