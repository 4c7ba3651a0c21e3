// A plugin as the first SDK built it: the same descriptor layout with abi_version 1,
// whose Plugin vtable no longer matches. The host must refuse it before create().
#include <gen/plugin.h>

#include <cstdlib>

GEN_PLUGIN_EXPORT const GenPluginDescriptor* gen_plugin_descriptor() {
  static const GenPluginDescriptor d{1, sizeof(GenPluginDescriptor), TORCH_VERSION, _GLIBCXX_USE_CXX11_ABI, "abi_v1",
                                     []() -> gen::Plugin* { std::abort(); },  // must never run
                                     [](gen::Plugin*) {}};
  return &d;
}
