// CheckConsistency: every derived row against what it is derived from.
//
// The posts are read author by author with the author day rows in step
// (WalkAuthorRows): the check holds one author's expected rows at a time,
// and the topic rows, which grow with platforms × topics × days but not
// with posts. Memory does not grow with the database.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/author_rows_walk.h"
#include "storage/keys.h"
#include "storage/post_rows.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {
namespace {

using Handles = std::vector<rocksdb::ColumnFamilyHandle*>;
using Rows = absl::flat_hash_map<std::string, Counters>;

constexpr size_t kMaxExamples = 10;

Counters SumOf(absl::Span<const HourCounters> hours) {
  Counters sum;
  for (const HourCounters& hour : hours) sum.AddAll(hour.counters);
  return sum;
}

// "tiktok/food/day 19783" for a day key (author or topic).
std::string RowName(absl::string_view key) {
  keys::DayKeyParts parts;
  if (!keys::DecodeDayKey(key, &parts)) return "<malformed key>";
  return absl::StrCat(parts.platform, "/", parts.owner, "/day ", parts.day);
}

// Removes and returns `rows[key]`; empty when absent.
Counters Take(Rows& rows, absl::string_view key) {
  auto node = rows.extract(key);
  return node.empty() ? Counters() : std::move(node.mapped());
}

// One pass of Store::CheckConsistency over a database. Not thread-safe.
class Checker {
 public:
  Checker(rocksdb::DB& db, const Handles& handles, int schema_version,
          absl::FunctionRef<void(int64_t)> progress)
      : db_(db), handles_(handles), progress_(progress) {
    report_.schema_version = schema_version;
  }

  absl::StatusOr<ConsistencyReport> Run() {
    RR_RETURN_IF_ERROR(
        WalkAuthorRows(db_, handles_, expected_.author_days,
                       {[this](absl::Span<const IndexEntry> entries) {
                          return CheckEntries(entries);
                        },
                        [this] { IndexFault("author index: a malformed key"); },
                        [this](absl::string_view key, const Counters* stored,
                               const Counters& expected) {
                          CheckAuthorRow(key, stored, expected);
                          return absl::OkStatus();
                        }}));
    RR_RETURN_IF_ERROR(FindUnindexedPosts());
    RR_RETURN_IF_ERROR(CheckPendingMarks());
    RR_RETURN_IF_ERROR(CheckTopicRows());
    return std::move(report_);
  }

 private:
  rocksdb::Iterator* NewIterator(Cf c) {
    return db_.NewIterator(rocksdb::ReadOptions(), handles_[c]);
  }
  absl::StatusOr<std::vector<std::optional<std::string>>> Get(
      Cf c, absl::Span<const std::string> keys) {
    return MultiGetRaw(&db_, handles_[c], keys);
  }

  void Example(std::string line) {
    if (report_.examples.size() < kMaxExamples) {
      report_.examples.push_back(std::move(line));
    }
  }

  // Checks the entries (one author's) and the posts stored under them. An
  // entry whose key is not its post's is a stale one: the post is checked
  // through its own entry.
  absl::Status CheckEntries(absl::Span<const IndexEntry> chunk) {
    std::vector<std::string> ids;
    for (const IndexEntry& entry : chunk) ids.push_back(entry.post_id);
    RR_ASSIGN_OR_RETURN(auto posts, Get(kCfPosts, ids));
    RR_ASSIGN_OR_RETURN(auto totals, Get(kCfPostCounters, ids));
    RR_ASSIGN_OR_RETURN(auto marks, Get(kCfPending, ids));
    for (size_t i = 0; i < chunk.size(); ++i) {
      const std::string& id = ids[i];
      if (!posts[i].has_value()) {
        IndexFault(
            absl::StrCat("author index entry of post ", id, ": no such post"));
        continue;
      }
      RR_ASSIGN_OR_RETURN(PostRecord record, ParsePostRecord(id, *posts[i]));
      if (AuthorPostKeyOf(record) != chunk[i].key) {
        IndexFault(absl::StrCat("author index entry of post ", id,
                                ": other author or time than the post's"));
        continue;
      }
      if (AuthorPostValueOf(record) != chunk[i].value) {
        IndexFault(absl::StrCat("author index entry of post ", id,
                                ": other top topic than the post's"));
      }
      RR_RETURN_IF_ERROR(CheckPost(record, totals[i], marks[i].has_value()));
    }
    return absl::OkStatus();
  }

  void IndexFault(std::string line) {
    ++report_.index_wrong;
    Example(std::move(line));
  }

