// score_output: the lines `reachrank score` writes, one per input record.
//
// JSONL: a ReachScore in the API's JSON mapping (lowerCamel names; id,
// pReach, expectedStrangerImpressions, surfaceMix with keys in name order,
// topics and modelVersion always present; reasons when explained), or an
// error record {"line":N,"draft_id":"...","error":{"code":"INVALID_ARGUMENT",
// "message":"..."}}.
// CSV: a header, then line, id, p_reach, expected_stranger_impressions, one
// share_<surface> column per surface, top_topic, model_version, factors and
// reasons (the explained factors and their sentences, joined by " | "),
// error ("<CODE>: <message>", empty for a score).
// Numbers are printed in the shortest form that reads back to the same
// value, so equal scores give equal bytes.
// The JSONL lines are written directly (no JSON document is built), byte
// for byte as nlohmann's ordered_json wrote them before: UTF-8 as is,
// control characters escaped, invalid UTF-8 replaced by U+FFFD, numbers by
// nlohmann's shortest formatter ("6.0"), non-finite numbers as null.
#ifndef REACHRANK_SERVICES_BATCH_SCORE_OUTPUT_H_
#define REACHRANK_SERVICES_BATCH_SCORE_OUTPUT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reachrank/v1/common.pb.h"

namespace reachrank::batch {

enum class OutputFormat { kJsonl, kCsv };

// The outcome of one input record.
struct ScoredLine {
  int64_t line = 0;      // 1-based line number in the input
  std::string draft_id;  // as far as it could be read
  absl::StatusOr<v1::ReachScore> score;
};

// The header line of `format` with its '\n'; empty for JSONL.
std::string OutputHeader(OutputFormat format);

// Lines of the output before the first record (1 for CSV, 0 for JSONL).
int HeaderLines(OutputFormat format);

// Whether `line` (without its '\n'), a record AppendRecord wrote in
// `format`, is an error record.
bool IsErrorRecord(OutputFormat format, absl::string_view line);

// Appends the record's line, ending in '\n', to `out`.
void AppendRecord(OutputFormat format, const ScoredLine& record,
                  std::string* out);

// `value` in the shortest decimal form that parses back to it.
std::string ShortestDouble(double value);

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_SCORE_OUTPUT_H_
