// The index entry and counter rows a stored post contributes (internal to
// storage/): PutPosts and SetClassification subtract a post's old
// contribution and add its new one, so re-upserts net to zero and a
// reclassification moves the post between topics.
#ifndef REACHRANK_STORAGE_POST_ROWS_H_
#define REACHRANK_STORAGE_POST_ROWS_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "storage/counters.h"
#include "storage/records.pb.h"

namespace reachrank::storage {

// Counter deltas keyed by row key. Not thread-safe (a value type).
struct PostDeltas {
  absl::flat_hash_map<std::string, Counters> author_days;
  absl::flat_hash_map<std::string, Counters> topic_days;
};

// Unix milliseconds of the post's created_at.
int64_t CreatedMs(const PostRecord& record);

// author_posts key of the record.
std::string AuthorPostKeyOf(const PostRecord& record);
// author_posts value: the top topic, empty while unclassified.
std::string AuthorPostValueOf(const PostRecord& record);

// Adds `sign` (+1 or -1) times the record's counters:
//   author day row of its creation day: kPostsPublished;
//   when classified, topic day rows of its creation day: kPostsPublished in
//   the top topic's row, kPostsClassified in the row of every listed topic.
void AddPostRows(const PostRecord& record, int64_t sign, PostDeltas* deltas);

}  // namespace reachrank::storage

#endif  // REACHRANK_STORAGE_POST_ROWS_H_
