// draft_input: reading drafts to score from JSONL or CSV, one record per
// line. A line that cannot become a valid Draft yields an error with its
// line number instead of stopping the read.
//
// JSONL: one v1::Draft per line in the API's JSON mapping (protobuf's
// JsonStringToMessage; snake_case and lowerCamel names both accepted,
// unknown fields rejected). Lines of the common shape are read by a direct
// reader (draft_json.h) that yields the same Draft as JsonStringToMessage;
// every other line, and every line with an error, goes through protobuf,
// so what is accepted and the error messages are protobuf's.
// CSV: a header line naming Draft fields (draft_id, platform, author_id,
// text, language, media_kind, duration_seconds, hashtags, planned_at; the
// lowerCamel spellings too), then one draft per line. media_kind is an enum
// name with or without its prefix, any case ("VIDEO", "media_kind_video");
// hashtags are separated by '|' or spaces, a leading '#' is dropped;
// planned_at is RFC 3339; empty cells leave the field unset.
// Blank lines are no records: they are skipped and produce no output.
#ifndef REACHRANK_SERVICES_BATCH_DRAFT_INPUT_H_
#define REACHRANK_SERVICES_BATCH_DRAFT_INPUT_H_

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reachrank/v1/common.pb.h"
#include "services/batch/draft_json.h"

namespace reachrank::batch {

enum class InputFormat { kJsonl, kCsv };

// "jsonl" or "csv" from a file name's extension (".csv" -> CSV, anything
// else JSONL).
InputFormat InputFormatFromPath(absl::string_view path);

// One record: a non-blank line and its 1-based line number.
// The longest record line read; longer ones are refused (no valid draft or
// author line comes near it, and `admin export-history` splits a post's
// counts over lines below it), so memory does not grow with a file that
// has no line breaks.
inline constexpr size_t kMaxInputLineBytes = 1 << 20;

struct InputLine {
  int64_t line = 0;
  std::string text;
  // INVALID_ARGUMENT when the line was longer than kMaxInputLineBytes
  // (`text` then holds only its start); the record is refused by line.
  absl::Status status;
};

// A parsed record: `status` OK and a valid `draft`, or the reason it was
// rejected, with `draft.draft_id()` set as far as it could be read.
struct ParsedDraft {
  absl::Status status;
  v1::Draft draft;
};

// The API's rules for one draft, the rank service's own (rank::ValidateDraft,
// with `now` for planned_at): draft_id 1-128 printable ASCII; platform
// [a-z0-9_]{1,32}; author_id empty or like draft_id; text valid UTF-8 of at
// most 16 KiB; language like a Post's; media_kind specified; duration
// 0..86,400 s; at most 64 hashtags of 1-128 bytes; planned_at from 2000 to
// now + 1 day. INVALID_ARGUMENT "<field>: <rule>".
absl::Status ValidateDraft(const v1::Draft& draft, absl::Time now);

// Turns record lines into drafts. Immutable after Create; thread-safe.
class DraftParser {
 public:
  // For CSV, `csv_header` is the header line: INVALID_ARGUMENT when it
  // names an unknown or repeated column or lacks draft_id.
  static absl::StatusOr<DraftParser> Create(InputFormat format,
                                            absl::string_view csv_header = "");
  // Parses and validates one record line.
  ParsedDraft Parse(absl::string_view line) const;

  using Column = DraftField;  // the Draft field a CSV column holds

 private:
  DraftParser(InputFormat format, std::vector<Column> columns)
      : format_(format), columns_(std::move(columns)) {}
  ParsedDraft ParseCsv(absl::string_view line) const;

  InputFormat format_;
  std::vector<Column> columns_;  // CSV only, in header order
};

// Reads record lines from a stream, numbering physical lines from 1. A
// UTF-8 byte order mark before the first line (spreadsheet exports) is
// dropped. Not thread-safe; `in` must outlive the reader.
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}
  // The next non-blank line; false at the end of the input.
  bool Next(InputLine* out);
  // Reads and drops up to `records` records; returns how many were there.
  int64_t Skip(int64_t records);
  // INTERNAL when the stream failed other than by reaching its end (a
  // read error, or a directory given as the input), with the reason.
  absl::Status status() const;

 private:
  // One physical line into `out` (without its '\n'), at most
  // kMaxInputLineBytes of it; false at the end of the input.
  bool ReadLine(InputLine* out);

  std::istream& in_;
  int64_t line_ = 0;
  std::string read_error_;  // why the last read failed; "" if none did
};

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_DRAFT_INPUT_H_
