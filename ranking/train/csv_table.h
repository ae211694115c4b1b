// Plain numeric feature tables in CSV, as exported from a warehouse:
//
//   n_tokens, num_hrefs, shares      <- header: column names (whitespace
//   219,4,593                           around a name or cell is ignored)
//   255,,711                         <- an empty cell is a missing value
//
// Every cell is a decimal number or empty. Cells are split at every comma
// (quoted commas are not supported); a cell wrapped in double quotes has
// them removed. Blank lines are skipped; CRLF line ends are accepted.
#ifndef REACHRANK_RANKING_TRAIN_CSV_TABLE_H_
#define REACHRANK_RANKING_TRAIN_CSV_TABLE_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace reachrank::ranking {

// A parsed table. A plain value type.
struct CsvTable {
  std::vector<std::string> columns;  // unique, non-empty, trimmed
  std::vector<double> cells;         // row-major; NaN = missing
  std::vector<int> lines;            // 1-based source line of each row

  size_t num_columns() const { return columns.size(); }
  size_t num_rows() const { return lines.size(); }
  double at(size_t row, size_t column) const {
    return cells[row * num_columns() + column];
  }
  // The index of the column named `name`, if there is one.
  std::optional<size_t> Find(absl::string_view name) const;
};

// Checks a table's column names (CsvTable::columns) before its rows are read.
using CsvHeaderCheck =
    std::function<absl::Status(const std::vector<std::string>& columns)>;

// Parses CSV text. `source` names it in errors, which are INVALID_ARGUMENT
// of the form "<source>:<line>: column '<name>' (<n>): '<cell>' is not a
// number" (n is 1-based); also for a missing or bad header (empty or
// repeated names) and for a row with the wrong number of cells.
// `check_header`, when given, sees the column names before any row is
// parsed; its error, prefixed with "<source>: ", ends the parse, so a
// misspelt column name is reported before a bad cell further down.
absl::StatusOr<CsvTable> ParseCsvTable(
    absl::string_view text, absl::string_view source,
    const CsvHeaderCheck& check_header = nullptr);

// Reads and parses the file at `path` (errors name the path). NOT_FOUND if
// it cannot be opened.
absl::StatusOr<CsvTable> ReadCsvTable(
    const std::string& path, const CsvHeaderCheck& check_header = nullptr);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_CSV_TABLE_H_