  // The post's totals (`totals`, the stored value) and pending mark
  // (`marked`) against its hourly counters and classification; adds its
  // share to the expected rows.
  absl::Status CheckPost(const PostRecord& record,
                         const std::optional<std::string>& totals,
                         bool marked) {
    const std::string& id = record.post().post_id();
    RR_ASSIGN_OR_RETURN(std::vector<HourCounters> hours,
                        ReadPostHours(db_, handles_[kCfPostHourCounters], id));
    Counters stored;
    if (totals.has_value()) {
      RR_ASSIGN_OR_RETURN(
          stored, ParseCounters(absl::StrCat("post '", id, "'"), *totals));
    }
    if (!(stored == SumOf(hours))) {
      ++report_.totals_differ;
      Example(absl::StrCat("post ", id, ": totals differ from its hours"));
    }
    if (marked == record.classified()) {
      ++report_.pending_wrong;
      Example(absl::StrCat("post ", id,
                           record.classified()
                               ? ": classified, marked pending"
                               : ": pending, without its mark"));
    }
    AddPostShare(record, hours, &expected_);
    report_.hour_rows += static_cast<int64_t>(hours.size());
    progress_(++report_.posts);
    return absl::OkStatus();
  }

  // An author day row (`stored`: nullptr when none is) against what the
  // author's posts make.
  void CheckAuthorRow(absl::string_view key, const Counters* stored,
                      const Counters& expected) {
    if (stored != nullptr) ++report_.author_rows;
    CompareRow("author", key, stored != nullptr ? *stored : Counters(),
               expected, &report_.author_rows_differ, nullptr);
  }

  // A stored day row against what its posts make: a row with a cell below
  // counts in `short_rows`; one with cells only above in `over_rows` when
  // given (else in `short_rows` too).
  void CompareRow(const char* what, absl::string_view key,
                  const Counters& stored, const Counters& expected,
                  int64_t* short_rows, int64_t* over_rows) {
    Counters difference = stored;  // stored - expected, cell by cell
    for (const auto& [cell, value] : expected.cells()) {
      difference.Add(cell, -value);
    }
    if (difference.empty()) return;
    bool short_cell = false;
    for (const auto& [cell, value] : difference.cells()) {
      short_cell = short_cell || value < 0;
    }
    if (!short_cell && over_rows != nullptr) {
      ++*over_rows;
      return;
    }
    ++*short_rows;
    Example(absl::StrCat(what, " row ", RowName(key),
                         ": counts other than its posts make"));
  }

  // Posts without their author_posts entry (looked for only when the
  // walk reached fewer posts than the database holds). Their authors'
  // rows were compared without them; their topic share is added here.
  absl::Status FindUnindexedPosts() {
    RR_RETURN_IF_ERROR(ForEachUnindexedPost(
        db_, handles_, report_.posts, [this](const PostRecord& record) {
          const std::string& id = record.post().post_id();
          IndexFault(
              absl::StrCat("post ", id, ": missing from its author's index"));
          RR_ASSIGN_OR_RETURN(auto totals, Get(kCfPostCounters, {id}));
          RR_ASSIGN_OR_RETURN(auto mark, Get(kCfPending, {id}));
          return CheckPost(record, totals[0], mark[0].has_value());
        }));
    expected_.author_days.clear();
    return absl::OkStatus();
  }

  // Pending marks of posts that are gone (posts with a wrong mark were
  // found post by post).
  absl::Status CheckPendingMarks() {
    std::unique_ptr<rocksdb::Iterator> it(NewIterator(kCfPending));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string id = it->key().ToString();
      RR_ASSIGN_OR_RETURN(auto post, Get(kCfPosts, {id}));
      if (post[0].has_value()) continue;
      ++report_.pending_wrong;
      Example(absl::StrCat("pending mark of post ", id, ": no such post"));
    }
    return FromRocks(it->status(), "read pending");
  }

  // Every topic day row against the expected ones; a version 1 database's
  // rows count engagement differently and are only counted.
  absl::Status CheckTopicRows() {
    const bool compare = report_.schema_version == kSchemaVersion;
    std::unique_ptr<rocksdb::Iterator> it(NewIterator(kCfTopicDayCounters));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report_.topic_rows;
      if (!compare) continue;
      const absl::string_view key = ToView(it->key());
      RR_ASSIGN_OR_RETURN(
          Counters stored,
          ParseCounters(kCfNames[kCfTopicDayCounters], ToView(it->value())));
      CompareRow("topic", key, stored, Take(expected_.topic_days, key),
                 &report_.topic_rows_short, &report_.topic_rows_over);
    }
    RR_RETURN_IF_ERROR(FromRocks(it->status(), "read topic day rows"));
    for (const auto& [key, counters] : expected_.topic_days) {
      if (!compare || counters.empty()) continue;
      CompareRow("topic", key, Counters(), counters, &report_.topic_rows_short,
                 &report_.topic_rows_over);
    }
    return absl::OkStatus();
  }

  rocksdb::DB& db_;
  const Handles& handles_;
  const absl::FunctionRef<void(int64_t)> progress_;
  ConsistencyReport report_;
  // Author rows of the author being read; topic rows of all posts read.
  PostDeltas expected_;
};

}  // namespace

absl::StatusOr<ConsistencyReport> RocksStore::CheckConsistency(
    absl::FunctionRef<void(int64_t posts)> progress) {
  return Checker(*db_, handles_, schema_.version, progress).Run();
}

}  // namespace reachrank::storage
