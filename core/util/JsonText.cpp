#include "util/JsonText.h"

#include <algorithm>
#include <vector>

namespace palaestra {

namespace {

// Thrown from the parse callback to stop at the first problem; parseJsonText turns it into a
// JsonTextError once nlohmann has unwound.
struct StopParsing {
  std::string field, problem;
};

// Line and column of a byte offset (nlohmann reports the offset just past the bad token).
std::string lineAndColumn(std::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < text.size() && i + 1 < byte; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// nlohmann's messages start with "[json.exception.<kind>.<id>] "; people need the rest.
std::string withoutExceptionId(const std::string& what) {
  const size_t bracket = what.find("] ");
  return what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos
             ? what.substr(bracket + 2)
             : what;
}

}  // namespace

JsonTextError::JsonTextError(std::string field, std::string problem)
    : std::runtime_error(field.empty() ? problem : field + " " + problem),
      field_(std::move(field)),
      problem_(std::move(problem)) {}

nlohmann::json parseJsonText(std::string_view text, int maxDepth) {
  // The path of each open array or object, so errors can name the value being read.
  struct Level {
    bool array = false;
    size_t index = 0;
    std::string key;
    std::vector<std::string> keys;
    std::string path;
  };
  std::vector<Level> levels;
  auto childPath = [&]() -> std::string {
    if (levels.empty()) return "";
    const Level& top = levels.back();
    if (top.array) return top.path + "[" + std::to_string(top.index) + "]";
    return top.path.empty() ? top.key : top.path + "." + top.key;
  };
  auto valueDone = [&] {
    if (!levels.empty() && levels.back().array) ++levels.back().index;
  };
  using Event = nlohmann::json::parse_event_t;
  auto callback = [&](int, Event event, nlohmann::json& parsed) {
    switch (event) {
      case Event::object_start:
      case Event::array_start: {
        if (static_cast<int>(levels.size()) >= maxDepth)
          throw StopParsing{
              "", "nests arrays and objects deeper than " + std::to_string(maxDepth) + " levels"};
        Level level;
        level.array = event == Event::array_start;
        level.path = childPath();
        levels.push_back(std::move(level));
        break;
      }
      case Event::object_end:
      case Event::array_end:
        levels.pop_back();
        valueDone();
        break;
      case Event::key: {
        Level& top = levels.back();
        top.key = parsed.get<std::string>();
        if (std::find(top.keys.begin(), top.keys.end(), top.key) != top.keys.end())
          throw StopParsing{childPath(), "is given twice in the same object"};
        top.keys.push_back(top.key);
        break;
      }
      case Event::value:
        valueDone();
        break;
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), callback);
  } catch (const StopParsing& stop) {
    throw JsonTextError(stop.field, stop.problem);
  } catch (const nlohmann::json::parse_error& e) {
    // "parse error at line L, column C: why": the position is given again below, in lines.
    std::string detail = withoutExceptionId(e.what());
    if (const size_t colon = detail.find(": "); colon != std::string::npos)
      detail = detail.substr(colon + 2);
    throw JsonTextError("", "is not valid JSON at " + lineAndColumn(text, e.byte) + ": " + detail);
  } catch (const nlohmann::json::out_of_range& e) {
    // 406: "number overflow parsing '1e400'", thrown while reading the value at childPath().
    std::string literal = withoutExceptionId(e.what());
    const size_t open = literal.find('\''), close = literal.rfind('\'');
    if (e.id == 406 && open != std::string::npos && close > open) {
      literal = literal.substr(open + 1, close - open - 1);
      throw JsonTextError(childPath(), "is " + literal +
                                           ", a number too large to represent (the largest is "
                                           "about 1.8e308)");
    }
    throw JsonTextError(childPath(), "cannot be read: " + literal);
  }
}

}  // namespace palaestra
