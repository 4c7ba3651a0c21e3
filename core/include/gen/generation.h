// The generation host: everything between a parsed request and files on disk, so the
// CLI and programs that embed gen behave the same. It resolves the seed and the
// plugin, validates the request against the plugin's declarations (options, inputs),
// runs the batch loop (item i gets seed + i), and — for generate_files — writes each
// sample atomically through the writer its extension names, plus the JSON sidecar.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/output_formats.h>
#include <gen/plugin.h>
#include <gen/registry.h>

namespace gen {

// Throws UsageError for an unknown or bad -O key, or a field the plugin does not read.
GEN_API void validate_request(const PluginInfo& plugin, const Request& request);

// One generator loaded for a request's model, reusable for further requests.
struct GenerationSession {
  const LoadedPlugin* plugin = nullptr;
  std::string model;                   // as passed to the plugin ("" = its default)
  std::shared_ptr<Generator> generator;
};

// Resolves `request.model` among the plugins of its modality and loads it.
GEN_API GenerationSession open_session(const PluginRegistry& registry, const Request& request,
                                       const ProgressCallback& progress = {});

// In memory: request.batch_count samples, item i made with seed request.seed + i (a
// negative seed is first replaced by a random one, recorded in each sample).
GEN_API std::vector<Sample> generate(const PluginRegistry& registry, Request request,
                                     const ProgressCallback& progress = {});
GEN_API std::vector<Sample> generate(GenerationSession& session, Request request,
                                     const ProgressCallback& progress = {});

struct WrittenFile {
  std::filesystem::path path;
  int64_t seed = 0;
};

// To files: `output` names the first; a batch writes <stem>_<i><ext>. Every output path
// is checked (folder exists, not a folder, a writer for the extension) before any work.
// A sample's progress previews are written to <stem>.preview<ext>.
GEN_API std::vector<WrittenFile> generate_files(const PluginRegistry& registry, Request request,
                                                const std::filesystem::path& output, const OutputFormats& formats,
                                                const ProgressCallback& progress = {});

}  // namespace gen
