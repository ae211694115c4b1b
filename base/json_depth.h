// Parsing JSON with a bound on nesting. nlohmann's parser and destructor do
// not recurse, but dump() and every recursive walk of a document do: a
// document of 100 KB can nest 50,000 arrays deep and overflow the stack of
// whatever walks it later. Parsing with this bound refuses such documents
// at the door.
#ifndef REACHRANK_BASE_JSON_DEPTH_H_
#define REACHRANK_BASE_JSON_DEPTH_H_

#include <string>

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

// Why `text` is not JSON, in nlohmann's words without its exception tag,
// e.g. "parse error at line 1, column 12: syntax error while parsing value
// - invalid literal; last read: '{"count":N'" or "number overflow parsing
// '1e400'"; empty when it is JSON. Never throws.
inline std::string JsonSyntaxError(absl::string_view text) {
  using Json = nlohmann::json;
  // Accepts every event; keeps the first error.
  struct Errors final : nlohmann::json_sax<Json> {
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& e) override {
      if (message.empty()) message = e.what();
      return false;
    }
    std::string message;
  } errors;
  Json::sax_parse(text.begin(), text.end(), &errors);
  absl::string_view m = errors.message;
  if (const size_t tag = m.find("] ");
      !m.empty() && m.front() == '[' && tag != absl::string_view::npos) {
    m.remove_prefix(tag + 2);  // "[json.exception.parse_error.101] "
  }
  return std::string(m);
}

}  // namespace reachrank

#endif  // REACHRANK_BASE_JSON_DEPTH_H_
