#pragma once
// Error types that carry a message fit for one clear line to the user.

#include <stdexcept>
#include <string>

namespace palaestra {

/// Bad user input: config, preset, task, command-line value.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The run store cannot be opened, read or written (corrupt, locked, disk full, ...).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Something asked for does not exist (run id, episode id, checkpoint).
class NotFoundError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace palaestra
