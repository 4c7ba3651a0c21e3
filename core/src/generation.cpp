#include <gen/generation.h>

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/output.h>

namespace gen {
namespace {

namespace fs = std::filesystem;

std::string joined(const std::vector<std::string>& items, const std::string& separator = ", ") {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : separator) + item;
  return s;
}

// Where item i of n goes, checked before any work is done.
void check_output(const fs::path& output, Modality modality, const OutputFormats& formats) {
  std::error_code ec;
  if (fs::is_directory(output, ec))
    throw UsageError("-o names a directory (" + output.string() + "); give a file name, e.g. " +
                     (output / (std::string("out") + default_extension(modality))).string());
  if (auto dir = output.parent_path(); !dir.empty() && !fs::is_directory(dir, ec))
    throw UsageError("output directory does not exist: " + dir.string());
  if (!formats.find(output, modality))
    throw UsageError("cannot write " + std::string(modality_name(modality)) + " output as '" +
                     output.extension().string() + "' (" + output.string() + "); formats: " +
                     joined(formats.extensions(modality)));
}

void write_atomic(const fs::path& path, const SampleWriter& writer, const torch::Tensor& data, const Sample& sample) {
  AtomicFile file(path);
  writer(file.temp_path(), data, sample);
  file.commit();
}

// out.png -> out.preview.png
fs::path preview_path(const fs::path& output) {
  return output.parent_path() / (output.stem().string() + ".preview" + output.extension().string());
}

ProgressCallback with_previews(const ProgressCallback& progress, const fs::path& output, const SampleWriter& writer) {
  return [progress, output, &writer](const Progress& p) {
    if (p.preview) write_atomic(preview_path(output), writer, *p.preview, Sample{});
    return progress ? progress(p) : ProgressAction::proceed;
  };
}

nlohmann::json sidecar(const GenerationSession& session, const Request& item, const Sample& sample) {
  auto meta = request_metadata(item, sample.seed);
  meta["plugin"] = session.plugin->info().name;
  meta["model"] = session.model;
  for (const auto& [key, value] : sample.metadata.items()) meta[key] = value;
  return meta;
}

Sample generate_item(GenerationSession& session, const Request& request, int index, const ProgressCallback& progress) {
  Request item = request;
  item.seed = item_seed(request.seed, index);
  item.batch_index = index;
  Sample sample = session.generator->generate(item, progress);
  if (!sample.data.defined())
    throw PluginError("plugin '" + session.plugin->info().name + "' returned no data");
  sample.seed = item.seed;
  return sample;
}

}  // namespace

void validate_request(const PluginInfo& plugin, const Request& request) {
  const std::string owner = "plugin '" + plugin.name + "'";
  if (request.modality != plugin.modality)
    throw UsageError(owner + " generates " + modality_name(plugin.modality) + ", not " + modality_name(request.modality));
  if (request.batch_count < 1) throw UsageError("the batch count must be at least 1");
  validate_options(request.options, plugin.options, owner);
  if (auto unread = unread_fields(request, plugin.inputs); !unread.empty())
    throw UsageError(owner + " does not use --" + unread.front() +
                     (plugin.inputs.empty() ? std::string() : " (it reads: --" + joined(plugin.inputs, ", --") + ")"));
}

namespace {
// The plugin for a request, with the request checked against its declarations.
PluginRegistry::Resolved checked_target(const PluginRegistry& registry, const Request& request) {
  auto target = registry.resolve(request.modality, request.model);
  validate_request(target.plugin->info(), request);
  spdlog::debug("using plugin {} ({}) model '{}'", target.plugin->info().name, target.plugin->path(), target.model);
  return target;
}

GenerationSession load(const PluginRegistry& registry, const PluginRegistry::Resolved& target,
                       const ProgressCallback& progress) {
  return {target.plugin, target.model, target.plugin->create_generator(target.model, registry, progress)};
}
}  // namespace

GenerationSession open_session(const PluginRegistry& registry, const Request& request, const ProgressCallback& progress) {
  return load(registry, checked_target(registry, request), progress);
}

std::vector<Sample> generate(GenerationSession& session, Request request, const ProgressCallback& progress) {
  validate_request(session.plugin->info(), request);
  request.seed = resolve_seed(request.seed);
  std::vector<Sample> samples;
  for (int i = 0; i < request.batch_count; ++i) samples.push_back(generate_item(session, request, i, progress));
  return samples;
}

std::vector<Sample> generate(const PluginRegistry& registry, Request request, const ProgressCallback& progress) {
  auto session = open_session(registry, request, progress);
  return generate(session, std::move(request), progress);
}

std::vector<WrittenFile> generate_files(const PluginRegistry& registry, Request request, const fs::path& output,
                                        const OutputFormats& formats, const ProgressCallback& progress) {
  const fs::path base = output.empty() ? fs::path(std::string("output") + default_extension(request.modality)) : output;
  const auto target = checked_target(registry, request);
  check_output(base, request.modality, formats);
  request.seed = resolve_seed(request.seed);
  auto session = load(registry, target, progress);
  const SampleWriter& writer = *formats.find(base, request.modality);
  std::vector<WrittenFile> written;
  for (int i = 0; i < request.batch_count; ++i) {
    const fs::path path = numbered_output(base, i, request.batch_count);
    Sample sample = generate_item(session, request, i, with_previews(progress, path, writer));
    Request item = request;
    item.seed = sample.seed;
    item.batch_index = i;
    for (const auto& [extension, data] : sample.extras) {
      const auto extra = extension.rfind('.', 0) == 0 ? with_extension(path, extension)
                                                      : numbered_output(extension, i, request.batch_count);
      const SampleWriter* extra_writer = formats.find_extra(extra, request.modality);
      if (!extra_writer || extra == path)
        throw PluginError("plugin '" + session.plugin->info().name + "' returned data for '" + extension +
                          "', which gen cannot write beside " + path.string());
      write_atomic(extra, *extra_writer, data, sample);
    }
    write_atomic(path, writer, sample.data, sample);
    write_sidecar(path, sidecar(session, item, sample));
    written.push_back({path, sample.seed});
  }
  return written;
}

}  // namespace gen
