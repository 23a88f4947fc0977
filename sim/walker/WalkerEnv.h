#pragma once
#include "env/EnvRegistry.h"
namespace palaestra {
/// Registry entry of the walker simulation.
EnvInfo walkerEnvInfo();
}
