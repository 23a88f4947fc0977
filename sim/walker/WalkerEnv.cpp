#include "walker/WalkerEnv.h"
namespace palaestra {
EnvInfo walkerEnvInfo() { EnvInfo i; i.name = "walker"; return i; }
}
