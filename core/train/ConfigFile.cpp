#include "train/ConfigFile.h"

#include "train/TrainConfig.h"
#include "util/Errors.h"
#include "util/Files.h"
#include "util/JsonText.h"

namespace palaestra {

namespace {

std::string quoted(const std::string& fileName) {
  return "config file '" + fileName + "'";
}

}  // namespace

nlohmann::json parseConfigFileText(std::string_view text, const std::string& fileName) {
  nlohmann::json json;
  try {
    json = parseJsonText(text);
  } catch (const JsonTextError& e) {
    throw ConfigError(quoted(fileName) + (e.field().empty() ? " " : ": ") + e.what());
  }
  if (!json.is_object()) throw ConfigError(quoted(fileName) + " must hold a JSON object");
  return json;
}

nlohmann::json readConfigFile(const std::string& path) {
  std::string text;
  try {
    text = readFileBounded(path, kMaxConfigFileBytes);
  } catch (const FileReadError& e) {
    throw ConfigError("cannot read " + quoted(path) + ": it " + e.what());
  }
  return parseConfigFileText(text, path);
}

nlohmann::json applyConfigFile(const nlohmann::json& preset, const nlohmann::json& file,
                               const std::string& fileName) {
  const auto env = preset.find("env");
  if (file.contains("env") && env != preset.end() && file["env"] != *env) {
    std::string named = file["env"].dump();
    if (named.size() > 60) named = named.substr(0, 57) + "...";
    throw ConfigError(quoted(fileName) + " is for env " + named + ", not " +
                      (env->is_string() ? env->get<std::string>() : env->dump()));
  }
  return mergeConfig(preset, file);
}

}  // namespace palaestra
