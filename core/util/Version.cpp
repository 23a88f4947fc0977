#include "util/Version.h"

namespace palaestra {

const std::string& projectVersion() {
  static const std::string version = PALAESTRA_VERSION;
  return version;
}

const std::string& gitVersion() {
  static const std::string version = PALAESTRA_GIT_VERSION;
  return version;
}

}  // namespace palaestra
