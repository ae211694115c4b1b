// json_errors: protobuf's JSON parser names a bad value in its own terms
// ("(media_kind): invalid value "VIDEO" for type
// type.googleapis.com/reachrank.v1.MediaKind"). ReadableJsonError says
// the same in the terms of the input file: the field, the value and what
// it may be.
#ifndef REACHRANK_SERVICES_BATCH_JSON_ERRORS_H_
#define REACHRANK_SERVICES_BATCH_JSON_ERRORS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace reachrank::batch {

// For an "invalid value" error of JsonStringToMessage:
//   an enum    "media_kind: unknown value "VIDEO" (MEDIA_KIND_VIDEO, ...)"
//   a time     "planned_at: "yesterday" is not an RFC 3339 time (e.g.
//               2026-03-02T12:00:00Z)"
//   a number   "duration_seconds: "abc" is not a number"
//   a string   "platform: 123 is not a string" (a bool: "is not true or
//              false"; a time given as a number: "planned_at: 1700000000
//              is not a string with an RFC 3339 time (e.g. ...)")
// and for an object or a list where the field takes one value,
// "hashtags: an object, which this field cannot take" ("text: a list,
// where this field takes one value").
// Any other message is returned unchanged.
std::string ReadableJsonError(absl::string_view message);

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_JSON_ERRORS_H_
