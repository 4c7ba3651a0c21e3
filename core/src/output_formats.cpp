#include <gen/output_formats.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>

#include <gen/error.h>
#include <gen/safetensors.h>

namespace gen {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A 2-D tensor as CSV: "x,y" headers for 2 columns, "x,y,z" for 3, c0,c1,... otherwise.
void write_csv(const std::filesystem::path& path, const torch::Tensor& data, const Sample&) {
  if (data.dim() != 2) throw Error("a CSV table needs a 2-D tensor, got " + std::to_string(data.dim()) + "-D");
  const auto table = data.to(torch::kFloat64).contiguous();
  const int64_t columns = table.size(1);
  std::ofstream out(path);
  const char* xyz[] = {"x", "y", "z"};
  for (int64_t c = 0; c < columns; ++c)
    out << (c ? "," : "") << (columns <= 3 ? std::string(xyz[c]) : "c" + std::to_string(c));
  out << "\n";
  auto a = table.accessor<double, 2>();
  char cell[32];
  for (int64_t i = 0; i < table.size(0); ++i) {
    for (int64_t c = 0; c < columns; ++c) {
      std::snprintf(cell, sizeof cell, "%s%.6f", c ? "," : "", a[i][c]);
      out << cell;
    }
    out << "\n";
  }
  if (!out.flush()) throw Error("cannot write " + path.string());
}

// The raw sample: what a program linking gen would get, readable by any safetensors tool.
void write_safetensors(const std::filesystem::path& path, const torch::Tensor& data, const Sample& sample) {
  std::map<std::string, torch::Tensor> tensors{{"data", data.contiguous()}};
  for (const auto& [extension, extra] : sample.extras) tensors["extra" + extension] = extra.contiguous();
  std::map<std::string, std::string> metadata = sample.text;
  metadata["gen"] = sample.metadata.dump();
  save_safetensors(path, tensors, metadata);
}

}  // namespace

void OutputFormats::add(const std::string& extension, std::optional<Modality> modality, SampleWriter writer, bool main) {
  entries_.push_back({lower(extension), modality, std::move(writer), main});
}

const SampleWriter* OutputFormats::lookup(const std::filesystem::path& path, Modality modality, bool main_only) const {
  const auto ext = lower(path.extension().string());
  for (bool neutral : {false, true})
    for (const auto& e : entries_)
      if (e.extension == ext && (main_only ? e.main : true) && (neutral ? !e.modality : e.modality == modality))
        return &e.writer;
  return nullptr;
}

const SampleWriter* OutputFormats::find(const std::filesystem::path& path, Modality modality) const {
  return lookup(path, modality, true);
}

const SampleWriter* OutputFormats::find_extra(const std::filesystem::path& path, Modality modality) const {
  return lookup(path, modality, false);
}

std::vector<std::string> OutputFormats::extensions(std::optional<Modality> modality) const {
  std::vector<std::string> out;
  for (const auto& e : entries_)
    if (e.main && (e.modality == modality || !e.modality)) out.push_back(e.extension);
  return out;
}

void add_tensor_formats(OutputFormats& formats) {
  formats.add(".safetensors", std::nullopt, write_safetensors);
  formats.add(".csv", std::nullopt, write_csv, false);
}

}  // namespace gen
