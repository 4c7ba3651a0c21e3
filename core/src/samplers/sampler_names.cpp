// Sampler names: diffusers class names, k-diffusion/A1111 names and ours all map onto
// one canonical sampler plus an optional sigma spacing ("DPM++ 2M Karras").
#include <gen/sampler.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include <gen/error.h>

#include "samplers.h"

namespace gen {
namespace {

using Factory = std::unique_ptr<Sampler> (*)(SchedulerConfig);

// What a multistep sampler's name fixes in the config (0 / nullptr: nothing). A diffusers
// class name fixes nothing: the class reads solver_order etc. from the config itself.
struct Variant {
  int solver_order = 0;
  const char* algorithm_type = nullptr;
  const char* solver_type = nullptr;
};

struct SamplerEntry {
  const char* name;
  Factory make;
  const char* diffusers_class;  // the first entry of a class stands for the class
  Variant variant = {};
};

const SamplerEntry kSamplers[] = {
    {"ddpm", samplers::make_ddpm, "DDPMScheduler"},
    {"ddim", samplers::make_ddim, "DDIMScheduler"},
    {"pndm", samplers::make_pndm, "PNDMScheduler"},
    {"euler", samplers::make_euler, "EulerDiscreteScheduler"},
    {"euler_a", samplers::make_euler_ancestral, "EulerAncestralDiscreteScheduler"},
    {"heun", samplers::make_heun, "HeunDiscreteScheduler"},
    {"lms", samplers::make_lms, "LMSDiscreteScheduler"},
    {"dpmpp_2m", samplers::make_dpm_solver, "DPMSolverMultistepScheduler", {2, "dpmsolver++", "midpoint"}},
    {"dpmpp_3m", samplers::make_dpm_solver, "DPMSolverMultistepScheduler", {3, "dpmsolver++", "midpoint"}},
    {"dpmpp_2m_sde", samplers::make_dpm_solver, "DPMSolverMultistepScheduler", {2, "sde-dpmsolver++", "midpoint"}},
    {"unipc", samplers::make_unipc, "UniPCMultistepScheduler", {2, nullptr, "bh2"}},
    {"unipc_o3", samplers::make_unipc, "UniPCMultistepScheduler", {3, nullptr, "bh2"}},
    {"unipc_bh1", samplers::make_unipc, "UniPCMultistepScheduler", {2, nullptr, "bh1"}},
    {"unipc_bh1_o3", samplers::make_unipc, "UniPCMultistepScheduler", {3, nullptr, "bh1"}},
    {"flow_euler", samplers::make_flow_euler, "FlowMatchEulerDiscreteScheduler"},
    {"lcm", samplers::make_lcm, "LCMScheduler"},
};

void apply(const Variant& v, SchedulerConfig& config) {
  if (v.solver_order) config.solver_order = v.solver_order;
  if (v.algorithm_type) config.algorithm_type = v.algorithm_type;
  if (v.solver_type) config.solver_type = v.solver_type;
}

// Aliases people type, keyed by their normalised form (see normalise()).
struct Alias {
  const char* alias;
  const char* canonical;
  const char* sigmas;  // "", "karras" or "exponential"
};

const Alias kAliases[] = {
    {"plms", "pndm", ""},
    {"eulerancestral", "euler_a", ""},
    {"eulerkarras", "euler", "karras"},
    {"heunkarras", "heun", "karras"},
    {"lmskarras", "lms", "karras"},
    {"dpmpp2m", "dpmpp_2m", ""},
    {"dpmsolvermultistep", "dpmpp_2m", ""},
    {"dpmsolver", "dpmpp_2m", ""},
    {"dpmsolverpp", "dpmpp_2m", ""},  // diffusers' algorithm_type names
    {"sdedpmsolverpp", "dpmpp_2m_sde", ""},
    {"dpmpp2mkarras", "dpmpp_2m", "karras"},
    {"dpmpp2mexponential", "dpmpp_2m", "exponential"},
    {"dpmpp3mkarras", "dpmpp_3m", "karras"},
    {"dpmpp3mexponential", "dpmpp_3m", "exponential"},
    {"dpmpp2msdekarras", "dpmpp_2m_sde", "karras"},
    {"dpmpp2msdeexponential", "dpmpp_2m_sde", "exponential"},
    {"unipckarras", "unipc", "karras"},
    {"unipco3karras", "unipc_o3", "karras"},
    {"unipcbh1karras", "unipc_bh1", "karras"},
    {"unipcbh1o3karras", "unipc_bh1_o3", "karras"},
    {"flowmatcheuler", "flow_euler", ""},
    {"eulerflow", "flow_euler", ""},
    {"ddimtrailing", "ddim", ""},
};

// Lower case, "++" -> "pp", everything but letters and digits dropped, and a trailing
// "scheduler"/"discretescheduler" removed: "DPM++ 2M Karras" -> "dpmpp2mkarras".
std::string normalise(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '+' && i + 1 < name.size() && name[i + 1] == '+') {
      out += "pp";
      ++i;
    } else if (std::isalnum(static_cast<unsigned char>(name[i]))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
    }
  }
  for (const char* suffix : {"discretescheduler", "scheduler"}) {
    std::string s(suffix);
    if (out.size() > s.size() && out.compare(out.size() - s.size(), s.size(), s) == 0) {
      out.resize(out.size() - s.size());
      break;
    }
  }
  return out;
}

