// Precompiled header for libgen_core: the heavy, stable headers every file uses.
#pragma once
#include <torch/types.h>
#include <torch/nn.h>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
