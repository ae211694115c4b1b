// The schema upgrade run at a primary's open.
//
// Version 2 changed what the event cells of day rows count: version 1
// added an event to the rows of the post's author and top topic at the
// time of the event (no topic while the post was pending) and left it
// there; version 2 counts the engagement of the posts that are the
// author's, and whose top topic the topic is, now, so that a post given
// to another author or reclassified takes its engagement along. The
// upgrade recomputes every author and topic day row from the posts and
// their hourly counters. Topic rows (platforms × topics × days) are
// rebuilt in memory and rewritten whole. Author rows are compared with
// the author's posts one author at a time (WalkAuthorRows), and only
// those that differ are rewritten: memory does not grow with the posts or
// authors, and the write stays small. It all goes into one synced write
// that sets the schema version too, so a crash leaves version 1, and the
// next open recomputes the same rows from the same posts. A damaged
// author_posts index (entries missing, stale, of no post, or with another
// top topic) is mended in the same write.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "storage/author_rows_walk.h"
#include "storage/keys.h"
#include "storage/post_rows.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {
namespace {

using Handles = std::vector<rocksdb::ColumnFamilyHandle*>;

// One UpgradeToVersion2. Not thread-safe.
class Upgrade {
 public:
  Upgrade(rocksdb::DB& db, const Handles& handles,
          absl::FunctionRef<void(int64_t)> progress)
      : db_(db), handles_(handles), progress_(progress) {}

  absl::StatusOr<UpgradeCounts> Run() {
    RR_RETURN_IF_ERROR(
        WalkAuthorRows(db_, handles_, rows_.author_days,
                       {[this](absl::Span<const IndexEntry> entries) {
                          return AddIndexed(entries);
                        },
                        [] {},  // its post, if any, is found unindexed
                        [this](absl::string_view key, const Counters* stored,
                               const Counters& expected) {
                          StageAuthorRow(key, stored, expected);
                          return absl::OkStatus();
                        }}));
    RR_RETURN_IF_ERROR(AddUnindexed());
    RR_RETURN_IF_ERROR(StageTopicRows());
    batch_.Put(handles_[kCfMeta], std::string(keys::kSchemaVersionKey), "2")
        .PermitUncheckedError();
    rocksdb::WriteOptions sync;
    sync.sync = true;
    RR_RETURN_IF_ERROR(FromRocks(db_.Write(sync, batch_.GetWriteBatch()),
                                 "upgrade to schema version 2"));
    return counts_;
  }

 private:
  // Adds the share of the posts stored under `entries`; a stale entry's
  // post is added through its own entry. Mends the index on the way: an
  // entry of no post, or a stale one, is deleted, and one holding another
  // top topic than its post's is rewritten.
  absl::Status AddIndexed(absl::Span<const IndexEntry> entries) {
    std::vector<std::string> ids;
    for (const IndexEntry& entry : entries) ids.push_back(entry.post_id);
    RR_ASSIGN_OR_RETURN(auto posts, MultiGetRaw(&db_, handles_[kCfPosts], ids));
    for (size_t i = 0; i < entries.size(); ++i) {
      if (!posts[i].has_value()) {
        DeleteEntry(entries[i].key);
        continue;
      }
      RR_ASSIGN_OR_RETURN(PostRecord record,
                          ParsePostRecord(ids[i], *posts[i]));
      if (AuthorPostKeyOf(record) != entries[i].key) {
        DeleteEntry(entries[i].key);
        continue;
      }
      if (AuthorPostValueOf(record) != entries[i].value) PutEntry(record);
      RR_RETURN_IF_ERROR(AddPost(record));
    }
    return absl::OkStatus();
  }

  void DeleteEntry(absl::string_view key) {
    batch_.Delete(handles_[kCfAuthorPosts], ToSlice(key))
        .PermitUncheckedError();
    ++counts_.index_mended;
  }

  // Stages `record`'s own author_posts entry.
  void PutEntry(const PostRecord& record) {
    batch_
        .Put(handles_[kCfAuthorPosts], AuthorPostKeyOf(record),
             AuthorPostValueOf(record))
        .PermitUncheckedError();
    ++counts_.index_mended;
  }

