#pragma once
// A training config file (`palaestra-cli train --config FILE`): JSON merged
// over the env's preset. Read with limits (size, nesting) so that no file can
// crash or hang the reader, and every error names the file.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace palaestra {

/// Config files larger than this are refused (a full config is about 1 KiB).
inline constexpr size_t kMaxConfigFileBytes = size_t{1} << 20;

/// The JSON object a config file's `text` holds; throws ConfigError naming `fileName`, the field
/// and the problem (syntax, nesting, a key given twice, a number out of range, not an object).
nlohmann::json parseConfigFileText(std::string_view text, const std::string& fileName);

/// Reads (at most kMaxConfigFileBytes; devices and pipes are never read past it) and parses a
/// config file; throws ConfigError naming the file.
nlohmann::json readConfigFile(const std::string& path);

/// `preset` with the config file's object merged over it; throws ConfigError when the file names
/// another env than the preset's.
nlohmann::json applyConfigFile(const nlohmann::json& preset, const nlohmann::json& file,
                               const std::string& fileName);

}  // namespace palaestra
