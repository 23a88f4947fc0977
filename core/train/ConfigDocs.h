#pragma once
// A training config's documentation, gathered from where each field is read:
// TrainConfig::docs() (with PpoConfig's) and each registered simulation's
// EnvInfo::configDocs. The New-run form shows these meanings as tooltips and
// docs/configuration.md is this file's configDocsMarkdown() (a test keeps the
// two equal), so each field's meaning is written in one place.

#include <string>

namespace palaestra {

/// The meaning of the config field at dotted `path` ("ppo.gamma", "env_config.terrain") for a run
/// of `env`; empty if it is not documented.
std::string configFieldMeaning(const std::string& env, const std::string& path);

/// The field tables of docs/configuration.md: the training config, then each registered
/// simulation's env_config fields.
std::string configDocsMarkdown();

}  // namespace palaestra
