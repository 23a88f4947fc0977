#include "rl/PolicyArchitecture.h"

#include "util/Errors.h"

namespace palaestra {

std::string actionBoundingName(ActionBounding b) { return b == ActionBounding::Clip ? "clip" : "tanh"; }

ActionBounding parseActionBounding(const std::string& name, const std::string& field) {
  if (name == "clip") return ActionBounding::Clip;
  if (name == "tanh") return ActionBounding::Tanh;
  throw ConfigError(field + " must be \"clip\" or \"tanh\", got \"" + name + "\"");
}

}  // namespace palaestra
