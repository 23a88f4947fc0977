#include "train/ConfigDocs.h"

#include "env/EnvRegistry.h"
#include "train/TrainConfig.h"

namespace palaestra {

namespace {

const std::string kEnvConfigPrefix = "env_config.";

// A table cell: pipes would end the cell early.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

void appendTable(std::string& out, const std::string& prefix,
                 const std::vector<ConfigFieldDoc>& docs) {
  out += "| field | meaning |\n|---|---|\n";
  for (const ConfigFieldDoc& doc : docs)
    out += "| `" + prefix + doc.path + "` | " + cell(doc.meaning) + " |\n";
}

}  // namespace

std::string configFieldMeaning(const std::string& env, const std::string& path) {
  // Under frozen_slots the keys are slot names, under curriculum.bounds, test_set.grid, eval.task
  // and opponents.task task parameter names: one entry documents them all.
  std::string documented = path;
  if (path.rfind("frozen_slots.", 0) == 0) documented = "frozen_slots";
  if (path.rfind("curriculum.bounds.", 0) == 0) documented = "curriculum.bounds";
  if (path.rfind("test_set.grid.", 0) == 0) documented = "test_set.grid";
  if (path.rfind("eval.task.", 0) == 0) documented = "eval.task";
  if (path.rfind("opponents.task.", 0) == 0) documented = "opponents.task";
  if (path.rfind("opponents.members", 0) == 0) documented = "opponents.members";
  for (const ConfigFieldDoc& doc : TrainConfig::docs())
    if (doc.path == documented) return doc.meaning;
  if (path.rfind(kEnvConfigPrefix, 0) != 0) return {};
  const EnvInfo* info = EnvRegistry::instance().find(env);
  if (!info) return {};
  const std::string field = path.substr(kEnvConfigPrefix.size());
  for (const ConfigFieldDoc& doc : info->configDocs)
    if (doc.path == field) return doc.meaning;
  return {};
}

std::string configDocsMarkdown() {
  std::string out = "### Training config\n\n";
  appendTable(out, "", TrainConfig::docs());
  for (const std::string& name : EnvRegistry::instance().names()) {
    const EnvInfo& info = EnvRegistry::instance().get(name);
    out += "\n### env_config of " + name + "\n\n";
    appendTable(out, kEnvConfigPrefix, info.configDocs);
  }
  return out;
}

}  // namespace palaestra
