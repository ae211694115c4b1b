#include "storage/author_rows_walk.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "base/status_macros.h"
#include "storage/keys.h"
#include "storage/post_rows.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {
namespace {

using Handles = std::vector<rocksdb::ColumnFamilyHandle*>;
using Rows = absl::flat_hash_map<std::string, Counters>;

// Index entries handed to hooks.posts at once (one MultiGet's worth).
constexpr size_t kChunk = 1024;

// Removes and returns `rows[key]`; empty when absent.
Counters Take(Rows& rows, absl::string_view key) {
  auto node = rows.extract(key);
  return node.empty() ? Counters() : std::move(node.mapped());
}

// One WalkAuthorRows. Not thread-safe.
class Walk {
 public:
  Walk(rocksdb::DB& db, const Handles& handles, Rows& expected,
       const AuthorRowsHooks& hooks)
      : db_(db), handles_(handles), expected_(expected), hooks_(hooks) {}

  // The author_posts entries in key order, one author at a time (in
  // chunks of kChunk), each author's day rows read after its last entry;
  // then the day rows of authors without entries.
  absl::Status Run() {
    rows_.reset(db_.NewIterator(rocksdb::ReadOptions(),
                                handles_[kCfAuthorDayCounters]));
    rows_->SeekToFirst();
    std::unique_ptr<rocksdb::Iterator> it(
        db_.NewIterator(rocksdb::ReadOptions(), handles_[kCfAuthorPosts]));
    std::string author;  // DayPrefix of the author being read
    std::vector<IndexEntry> chunk;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      keys::AuthorPostKeyParts parts;
      if (!keys::DecodeAuthorPostKey(ToView(it->key()), &parts)) {
        hooks_.malformed_entry();
        continue;
      }
      std::string prefix = keys::DayPrefix(parts.platform, parts.author_id);
      if (prefix != author || chunk.size() == kChunk) {
        RR_RETURN_IF_ERROR(Flush(chunk));
      }
      if (prefix != author) {
        if (!author.empty()) RR_RETURN_IF_ERROR(ReadRows(author));
        author = std::move(prefix);
      }
      chunk.push_back({it->key().ToString(), it->value().ToString(),
                       std::string(parts.post_id)});
    }
    RR_RETURN_IF_ERROR(FromRocks(it->status(), "read author_posts"));
    RR_RETURN_IF_ERROR(Flush(chunk));
    if (!author.empty()) RR_RETURN_IF_ERROR(ReadRows(author));
    return ReadRows("");
  }

 private:
  // Hands `chunk` to hooks.posts and empties it.
  absl::Status Flush(std::vector<IndexEntry>& chunk) {
    if (chunk.empty()) return absl::OkStatus();
    RR_RETURN_IF_ERROR(hooks_.posts(chunk));
    chunk.clear();
    return absl::OkStatus();
  }

  // Hands hooks.row the stored author day rows up to the end of `prefix`
  // (one author's DayPrefix; empty: to the end) with the expected ones,
  // then the expected rows none is stored for, and empties `expected_`.
  // Rows before `prefix` belong to authors without entries.
  absl::Status ReadRows(absl::string_view prefix) {
    rocksdb::Iterator& it = *rows_;
    for (; it.Valid(); it.Next()) {
      const absl::string_view key = ToView(it.key());
      if (!prefix.empty() && key > prefix && !absl::StartsWith(key, prefix)) {
        break;
      }
      RR_ASSIGN_OR_RETURN(
          Counters stored,
          ParseCounters(kCfNames[kCfAuthorDayCounters], ToView(it.value())));
      RR_RETURN_IF_ERROR(hooks_.row(key, &stored, Take(expected_, key)));
    }
    RR_RETURN_IF_ERROR(FromRocks(it.status(), "read author day rows"));
    for (const auto& [key, counters] : expected_) {
      if (counters.empty()) continue;
      RR_RETURN_IF_ERROR(hooks_.row(key, nullptr, counters));
    }
    expected_.clear();
    return absl::OkStatus();
  }

  rocksdb::DB& db_;
  const Handles& handles_;
  Rows& expected_;
  const AuthorRowsHooks& hooks_;
  // The author day rows, read in step with the index.
  std::unique_ptr<rocksdb::Iterator> rows_;
};

absl::StatusOr<int64_t> CountPosts(rocksdb::DB& db,
                                   rocksdb::ColumnFamilyHandle* posts) {
  std::unique_ptr<rocksdb::Iterator> it(
      db.NewIterator(rocksdb::ReadOptions(), posts));
  int64_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  RR_RETURN_IF_ERROR(FromRocks(it->status(), "read posts"));
  return n;
}

}  // namespace

absl::Status WalkAuthorRows(rocksdb::DB& db, const Handles& handles,
                            Rows& expected, const AuthorRowsHooks& hooks) {
  return Walk(db, handles, expected, hooks).Run();
}

absl::Status ForEachUnindexedPost(
    rocksdb::DB& db, const Handles& handles, int64_t indexed,
    absl::FunctionRef<absl::Status(const PostRecord&)> each) {
  RR_ASSIGN_OR_RETURN(int64_t stored, CountPosts(db, handles[kCfPosts]));
  if (stored == indexed) return absl::OkStatus();
  std::unique_ptr<rocksdb::Iterator> it(
      db.NewIterator(rocksdb::ReadOptions(), handles[kCfPosts]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    RR_ASSIGN_OR_RETURN(
        PostRecord record,
        ParsePostRecord(ToView(it->key()), ToView(it->value())));
    RR_ASSIGN_OR_RETURN(auto entry, MultiGetRaw(&db, handles[kCfAuthorPosts],
                                                {AuthorPostKeyOf(record)}));
    if (entry[0].has_value()) continue;
    RR_RETURN_IF_ERROR(each(record));
  }
  return FromRocks(it->status(), "read posts");
}

}  // namespace reachrank::storage