std::string valid_names() {
  std::string list;
  for (const auto& e : kSamplers) list += (list.empty() ? "" : ", ") + std::string(e.name);
  return list +
         " (and aliases such as euler_a, \"DPM++ 2M Karras\", \"DPM++ 2M SDE Karras\", plms; see docs/samplers.md)";
}

const SamplerEntry* find_class(const std::string& key) {
  for (const auto& e : kSamplers)
    if (normalise(e.diffusers_class) == key) return &e;
  return nullptr;
}

// A canonical name fixes its variant in the config; a class name takes the config's.
const SamplerEntry* find_canonical(const std::string& key, SchedulerConfig& config) {
  for (const auto& e : kSamplers) {
    if (normalise(e.name) != key) continue;
    apply(e.variant, config);
    return &e;
  }
  return find_class(key);
}

// The sampler a normalised name stands for, with the config changes its alias implies.
const SamplerEntry* resolve(const std::string& key, SchedulerConfig& config) {
  if (const auto* entry = find_canonical(key, config)) return entry;
  for (const auto& a : kAliases) {
    if (key != a.alias) continue;
    if (std::string(a.sigmas) == "karras") config.use_karras_sigmas = true;
    if (std::string(a.sigmas) == "exponential") config.use_exponential_sigmas = true;
    if (std::string(a.alias) == "ddimtrailing") config.timestep_spacing = "trailing";
    return find_canonical(normalise(a.canonical), config);
  }
  // A1111's "k_" prefix (k_euler_a, k_dpmpp_2m) names the same samplers.
  if (key.size() > 1 && key[0] == 'k') return resolve(key.substr(1), config);
  return nullptr;
}

}  // namespace

std::unique_ptr<Sampler> make_sampler(const std::string& name, SchedulerConfig config) {
  const SamplerEntry* entry = resolve(normalise(name), config);
  if (!entry) throw UsageError("unknown sampler '" + name + "'; valid: " + valid_names());
  return entry->make(std::move(config));
}

std::unique_ptr<Sampler> make_sampler_from_diffusers(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("_class_name") || !j["_class_name"].is_string())
    throw UsageError("scheduler config has no \"_class_name\"");
  auto class_name = j["_class_name"].get<std::string>();
  auto config = SchedulerConfig::from_json(j);
  // algorithm_type, solver_type and solver_order travel in the config and are checked by
  // the sampler itself; these keys exist only in the JSON.
  if (class_name == "DPMSolverMultistepScheduler") {
    if (j.value("euler_at_final", false)) throw UsageError("DPMSolverMultistepScheduler: euler_at_final is not supported");
    if (j.value("use_lu_lambdas", false)) throw UsageError("DPMSolverMultistepScheduler: use_lu_lambdas is not supported");
  }
  if (class_name == "UniPCMultistepScheduler") {
    if (!j.value("predict_x0", true)) throw UsageError("UniPCMultistepScheduler: predict_x0 false is not supported");
    if (j.contains("disable_corrector") && j["disable_corrector"].is_array() && !j["disable_corrector"].empty())
      throw UsageError("UniPCMultistepScheduler: disable_corrector is not supported");
  }
  if (class_name == "PNDMScheduler" && !j.value("skip_prk_steps", false))
    throw UsageError("PNDMScheduler: only skip_prk_steps true (PLMS) is supported");
  if (class_name == "EulerDiscreteScheduler" && j.value("interpolation_type", std::string("linear")) != "linear")
    throw UsageError("EulerDiscreteScheduler: only interpolation_type 'linear' is supported");
  for (const auto& e : kSamplers)
    if (class_name == e.diffusers_class) return e.make(std::move(config));  // the first of the class
  throw UsageError("scheduler class '" + class_name + "' is not supported; supported: " + valid_names());
}

std::vector<std::string> sampler_names() {
  std::vector<std::string> names;
  for (const auto& e : kSamplers) names.emplace_back(e.name);
  return names;
}

}  // namespace gen
