#pragma once
// Hidden-layer activations of the MLPs.

#include <string>

namespace palaestra {

enum class Activation { Tanh, Relu };

/// "tanh" or "relu" for an activation.
std::string activationName(Activation a);
/// Parses "tanh" or "relu"; throws ConfigError naming `field` otherwise.
Activation parseActivation(const std::string& name, const std::string& field = "activation");

}  // namespace palaestra