  // Adds the post's share of the author and topic rows (with its hourly
  // counters, read here) to rows_.
  absl::Status AddPost(const PostRecord& record) {
    RR_ASSIGN_OR_RETURN(std::vector<HourCounters> hours,
                        ReadPostHours(db_, handles_[kCfPostHourCounters],
                                      record.post().post_id()));
    AddPostShare(record, hours, &rows_);
    if (!TopTopicOf(record).empty()) ++counts_.classified;
    progress_(++counts_.posts);
    return absl::OkStatus();
  }

  // Stages `expected` as the author day row `key` (a Delete when it is
  // empty) unless `stored` (nullptr: no row) already holds it.
  void StageAuthorRow(absl::string_view key, const Counters* stored,
                      const Counters& expected) {
    if (stored != nullptr ? *stored == expected : expected.empty()) return;
    PutOrDelete(key, expected);
  }

  void PutOrDelete(absl::string_view key, const Counters& row) {
    rocksdb::ColumnFamilyHandle* cf = handles_[kCfAuthorDayCounters];
    if (row.empty()) {
      batch_.Delete(cf, ToSlice(key)).PermitUncheckedError();
    } else {
      batch_.Put(cf, ToSlice(key), row.Encode()).PermitUncheckedError();
    }
  }

  // The posts the walk did not reach, as their author_posts entry is
  // missing (a damaged index; none in a database written by the store).
  // Their entry is written; their share goes to the topic rows, and on top
  // of the author rows as the walk left them (staged, else stored): a few
  // rows, read back here.
  absl::Status AddUnindexed() {
    RR_RETURN_IF_ERROR(ForEachUnindexedPost(db_, handles_, counts_.posts,
                                            [this](const PostRecord& record) {
                                              PutEntry(record);
                                              return AddPost(record);
                                            }));
    for (const auto& [key, share] : rows_.author_days) {
      RR_ASSIGN_OR_RETURN(Counters row, WalkedAuthorRow(key));
      row.AddAll(share);
      PutOrDelete(key, row);
    }
    rows_.author_days.clear();
    return absl::OkStatus();
  }

  // The author day row `key` as batch_ would leave it; empty when none.
  absl::StatusOr<Counters> WalkedAuthorRow(absl::string_view key) {
    std::string value;
    const rocksdb::Status s = batch_.GetFromBatchAndDB(
        &db_, rocksdb::ReadOptions(), handles_[kCfAuthorDayCounters],
        ToSlice(key), &value);
    if (s.IsNotFound()) return Counters();
    RR_RETURN_IF_ERROR(FromRocks(s, "read author day rows"));
    return ParseCounters(kCfNames[kCfAuthorDayCounters], value);
  }

  // Replaces every topic day row with the rebuilt ones.
  absl::Status StageTopicRows() {
    rocksdb::ColumnFamilyHandle* cf = handles_[kCfTopicDayCounters];
    std::unique_ptr<rocksdb::Iterator> it(
        db_.NewIterator(rocksdb::ReadOptions(), cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      batch_.Delete(cf, it->key()).PermitUncheckedError();
    }
    RR_RETURN_IF_ERROR(FromRocks(it->status(), "read topic day rows"));
    for (const auto& [key, counters] : rows_.topic_days) {
      if (counters.empty()) continue;
      batch_.Put(cf, key, counters.Encode()).PermitUncheckedError();
    }
    return absl::OkStatus();
  }

  rocksdb::DB& db_;
  const Handles& handles_;
  const absl::FunctionRef<void(int64_t)> progress_;
  UpgradeCounts counts_;
  // Author rows of the author being read (then of the unindexed posts);
  // topic rows of all posts read.
  PostDeltas rows_;
  // Indexed so that AddUnindexed can read back what the walk staged.
  rocksdb::WriteBatchWithIndex batch_;
};

}  // namespace

absl::StatusOr<UpgradeCounts> UpgradeToVersion2(
    rocksdb::DB& db, const Handles& handles,
    absl::FunctionRef<void(int64_t posts)> progress) {
  return Upgrade(db, handles, progress).Run();
}

}  // namespace reachrank::storage
