// Parsing JSON with a bound on nesting. nlohmann's parser and destructor do
// not recurse, but dump() and every recursive walk of a document do: a
// document of 100 KB can nest 50,000 arrays deep and overflow the stack of
// whatever walks it later. Parsing with this bound refuses such documents
// at the door.
#ifndef REACHRANK_BASE_JSON_DEPTH_H_
#define REACHRANK_BASE_JSON_DEPTH_H_

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace reachrank {

// Deep enough for every document the project reads (an XGBoost model nests
// about eight levels).
inline constexpr int kMaxJsonDepth = 64;

// Parses `text`, never throwing. The result is discarded (is_discarded())
// when `text` is not JSON or when arrays and objects in it nest deeper than
// `max_depth` levels; `*too_deep` then tells which.
inline nlohmann::json ParseJsonWithDepth(absl::string_view text, bool* too_deep,
                                         int max_depth = kMaxJsonDepth) {
  *too_deep = false;
  const nlohmann::json::parser_callback_t check =
      [too_deep, max_depth](int depth, nlohmann::json::parse_event_t,
                            nlohmann::json&) {
        if (depth > max_depth) *too_deep = true;
        return true;
      };
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), check,
                                             /*allow_exceptions=*/false);
  if (*too_deep) return nlohmann::json(nlohmann::json::value_t::discarded);
  return doc;
}

}  // namespace reachrank

#endif  // REACHRANK_BASE_JSON_DEPTH_H_
