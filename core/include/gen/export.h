// Symbol visibility: everything is hidden by default; GEN_API marks the SDK surface
// of libgen_core, GEN_PLUGIN_EXPORT the one entry a plugin library exports.
#pragma once
#define GEN_API __attribute__((visibility("default")))
#define GEN_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
