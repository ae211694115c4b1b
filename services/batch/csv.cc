#include "services/batch/csv.h"

#include "absl/strings/str_cat.h"
#include "base/utf8.h"

namespace reachrank::batch {

absl::StatusOr<std::vector<std::string>> SplitCsvLine(absl::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string> fields(1);
  size_t i = 0;
  while (i <= line.size()) {
    std::string& field = fields.back();
    if (i < line.size() && line[i] == '"') {
      // Quoted field: up to the closing quote, "" stands for one quote.
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= line.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat("column ", fields.size(), ": unterminated quote"));
        }
        if (line[j] != '"') {
          field.push_back(line[j]);
        } else if (j + 1 < line.size() && line[j + 1] == '"') {
          field.push_back('"');
          ++j;
        } else {
          break;
        }
      }
      i = j + 1;
      if (i < line.size() && line[i] != ',') {
        return absl::InvalidArgumentError(absl::StrCat(
            "column ", fields.size(), ": text after a closing quote"));
      }
    } else {
      const size_t comma = std::min(line.find(',', i), line.size());
      field.assign(line.data() + i, comma - i);
      i = comma;
    }
    if (i >= line.size()) break;
    fields.emplace_back();  // line[i] is a comma
    ++i;
    if (i == line.size()) break;  // a trailing empty field
  }
  return fields;
}

std::string CsvField(absl::string_view field) {
  std::string text = WithValidUtf8(field);
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  const bool quote =
      text.find_first_of(",\"") != std::string::npos ||
      (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace reachrank::batch
