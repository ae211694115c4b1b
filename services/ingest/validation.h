// validation: the ingest API's input rules as pure functions on the v1
// messages. Each broken rule is INVALID_ARGUMENT whose message is
// "<field path>: <rule>", e.g. "posts[3].platform: must match
// [a-z0-9_]{1,32}"; the first broken rule of an item is reported.
// Rules (see protos/reachrank/v1/common.proto):
//   ids            1-128 printable ASCII bytes (0x21-0x7E)
//   platform       [a-z0-9_]{1,32}
//   text           valid UTF-8, at most 16 KiB
//   timestamps     2000-01-01T00:00:00Z .. now + 1 day
//   enums          a specified (non-zero, known) value
//   counts         watch_ms 0..10^12, count <= 1,000,000, followers 0..10^10
//   batches        1..10,000 items (more: RESOURCE_EXHAUSTED)
#ifndef REACHRANK_SERVICES_INGEST_VALIDATION_H_
#define REACHRANK_SERVICES_INGEST_VALIDATION_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "reachrank/v1/common.pb.h"

namespace reachrank::ingest {

inline constexpr size_t kMaxIdBytes = 128;
inline constexpr size_t kMaxTextBytes = 16 * 1024;
inline constexpr size_t kMaxLanguageBytes = 35;
inline constexpr size_t kMaxHashtags = 64;
inline constexpr size_t kMaxBatchItems = 10'000;
inline constexpr uint32_t kMaxEventCount = 1'000'000;
inline constexpr int64_t kMaxWatchMs = 1'000'000'000'000;
inline constexpr int64_t kMaxAudience = 10'000'000'000;
inline constexpr double kMaxDurationSeconds = 86'400;

// Validates one item. `path` prefixes field names in the message ("" for
// item-relative names such as "platform"; "posts[3]" gives
// "posts[3].platform"). `now` bounds timestamps (now + 1 day).
absl::Status ValidatePost(const v1::Post& post, absl::Time now,
                          absl::string_view path = "");
absl::Status ValidateAuthor(const v1::Author& author, absl::Time now,
                            absl::string_view path = "");
absl::Status ValidateEvent(const v1::EngagementEvent& event, absl::Time now,
                           absl::string_view path = "");
// An author named for deletion: platform and author_id as in Author.
absl::Status ValidateAuthorRef(const v1::AuthorRef& ref,
                               absl::string_view path = "");

// The timestamps the service takes: from 2000-01-01T00:00:00Z to now + 1
// day (a clock a little ahead is tolerated).
absl::Time EarliestTimestamp();
absl::Time LatestTimestamp(absl::Time now);

// An id field (post_id, author_id, event_id) on its own, e.g. a lookup key.
absl::Status ValidateId(absl::string_view id, absl::string_view field);

// A batch of `size` items in repeated field `field`: INVALID_ARGUMENT when
// empty, RESOURCE_EXHAUSTED when over kMaxBatchItems.
absl::Status ValidateBatchSize(size_t size, absl::string_view field);

// A field rule broken, split back out of a validation status.
struct Violation {
  std::string field;  // e.g. "platform" or "hashtags[2]"
  std::string rule;   // e.g. "must match [a-z0-9_]{1,32}"
};
// nullptr when `language` follows the Post rule (at most 35 bytes of
// [A-Za-z0-9-]; empty is allowed), else that rule's text.
const char* LanguageRule(absl::string_view language);

// nullptr when `seconds` is a valid duration for media `kind`: 0 ..
// 86,400, and 0 unless the media is a video (the API's rule; the feature
// extractor reads a duration as a video's length), else that rule's text.
const char* DurationRule(double seconds, v1::MediaKind kind);

// Splits "<field>: <rule>" at the first ": " outside double quotes (a
// quoted map key may hold one); the whole message is the rule when there
// is no field part.
Violation ToViolation(const absl::Status& status);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF).
bool IsValidUtf8(absl::string_view text);

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_VALIDATION_H_
