#pragma once
// The version of this build. Only Version.cpp sees the version macros, so a new
// commit recompiles one file instead of every file that includes a store header.

#include <string>

namespace palaestra {

/// The project version, e.g. "0.1.0".
const std::string& projectVersion();
/// `git describe` of the source tree at CMake configure time ("unknown" outside git).
const std::string& gitVersion();

}  // namespace palaestra
