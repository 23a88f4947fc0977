#include "util/JsonReader.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "util/Errors.h"

namespace palaestra {

JsonReader::JsonReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object())
    throw ConfigError((path_.empty() ? std::string("config") : path_) +
                      " must be a JSON object, got " + object_.dump());
}

std::string JsonReader::pathOf(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

const nlohmann::json* JsonReader::find(const std::string& key) {
  read_.insert(key);
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

void JsonReader::fail(const std::string& key, const std::string& expected,
                      const nlohmann::json& got) const {
  std::string shown = got.dump();
  if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
  throw ConfigError(pathOf(key) + " must be " + expected + ", got " + shown);
}

static std::string range(double low, double high) {
  std::ostringstream s;
  s << "[" << low << ", " << high << "]";
  return s.str();
}

double JsonReader::number(const std::string& key, double low, double high, double fallback) {
  auto v = optionalNumber(key, low, high);
  return v ? *v : fallback;
}

std::optional<double> JsonReader::optionalNumber(const std::string& key, double low,
                                                 double high) {
  const nlohmann::json* v = find(key);
  if (!v || v->is_null()) return std::nullopt;
  const std::string expected = "a number in " + range(low, high);
  if (!v->is_number()) fail(key, expected, *v);
  const double x = v->get<double>();
  if (!std::isfinite(x) || x < low || x > high) fail(key, expected, *v);
  return x;
}

int64_t JsonReader::integer(const std::string& key, int64_t low, int64_t high,
                            int64_t fallback) {
  auto v = optionalInteger(key, low, high);
  return v ? *v : fallback;
}

std::optional<int64_t> JsonReader::optionalInteger(const std::string& key, int64_t low,
                                                   int64_t high) {
  const nlohmann::json* v = find(key);
  if (!v || v->is_null()) return std::nullopt;
  const std::string expected =
      "an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]";
  int64_t x = 0;
  if (v->is_number_integer()) {
    x = v->get<int64_t>();
  } else if (v->is_number_float()) {
    // Accept 2e6 and 1000.0, which JSON writers produce, but not 2.5.
    const double d = v->get<double>();
    if (d != std::floor(d) || std::abs(d) > 9.0e15) fail(key, expected, *v);
    x = static_cast<int64_t>(d);
  } else {
    fail(key, expected, *v);
  }
  if (x < low || x > high) fail(key, expected, *v);
  return x;
}

bool JsonReader::boolean(const std::string& key, bool fallback) {
  const nlohmann::json* v = find(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_boolean()) fail(key, "true or false", *v);
  return v->get<bool>();
}

std::string JsonReader::string(const std::string& key, const std::vector<std::string>& allowed,
                               const std::string& fallback) {
  const nlohmann::json* v = find(key);
  if (!v || v->is_null()) return fallback;
  std::string expected = "a string";
  if (!allowed.empty()) {
    expected = "one of";
    for (size_t i = 0; i < allowed.size(); ++i) expected += (i ? ", " : " ") + allowed[i];
  }
  if (!v->is_string()) fail(key, expected, *v);
  const std::string s = v->get<std::string>();
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), s) == allowed.end())
    fail(key, expected, *v);
  return s;
}

std::vector<int> JsonReader::integerList(const std::string& key, int low, int high,
                                         const std::vector<int>& fallback) {
  const nlohmann::json* v = find(key);
  if (!v || v->is_null()) return fallback;
  const std::string expected = "a non-empty list of integers in " + range(low, high);
  if (!v->is_array() || v->empty()) fail(key, expected, *v);
  std::vector<int> out;
  for (const auto& e : *v) {
    if (!e.is_number_integer()) fail(key, expected, *v);
    const int64_t x = e.get<int64_t>();
    if (x < low || x > high) fail(key, expected, *v);
    out.push_back(static_cast<int>(x));
  }
  return out;
}

std::pair<double, double> JsonReader::interval(const std::string& key,
                                               std::pair<double, double> fallback) {
  const nlohmann::json* v = find(key);
  if (!v || v->is_null()) return fallback;
  const char* expected = "[low, high]: two finite numbers with low < high";
  if (!v->is_array() || v->size() != 2 || !(*v)[0].is_number() || !(*v)[1].is_number())
    fail(key, expected, *v);
  const double low = (*v)[0].get<double>(), high = (*v)[1].get<double>();
  if (!std::isfinite(low) || !std::isfinite(high) || !(low < high)) fail(key, expected, *v);
  return {low, high};
}

nlohmann::json JsonReader::object(const std::string& key) {
  const nlohmann::json* v = find(key);
  if (!v || v->is_null()) return nlohmann::json::object();
  if (!v->is_object()) fail(key, "a JSON object", *v);
  return *v;
}

void JsonReader::finish() const {
  for (const auto& [key, _] : object_.items())
    if (!read_.count(key)) {
      std::string known;
      for (const auto& k : read_) known += (known.empty() ? "" : ", ") + k;
      throw ConfigError("unknown config key '" + pathOf(key) + "' (known here: " + known + ")");
    }
}

std::string jsonErrorText(const nlohmann::json::exception& error) {
  const std::string text = error.what();
  const size_t bracket = text.find("] ");
  if (text.rfind("[json.exception", 0) == 0 && bracket != std::string::npos)
    return text.substr(bracket + 2);
  return text;
}

}  // namespace palaestra
