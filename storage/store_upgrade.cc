// Whole-database scans: the schema upgrade run at a primary's open.
//
// Version 2 changed what a topic day row's event cells count: version 1
// added an event to the row of the post's top topic at the time of the
// event (nothing while the post was pending) and left it there; version 2
// counts the engagement of the posts whose top topic the topic is now, so
// that a reclassified post takes its engagement along. The upgrade
// recomputes every topic day row from the posts and their hourly counters.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/keys.h"
#include "storage/post_rows.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {
namespace {

using Handles = std::vector<rocksdb::ColumnFamilyHandle*>;

// Every topic day row the posts of the database make, and how many
// classified posts went into them.
absl::StatusOr<std::pair<absl::flat_hash_map<std::string, Counters>, int64_t>>
RebuildTopicRows(rocksdb::DB& db, const Handles& handles,
                 absl::FunctionRef<void(int64_t)> progress) {
  PostDeltas deltas;
  int64_t read = 0;
  int64_t classified = 0;
  RR_RETURN_IF_ERROR(ForEachPostWithHours(
      db, handles,
      [&](const PostRecord& record, absl::Span<const HourCounters> hours) {
        progress(++read);
        if (TopTopicOf(record).empty()) return absl::OkStatus();
        AddPostShare(record, hours, &deltas);
        deltas.author_days.clear();  // author rows are not rebuilt
        ++classified;
        return absl::OkStatus();
      }));
  return std::make_pair(std::move(deltas.topic_days), classified);
}

}  // namespace

absl::Status ForEachPostWithHours(
    rocksdb::DB& db, const Handles& handles,
    absl::FunctionRef<absl::Status(const PostRecord& record,
                                   absl::Span<const HourCounters> hours)>
        each) {
  std::unique_ptr<rocksdb::Iterator> it(
      db.NewIterator(rocksdb::ReadOptions(), handles[kCfPosts]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    RR_ASSIGN_OR_RETURN(
        PostRecord record,
        ParsePostRecord(ToView(it->key()), ToView(it->value())));
    RR_ASSIGN_OR_RETURN(std::vector<HourCounters> hours,
                        ReadPostHours(db, handles[kCfPostHourCounters],
                                      record.post().post_id()));
    RR_RETURN_IF_ERROR(each(record, hours));
  }
  return FromRocks(it->status(), "read posts");
}

absl::StatusOr<int64_t> UpgradeToVersion2(
    rocksdb::DB& db, const Handles& handles,
    absl::FunctionRef<void(int64_t posts)> progress) {
  RR_ASSIGN_OR_RETURN(auto rebuilt, RebuildTopicRows(db, handles, progress));
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(
      db.NewIterator(rocksdb::ReadOptions(), handles[kCfTopicDayCounters]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    batch.Delete(handles[kCfTopicDayCounters], it->key())
        .PermitUncheckedError();
  }
  RR_RETURN_IF_ERROR(FromRocks(it->status(), "read topic day rows"));
  for (const auto& [key, counters] : rebuilt.first) {
    if (counters.empty()) continue;
    batch.Put(handles[kCfTopicDayCounters], key, counters.Encode())
        .PermitUncheckedError();
  }
  batch.Put(handles[kCfMeta], std::string(keys::kSchemaVersionKey), "2")
      .PermitUncheckedError();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  RR_RETURN_IF_ERROR(
      FromRocks(db.Write(sync, &batch), "upgrade to schema version 2"));
  return rebuilt.second;
}

}  // namespace reachrank::storage
