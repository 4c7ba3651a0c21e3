#include <gen/registry.h>

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <set>
#include <sstream>

#include <boost/dll/shared_library.hpp>
#include <spdlog/spdlog.h>
#include <ATen/Context.h>
#include <torch/version.h>

#include <gen/error.h>

namespace gen {

namespace {
// Rethrows a plugin's gen::Error with the plugin named, keeping its class (by exit code).
[[noreturn]] void rethrow_named(const std::string& message, int exit_code) {
  switch (exit_code) {
    case kExitUsage: throw UsageError(message);
    case kExitBadInput: throw InputError(message);
    case kExitModel: throw ModelError(message);
    default: throw Error(message, exit_code);
  }
}
}  // namespace

// Owns the library handle and the plugin object; everything the plugin creates
// keeps a shared_ptr to this, so the code stays mapped while it can still run.
class LoadedPluginImpl {
 public:
  std::shared_ptr<boost::dll::shared_library> library;
  const GenPluginDescriptor* descriptor = nullptr;
  Plugin* plugin = nullptr;
  PluginInfo info;
  std::string path;

  ~LoadedPluginImpl() {
    if (plugin && descriptor) descriptor->destroy(plugin);
  }

  // Runs a call into plugin code; whatever it throws comes back naming the plugin,
  // with the exit code of a gen::Error preserved.
  template <class F>
  auto guarded(const char* what, F&& f) const -> decltype(f()) {
    const std::string who = "plugin '" + (info.name.empty() ? path : info.name) + "'";
    try {
      return f();
    } catch (const Cancelled&) {
      throw;
    } catch (const Error& e) {
      rethrow_named(who + ": " + e.what(), e.exit_code());
    } catch (const std::exception& e) {
      throw PluginError(who + " failed in " + what + ": " + e.what());
    } catch (...) {
      throw PluginError(who + " failed in " + what + " with an unknown exception");
    }
  }
};

namespace {

// Host-side wrapper: forwards run() through the guard, and destroys the plugin's
// generator before releasing the library.
class GuardedGenerator : public Generator {
 public:
  GuardedGenerator(std::shared_ptr<LoadedPluginImpl> owner, std::unique_ptr<Generator> inner)
      : owner_(std::move(owner)), inner_(std::move(inner)) {}
  ~GuardedGenerator() override {
    try {
      inner_.reset();
    } catch (...) {
      spdlog::warn("plugin '{}': generator destructor threw", owner_->info.name);
    }
  }
  Sample generate(const Request& request, const ProgressCallback& progress) override {
    return owner_->guarded("generate", [&] { return inner_->generate(request, progress); });
  }

