// Errors carry the CLI exit code they map to, so every layer can throw and only the
// command line decides how to report: one line on stderr, never a stack dump.
#pragma once
#include <stdexcept>
#include <string>

#include <gen/export.h>

namespace gen {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,    // unexpected internal failure
  kExitUsage = 2,      // bad command line or option value
  kExitBadInput = 3,   // an input file that cannot be read or is malformed
  kExitModel = 4,      // model, checkpoint or plugin error
  kExitCancelled = 130,
};

class GEN_API Error : public std::runtime_error {
 public:
  Error(const std::string& message, int exit_code = kExitFailure)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

// A wrong option, value or combination of them (exit 2).
class GEN_API UsageError : public Error {
 public:
  explicit UsageError(const std::string& m) : Error(m, kExitUsage) {}
};

// An input file that is missing, truncated or malformed (exit 3).
class GEN_API InputError : public Error {
 public:
  explicit InputError(const std::string& m) : Error(m, kExitBadInput) {}
};

// A model, checkpoint or plugin that cannot be used (exit 4).
class GEN_API ModelError : public Error {
 public:
  explicit ModelError(const std::string& m) : Error(m, kExitModel) {}
};

// A plugin that failed to load or threw; the message names the plugin (exit 4).
class GEN_API PluginError : public ModelError {
 public:
  explicit PluginError(const std::string& m) : ModelError(m) {}
};

// The progress callback asked to stop.
class GEN_API Cancelled : public Error {
 public:
  explicit Cancelled(const std::string& m = "cancelled") : Error(m, kExitCancelled) {}
};

// A NaN or Inf appeared during sampling or training (exit 4: the model misbehaves).
class GEN_API NumericError : public ModelError {
 public:
  explicit NumericError(const std::string& m) : ModelError(m) {}
};

}  // namespace gen
