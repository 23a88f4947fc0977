#include "env/EnvRegistry.h"

#include <stdexcept>

#include "util/Errors.h"

namespace palaestra {

EnvRegistry& EnvRegistry::instance() {
  static EnvRegistry registry;
  return registry;
}

void EnvRegistry::add(EnvInfo info) {
  if (envs_.count(info.name)) throw std::logic_error("env '" + info.name + "' registered twice");
  envs_.emplace(info.name, std::move(info));
}

const EnvInfo* EnvRegistry::find(const std::string& name) const {
  auto it = envs_.find(name);
  return it == envs_.end() ? nullptr : &it->second;
}

const EnvInfo& EnvRegistry::get(const std::string& name) const {
  if (const EnvInfo* info = find(name)) return *info;
  std::string known;
  for (const auto& [n, _] : envs_) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("unknown environment '" + name + "' (known: " + known + ")");
}

std::vector<std::string> EnvRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, _] : envs_) out.push_back(n);
  return out;
}

}  // namespace palaestra
