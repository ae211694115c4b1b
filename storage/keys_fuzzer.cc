// Fuzz target: every key and value decoder of the storage layer. Whatever a
// decoder accepts must encode back to the same bytes (decoding is
// canonical), and nothing may crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/counters.h"
#include "storage/keys.h"

namespace {

using namespace reachrank::storage;
using namespace reachrank::storage::keys;

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view in(reinterpret_cast<const char*>(data), size);

  Counters counters;
  if (Counters::Decode(in, &counters)) Check(counters.Encode() == in);

  AuthorKeyParts author;
  if (DecodeAuthorKey(in, &author)) {
    Check(AuthorKey(author.platform, author.author_id) == in);
  }
  AuthorPostKeyParts author_post;
  if (DecodeAuthorPostKey(in, &author_post)) {
    Check(AuthorPostKey(author_post.platform, author_post.author_id,
                        author_post.created_ms, author_post.post_id) == in);
  }
  PostHourKeyParts post_hour;
  if (DecodePostHourKey(in, &post_hour)) {
    Check(PostHourKey(post_hour.post_id, post_hour.hour) == in);
  }
  DayKeyParts day;
  if (DecodeDayKey(in, &day)) {
    Check(DayKey(day.platform, day.owner, day.day) == in);
  }
  absl::string_view id;
  DecodeIdKey(in, &id);
  int64_t first_seen_ms = 0;
  if (DecodeDedupValue(in, &first_seen_ms)) {
    Check(DedupValue(first_seen_ms) == in);
  }
  return 0;
}
