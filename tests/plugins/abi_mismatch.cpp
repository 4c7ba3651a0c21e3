// A plugin built for a future ABI: the host must refuse it before calling create().
#include <gen/plugin.h>

#include <cstdlib>

GEN_PLUGIN_EXPORT const GenPluginDescriptor* gen_plugin_descriptor() {
  static const GenPluginDescriptor d{999, sizeof(GenPluginDescriptor),
                                     TORCH_VERSION, _GLIBCXX_USE_CXX11_ABI, "abi_mismatch",
                                     []() -> gen::Plugin* { std::abort(); },  // must never run
                                     [](gen::Plugin*) {}};
  return &d;
}
