#pragma once
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/nn.h>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <string>
#include <vector>
