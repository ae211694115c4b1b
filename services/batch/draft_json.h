// draft_json: a direct reader for the common shape of a JSONL draft line,
// so that `reachrank score` does not pay protobuf's JsonStringToMessage
// (a generic converter driven by a type resolver) for every draft.
//
// The contract: JsonStringToMessage (unknown fields rejected) is the
// definition of a JSONL draft, and this reader is only a shortcut to it.
// ParseDraftJsonFast either declines (returns false), and the caller must
// then use JsonStringToMessage, or it returns true with exactly the Draft
// that JsonStringToMessage makes of the same line. It never reports an
// error of its own, so rejected lines and their messages always come from
// protobuf. draft_input_fuzzer checks the equality on every input the
// reader accepts.
//
// Accepted: one JSON object, with JSON whitespace (space, tab, CR, LF)
// around tokens and nothing after it, whose keys are Draft field names in
// snake_case or lowerCamel without escapes, each field at most once, with
//   - string fields: JSON strings with the standard escapes (\" \\ \/ \b
//     \f \n \r \t, \uXXXX, surrogate pairs combined), no raw control
//     characters, well-formed UTF-8;
//   - media_kind: a string naming a MediaKind value exactly;
//   - duration_seconds: a JSON number in strict JSON syntax (integers of at
//     most 15 digits, converted as protobuf converts integers, so "-0" is
//     +0; others through strtod, finite only);
//   - hashtags: an array of such strings;
//   - planned_at: "YYYY-MM-DDTHH:MM:SS[.f]Z" or with a "+HH:MM"/"-HH:MM"
//     offset, years 1000-9998, 1-9 fraction digits, a valid date.
// Declined (left to protobuf): null values, numbers for strings or enums,
// strings for numbers, enum numbers, duplicate or unknown keys, other
// escapes, invalid UTF-8, single quotes, bare keys, trailing commas...
#ifndef REACHRANK_SERVICES_BATCH_DRAFT_JSON_H_
#define REACHRANK_SERVICES_BATCH_DRAFT_JSON_H_

#include "absl/strings/string_view.h"
#include "reachrank/v1/common.pb.h"

namespace reachrank::batch {

// The fields of a v1::Draft that a record sets, for this reader's keys and
// the CSV reader's columns alike (draft_input.h).
enum class DraftField {
  kDraftId,
  kPlatform,
  kAuthorId,
  kText,
  kLanguage,
  kMediaKind,
  kDurationSeconds,
  kHashtags,
  kPlannedAt,
};

// Parses `line` into `*draft` (which must be empty) when the line has the
// shape above; false otherwise, leaving `*draft` in an unspecified state.
bool ParseDraftJsonFast(absl::string_view line, v1::Draft* draft);

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_DRAFT_JSON_H_
