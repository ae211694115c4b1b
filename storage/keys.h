// Key encoding of every column family (see store.h for the layout).
//
// Key parts (ids, platforms, topic ids) are 1..kMaxKeyPart bytes without a
// NUL byte, so NUL separates parts unambiguously. Signed numbers are stored
// big-endian with the sign bit flipped, so that byte order is numeric order.
// Decode functions accept exactly what the encoders produce and return
// false for anything else (their output is then unspecified); the views
// they return point into the key passed in.
#ifndef REACHRANK_STORAGE_KEYS_H_
#define REACHRANK_STORAGE_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace reachrank::storage::keys {

inline constexpr size_t kMaxKeyPart = 256;

// True when `part` may be used as a key part (1..kMaxKeyPart bytes, no NUL).
bool IsValidPart(absl::string_view part);

// Order-preserving fixed-width encodings of signed integers.
void AppendOrdered32(int32_t v, std::string* out);
void AppendOrdered64(int64_t v, std::string* out);

// posts, pending, post_counters, dedup: the id itself.
bool DecodeIdKey(absl::string_view key, absl::string_view* id);

// authors: platform \0 author_id.
std::string AuthorKey(absl::string_view platform, absl::string_view author_id);
struct AuthorKeyParts {
  absl::string_view platform;
  absl::string_view author_id;
};
bool DecodeAuthorKey(absl::string_view key, AuthorKeyParts* out);

// author_posts: platform \0 author_id \0 created_ms(8) post_id.
std::string AuthorPostPrefix(absl::string_view platform,
                             absl::string_view author_id);
std::string AuthorPostKey(absl::string_view platform,
                          absl::string_view author_id, int64_t created_ms,
                          absl::string_view post_id);
struct AuthorPostKeyParts {
  absl::string_view platform;
  absl::string_view author_id;
  int64_t created_ms = 0;
  absl::string_view post_id;
};
bool DecodeAuthorPostKey(absl::string_view key, AuthorPostKeyParts* out);

// post_hour_counters: post_id \0 hour(4), hours since the Unix epoch.
std::string PostHourPrefix(absl::string_view post_id);
std::string PostHourKey(absl::string_view post_id, int32_t hour);
struct PostHourKeyParts {
  absl::string_view post_id;
  int32_t hour = 0;
};
bool DecodePostHourKey(absl::string_view key, PostHourKeyParts* out);

// author_day_counters (owner = author_id) and topic_day_counters
// (owner = topic_id): platform \0 owner \0 day(4), days since the epoch.
std::string DayPrefix(absl::string_view platform, absl::string_view owner);
std::string DayKey(absl::string_view platform, absl::string_view owner,
                   int32_t day);
void AppendDayKey(absl::string_view platform, absl::string_view owner,
                  int32_t day, std::string* out);
struct DayKeyParts {
  absl::string_view platform;
  absl::string_view owner;
  int32_t day = 0;
};
bool DecodeDayKey(absl::string_view key, DayKeyParts* out);

// dedup values: first-seen time, Unix milliseconds (8 bytes).
std::string DedupValue(int64_t first_seen_ms);
bool DecodeDedupValue(absl::string_view value, int64_t* first_seen_ms);

// meta keys.
inline constexpr absl::string_view kSchemaVersionKey = "schema_version";

}  // namespace reachrank::storage::keys

#endif  // REACHRANK_STORAGE_KEYS_H_
