#pragma once
// The documented meaning of one config field. Each config reader keeps the
// list of its fields next to it; the New-run form's tooltips and
// docs/configuration.md are both made from these lists, so a field's meaning
// is written once.

#include <string>

namespace palaestra {

struct ConfigFieldDoc {
  std::string path;  // dotted path within the reader's object, e.g. "learning_rate", "reward.scale"
  std::string meaning;  // one or two sentences for users
};

}  // namespace palaestra
