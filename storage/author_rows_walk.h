// The author day rows read against the posts that make them, one author at
// a time (internal to storage/): the walk Store::CheckConsistency compares
// the rows with and the schema upgrade rewrites them with.
//
// The author_posts index and the author day rows both begin their keys
// with platform \0 author_id \0, so they sort alike: the walk reads an
// author's index entries, has their posts' share added to the expected
// rows, then reads the author's stored day rows in step. It holds one
// author's expected rows at a time, so memory does not grow with the
// number of posts or authors.
#ifndef REACHRANK_STORAGE_AUTHOR_ROWS_WALK_H_
#define REACHRANK_STORAGE_AUTHOR_ROWS_WALK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "rocksdb/db.h"
#include "storage/counters.h"
#include "storage/records.pb.h"

namespace reachrank::storage {

// One author_posts entry.
struct IndexEntry {
  std::string key;
  std::string value;  // the post's top topic
  std::string post_id;
};

// What the walk calls; each borrowed for the walk only.
struct AuthorRowsHooks {
  // Gets up to 1024 consecutive entries of one author, in key order, and
  // adds the share of the posts stored under them (AddPostShare) to the
  // walk's expected author rows. An entry whose key is not its post's
  // own is a stale one: its post is reached through its own entry.
  absl::FunctionRef<absl::Status(absl::Span<const IndexEntry> entries)> posts;
  // An author_posts key that does not decode; the walk goes on.
  absl::FunctionRef<void()> malformed_entry;
  // One author day row once its author's posts are read: `stored` is
  // nullptr when no row is stored, `expected` empty when no post makes
  // one. Called for an author's stored rows in key order, then for its
  // non-empty expected rows none is stored for.
  absl::FunctionRef<absl::Status(absl::string_view key, const Counters* stored,
                                 const Counters& expected)>
      row;
};

// Walks the author_posts index and the author day rows of `db` (`handles`:
// one per Cf) in step, as described above. `expected` is the map that
// hooks.posts adds the author rows to; the walk empties it after each
// author, and rows of authors without entries are expected empty. Stops
// at the first error of RocksDB, of a malformed stored row or of a hook.
absl::Status WalkAuthorRows(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
    absl::flat_hash_map<std::string, Counters>& expected,
    const AuthorRowsHooks& hooks);

// Calls `each` with every post of `db` whose author_posts entry is
// missing (a damaged index), which a walk did not reach. `indexed` is how
// many posts the walk reached through their own entries: when that is
// every stored post, the posts are only counted, not looked up.
absl::Status ForEachUnindexedPost(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
    int64_t indexed, absl::FunctionRef<absl::Status(const PostRecord&)> each);

}  // namespace reachrank::storage

#endif  // REACHRANK_STORAGE_AUTHOR_ROWS_WALK_H_
