#include "ranking/train/csv_table.h"

#include <cmath>
#include <limits>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "base/utf8.h"
#include "ranking/model/file_util.h"

namespace reachrank::ranking {
namespace {

absl::Status LineError(absl::string_view source, int line,
                       absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ":", line, ": ", message));
}

// Trims whitespace, then one pair of enclosing double quotes.
absl::string_view CleanCell(absl::string_view cell) {
  cell = absl::StripAsciiWhitespace(cell);
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') {
    cell = absl::StripAsciiWhitespace(cell.substr(1, cell.size() - 2));
  }
  return cell;
}

absl::StatusOr<std::vector<std::string>> ParseHeader(absl::string_view line,
                                                     absl::string_view source,
                                                     int line_number) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (absl::string_view raw : absl::StrSplit(line, ',')) {
    std::string name(CleanCell(raw));
    if (name.empty()) {
      return LineError(
          source, line_number,
          absl::StrCat("header: column ", names.size() + 1, " has no name"));
    }
    if (!IsValidUtf8(name)) {  // names go into metadata.json
      return LineError(source, line_number,
                       absl::StrCat("header: column ", names.size() + 1,
                                    "'s name is not valid UTF-8"));
    }
    if (!seen.insert(name).second) {
      return LineError(
          source, line_number,
          absl::StrCat("header: column '", name, "' appears twice"));
    }
    names.push_back(std::move(name));
  }
  return names;
}

// Parses one data line's cells onto table->cells.
absl::Status ParseRow(absl::string_view line, absl::string_view source,
                      int line_number, CsvTable* table) {
  const std::vector<absl::string_view> cells = absl::StrSplit(line, ',');
  if (cells.size() != table->num_columns()) {
    return LineError(source, line_number,
                     absl::StrCat(cells.size(), " cells; the header has ",
                                  table->num_columns(), " columns"));
  }
  for (size_t c = 0; c < cells.size(); ++c) {
    const absl::string_view cell = CleanCell(cells[c]);
    double value = std::numeric_limits<double>::quiet_NaN();
    if (!cell.empty() &&
        (!absl::SimpleAtod(cell, &value) || !std::isfinite(value))) {
      return LineError(source, line_number,
                       absl::StrCat("column '", table->columns[c], "' (", c + 1,
                                    "): '", cell, "' is not a number"));
    }
    table->cells.push_back(value);
  }
  table->lines.push_back(line_number);
  return absl::OkStatus();
}

absl::Status CheckHeader(const CsvHeaderCheck& check,
                         const std::vector<std::string>& columns,
                         absl::string_view source) {
  if (check == nullptr) return absl::OkStatus();
  absl::Status status = check(columns);
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      absl::StrCat(source, ": ", status.message()));
}

}  // namespace

std::optional<size_t> CsvTable::Find(absl::string_view name) const {
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c] == name) return c;
  }
  return std::nullopt;
}

absl::StatusOr<CsvTable> ParseCsvTable(absl::string_view text,
                                       absl::string_view source,
                                       const CsvHeaderCheck& check_header) {
  CsvTable table;
  bool have_header = false;
  int line_number = 0;
  // A UTF-8 byte order mark, as spreadsheets write it, is not a name.
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    if (!have_header) {
      RR_ASSIGN_OR_RETURN(table.columns,
                          ParseHeader(line, source, line_number));
      have_header = true;
      RR_RETURN_IF_ERROR(CheckHeader(check_header, table.columns, source));
      continue;
    }
    RR_RETURN_IF_ERROR(ParseRow(line, source, line_number, &table));
  }
  if (!have_header) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no header row"));
  }
  return table;
}

absl::StatusOr<CsvTable> ReadCsvTable(const std::string& path,
                                      const CsvHeaderCheck& check_header) {
  RR_ASSIGN_OR_RETURN(std::string text, ReadModelFile(path));
  return ParseCsvTable(text, path, check_header);
}

}  // namespace reachrank::ranking
