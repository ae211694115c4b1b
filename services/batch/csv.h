// csv: the small CSV dialect of batch scoring. One record per line (a
// quoted field may hold commas and doubled quotes, not line breaks), comma
// separated, fields optionally in double quotes (RFC 4180 quoting).
#ifndef REACHRANK_SERVICES_BATCH_CSV_H_
#define REACHRANK_SERVICES_BATCH_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace reachrank::batch {

// Splits one CSV line (without its line break; a trailing '\r' is
// ignored) into fields. INVALID_ARGUMENT for an unterminated quote or
// text after a closing quote.
absl::StatusOr<std::vector<std::string>> SplitCsvLine(absl::string_view line);

// `field` quoted when it holds a comma, a quote or leading/trailing space;
// line breaks become spaces so that every record stays on one line, and
// bytes that are not UTF-8 (echoed from a bad input line) U+FFFD.
std::string CsvField(absl::string_view field);

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_CSV_H_