 private:
  std::shared_ptr<LoadedPluginImpl> owner_;  // declared first: destroyed last
  std::unique_ptr<Generator> inner_;
};

// A part whose code lives in the plugin: releasing it releases the part first, then
// the library handle it keeps (the aliasing deleter holds both).
template <class T>
std::shared_ptr<T> keep_loaded(std::shared_ptr<T> part, std::shared_ptr<LoadedPluginImpl> owner) {
  if (!part) return part;
  T* raw = part.get();
  return std::shared_ptr<T>(raw, [part = std::move(part), owner = std::move(owner)](T*) mutable {
    part.reset();
    owner.reset();
  });
}

const TrainStage& train_stage(const PluginInfo& info, const std::string& name) {
  const std::string who = "plugin '" + info.name + "'";
  if (info.training.empty()) throw UsageError(who + " cannot train models");
  if (name.empty() && info.training.size() == 1) return info.training.front();
  std::vector<std::string> names;
  for (const auto& stage : info.training) {
    if (stage.name == name) return stage;
    names.push_back(stage.name);
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  const auto near = nearest_name(name, names);
  throw UsageError(who + (name.empty() ? " needs -m STAGE" : " has no training stage '" + name + "'") +
                   (near.empty() || name.empty() ? "" : "; did you mean '" + near + "'?") + " (stages: " + list + ")");
}

std::string torch_version_string() { return TORCH_VERSION; }

// The smallest descriptor this host understands (every field up to destroy).
constexpr size_t kMinDescriptorSize = offsetof(GenPluginDescriptor, destroy) + sizeof(void (*)(gen::Plugin*));

std::string check_descriptor(const GenPluginDescriptor* d) {
  std::ostringstream why;
  if (!d) return "the plugin entry returned no descriptor";
  if (d->abi_version != kPluginAbiVersion) {
    why << "plugin ABI version " << d->abi_version << ", but gen expects " << kPluginAbiVersion
        << "; rebuild the plugin against this gen SDK";
  } else if (d->struct_size < kMinDescriptorSize) {
    why << "descriptor size " << d->struct_size << " is smaller than the " << kMinDescriptorSize
        << " bytes ABI " << kPluginAbiVersion << " requires";
  } else if (!d->torch_version || torch_version_string() != d->torch_version) {
    why << "built against LibTorch " << (d->torch_version ? d->torch_version : "(unknown)")
        << ", but gen uses LibTorch " << torch_version_string() << "; rebuild the plugin";
  } else if (d->cxx11_abi != _GLIBCXX_USE_CXX11_ABI) {
    why << "built with _GLIBCXX_USE_CXX11_ABI=" << d->cxx11_abi << ", but gen uses "
        << _GLIBCXX_USE_CXX11_ABI << "; rebuild the plugin";
  } else if (!d->create || !d->destroy) {
    why << "descriptor has no create/destroy functions";
  }
  return why.str();
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace

LoadedPlugin::LoadedPlugin(std::shared_ptr<LoadedPluginImpl> impl) : impl_(std::move(impl)) {}
const PluginInfo& LoadedPlugin::info() const { return impl_->info; }
const std::string& LoadedPlugin::path() const { return impl_->path; }

bool LoadedPlugin::accepts_model(const std::string& model) const {
  return impl_->guarded("accepts_model", [&] { return impl_->plugin->accepts_model(model); });
}

std::shared_ptr<Generator> LoadedPlugin::create_generator(const std::string& model, const PartSource& parts,
                                                          const ProgressCallback& progress) const {
  auto inner = impl_->guarded("create_generator",
                              [&] { return impl_->plugin->create_generator(model, parts, progress); });
  if (!inner) throw PluginError("plugin '" + impl_->info.name + "' returned no generator");
  return std::make_shared<GuardedGenerator>(impl_, std::move(inner));
}

std::shared_ptr<DiffusionPrior> LoadedPlugin::prior(const std::string& model, const PartSource& parts) const {
  auto inner = impl_->guarded("prior", [&] { return impl_->plugin->prior(model, parts); });
  if (!inner) throw PluginError("plugin '" + impl_->info.name + "' returned no parts");
  auto prior = std::make_shared<DiffusionPrior>(*inner);
  prior->encoder = keep_loaded(inner->encoder, impl_);
  prior->codec = keep_loaded(inner->codec, impl_);
  prior->denoiser = keep_loaded(inner->denoiser, impl_);
  if (prior->name.empty()) prior->name = impl_->info.name + ":" + model;
  return keep_loaded(prior, impl_);
}

void LoadedPlugin::train(const TrainRequest& request, const ProgressCallback& progress) const {
  const auto& stage = train_stage(impl_->info, request.model);
  validate_options(request.options, stage.options, "training stage '" + stage.name + "' of plugin '" + impl_->info.name + "'");
  // Modules draw their initial weights from torch's global generator: seeding it makes
  // the same request train the same model.
  at::manual_seed(static_cast<uint64_t>(request.seed));
  TrainRequest staged = request;
  staged.model = stage.name;
  impl_->guarded("train", [&] { impl_->plugin->train(staged, progress); });
}

std::vector<std::filesystem::path> PluginRegistry::default_search_dirs() {
  std::vector<std::filesystem::path> dirs;
  auto exe_dir = executable_dir();
  if (!exe_dir.empty()) dirs.push_back(exe_dir.parent_path() / "plugins");
  if (const char* env = std::getenv("GEN_PLUGIN_PATH")) {
    std::stringstream ss(env);
    std::string dir;
    while (std::getline(ss, dir, ':'))
      if (!dir.empty()) dirs.emplace_back(dir);
  }
  if (!exe_dir.empty()) dirs.push_back(exe_dir.parent_path() / "lib" / "gen" / "plugins");
#ifdef GEN_INSTALL_PLUGIN_DIR
  dirs.emplace_back(GEN_INSTALL_PLUGIN_DIR);
#endif
  return dirs;
}

void PluginRegistry::discover(const std::vector<std::filesystem::path>& dirs) {
  std::set<std::filesystem::path> seen;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    auto canonical = std::filesystem::weakly_canonical(dir, ec);
    if (!seen.insert(ec ? dir : canonical).second) continue;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
      if (entry.path().extension() == ".so") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) load(file);
  }
}

bool PluginRegistry::load(const std::filesystem::path& file) {
  auto fail = [&](const std::string& reason) {
    failures_.push_back({file.string(), reason});
    spdlog::debug("plugin {} not loaded: {}", file.string(), reason);
    return false;
  };
  auto impl = std::make_shared<LoadedPluginImpl>();
  impl->path = file.string();
  try {
    // rtld_now: unresolved symbols fail here, with a message, not later with a crash.
    impl->library = std::make_shared<boost::dll::shared_library>(
        file.string(), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return fail(std::string("not a loadable shared library: ") + e.what());
  }
  if (!impl->library->has(GEN_PLUGIN_ENTRY_NAME))
    return fail("no '" GEN_PLUGIN_ENTRY_NAME "' entry: not a gen plugin");
  auto entry = impl->library->get<const GenPluginDescriptor*()>(GEN_PLUGIN_ENTRY_NAME);
  try {
    impl->descriptor = entry();
  } catch (...) {
    return fail("the plugin entry threw");
  }
  if (auto why = check_descriptor(impl->descriptor); !why.empty()) {
    // The name is read only where the plugin's descriptor is long enough to hold it.
    const auto* d = impl->descriptor;
    const bool named = d && d->struct_size >= offsetof(GenPluginDescriptor, name) + sizeof(d->name) && d->name;
    return fail(named ? "plugin '" + std::string(d->name) + "': " + why : why);
  }
  try {
    impl->plugin = impl->descriptor->create();
    if (!impl->plugin) return fail("the plugin factory returned nothing");
    impl->info = impl->plugin->info();
  } catch (const std::exception& e) {
    return fail(std::string("the plugin factory threw: ") + e.what());
  } catch (...) {
    return fail("the plugin factory threw an unknown exception");
  }
  if (impl->info.name.empty()) return fail("the plugin has no name");
  if (find(impl->info.name))
    return fail("a plugin named '" + impl->info.name + "' is already loaded from " +
                find(impl->info.name)->path());
  plugins_.emplace_back(std::move(impl));
  return true;
}

const LoadedPlugin* PluginRegistry::find(const std::string& name) const {
  for (const auto& p : plugins_)
    if (p.info().name == name) return &p;
  return nullptr;
}

std::vector<const LoadedPlugin*> PluginRegistry::for_modality(Modality m) const {
  std::vector<const LoadedPlugin*> out;
  for (const auto& p : plugins_)
    if (p.info().modality == m) out.push_back(&p);
  return out;
}

namespace {
std::string installed_summary(const PluginRegistry& registry) {
  if (registry.plugins().empty()) return "no plugins are installed (see `gen plugins`)";
  std::string s = "installed:";
  for (const auto& p : registry.plugins())
    s += " " + p.info().name + " (" + modality_name(p.info().modality) + ")";
  return s;
}
bool has_default_model(const PluginInfo& info) {
  return std::any_of(info.models.begin(), info.models.end(),
                     [](const ModelSpec& m) { return m.is_default; });
}
}  // namespace

PluginRegistry::Resolved PluginRegistry::resolve(Modality m, const std::string& model) const {
  auto candidates = for_modality(m);
  if (candidates.empty())
    throw ModelError(std::string("no plugin for '") + modality_name(m) + "' is installed; " +
                     installed_summary(*this));
  std::stable_sort(candidates.begin(), candidates.end(), [](auto* a, auto* b) {
    return a->info().priority > b->info().priority;
  });
  if (model.empty()) {
    for (auto* p : candidates)
      if (has_default_model(p->info())) return {p, ""};
    throw ModelError(std::string("no '") + modality_name(m) +
                     "' plugin has a default model; pass -m MODEL (see `gen plugins`)");
  }
  // "plugin:model" addresses a plugin explicitly.
  if (auto colon = model.find(':'); colon != std::string::npos && colon > 0) {
    if (auto* p = find(model.substr(0, colon)); p && p->info().modality == m)
      return {p, model.substr(colon + 1)};
  }
  for (auto* p : candidates)
    if (p->accepts_model(model)) return {p, model};
  std::string names;
  for (auto* p : candidates)
    for (const auto& spec : p->info().models) names += (names.empty() ? "" : ", ") + spec.name;
  throw ModelError("no " + std::string(modality_name(m)) + " plugin accepts model '" + model +
                   "'; available: " + (names.empty() ? "(none)" : names));
}

std::shared_ptr<DiffusionPrior> PluginRegistry::prior(const std::string& spec) const {
  const auto colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  const std::string model = colon == std::string::npos ? "" : spec.substr(colon + 1);
  const LoadedPlugin* plugin = find(name);
  if (!plugin) throw ModelError("no plugin named '" + name + "' to take parts from ('" + spec + "'); " + installed_summary(*this));
  return plugin->prior(model, *this);
}

}  // namespace gen
