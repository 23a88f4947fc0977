#include "nn/Activation.h"

#include "util/Errors.h"

namespace palaestra {

std::string activationName(Activation a) { return a == Activation::Tanh ? "tanh" : "relu"; }

Activation parseActivation(const std::string& name, const std::string& field) {
  if (name == "tanh") return Activation::Tanh;
  if (name == "relu") return Activation::Relu;
  throw ConfigError(field + " must be \"tanh\" or \"relu\", got \"" + name + "\"");
}

}  // namespace palaestra
