// Conventions every generator follows for what it writes: numbered files for a
// batch, per-item seeds, and a JSON sidecar holding every parameter.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/request.h>

namespace gen {

// count == 1: `base` itself; otherwise "<stem>_<index><ext>" (index from 0).
GEN_API std::filesystem::path numbered_output(const std::filesystem::path& base, int index, int count);

// `path` with its extension replaced (e.g. the CSV beside a PNG).
GEN_API std::filesystem::path with_extension(const std::filesystem::path& path, const std::string& ext);

// A seed < 0 becomes a fresh random one (recorded by the caller); others pass through.
GEN_API int64_t resolve_seed(int64_t seed);

// Batch item i uses seed + i, so any single image can be regenerated alone.
inline int64_t item_seed(int64_t seed, int index) { return seed + index; }

// The parameters of a request as JSON (the common part of every sidecar).
GEN_API nlohmann::json request_metadata(const Request& request, int64_t seed);

// Writes `<artifact>.json` atomically.
GEN_API void write_sidecar(const std::filesystem::path& artifact, const nlohmann::json& metadata);

}  // namespace gen
