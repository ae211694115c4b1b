// The index entry and counter rows a stored post contributes (internal to
// storage/): PutPosts and SetClassification subtract a post's old
// contribution and add its new one, so re-upserts net to zero and a
// reclassification moves the post, with its engagement, between topics.
#ifndef REACHRANK_STORAGE_POST_ROWS_H_
#define REACHRANK_STORAGE_POST_ROWS_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "storage/counters.h"
#include "storage/records.pb.h"
#include "storage/store.h"

namespace reachrank::storage {

// Counter deltas keyed by row key. Not thread-safe (a value type).
struct PostDeltas {
  absl::flat_hash_map<std::string, Counters> author_days;
  absl::flat_hash_map<std::string, Counters> topic_days;
};

// Unix milliseconds of the post's created_at.
int64_t CreatedMs(const PostRecord& record);

// The record's top topic; empty while unclassified.
absl::string_view TopTopicOf(const PostRecord& record);

// author_posts key of the record.
std::string AuthorPostKeyOf(const PostRecord& record);
// author_posts value: the top topic, empty while unclassified.
std::string AuthorPostValueOf(const PostRecord& record);

// True when two versions of a post count their engagement in the same day
// rows: same platform, author and top topic (or both unclassified).
bool SameEngagementRows(const PostRecord& a, const PostRecord& b);

// Adds `sign` (+1 or -1) times the record's counters:
//   author day row of its creation day: kPostsPublished;
//   when classified, topic day rows of its creation day: kPostsPublished in
//   the top topic's row, kPostsClassified in the row of every listed topic.
void AddPostRows(const PostRecord& record, int64_t sign, PostDeltas* deltas);

// Adds `sign` times the post's engagement `hours` (its hourly counters) to
// the day rows of its author and of its top topic (none while it is
// unclassified), each hour in the row of its day. Author and topic day
// rows count the engagement of the posts that are the author's and the
// topic's now (schema version 2), so a post that changes top topic (or
// author) takes its engagement along.
void AddPostEngagement(const PostRecord& record,
                       absl::Span<const HourCounters> hours, int64_t sign,
                       PostDeltas* deltas);

// Adds what the post contributes to the author and topic day rows, its
// supply (AddPostRows) and its engagement `hours`: the rows of a
// consistent version 2 database are the sum of these over its posts.
void AddPostShare(const PostRecord& record,
                  absl::Span<const HourCounters> hours, PostDeltas* deltas);

}  // namespace reachrank::storage

#endif  // REACHRANK_STORAGE_POST_ROWS_H_
