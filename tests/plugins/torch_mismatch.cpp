// A plugin that claims another LibTorch: sharing one libtorch would be unsafe.
#include <gen/plugin.h>

#include <cstdlib>

GEN_PLUGIN_EXPORT const GenPluginDescriptor* gen_plugin_descriptor() {
  static const GenPluginDescriptor d{gen::kPluginAbiVersion, sizeof(GenPluginDescriptor), "0.4.1",
                                     _GLIBCXX_USE_CXX11_ABI, "torch_mismatch",
                                     []() -> gen::Plugin* { std::abort(); },  // must never run
                                     [](gen::Plugin*) {}};
  return &d;
}
