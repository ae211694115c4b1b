// CheckConsistency: every derived row against what it is derived from.
//
// The walk goes author by author through the author_posts index and reads
// the author day rows in step (both families begin their keys with
// platform \0 author_id \0, so they sort alike): it holds one author's
// expected rows at a time, and the topic rows, which grow with platforms ×
// topics × days but not with posts. Memory does not grow with the
// database.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/keys.h"
#include "storage/post_rows.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {
namespace {

using Handles = std::vector<rocksdb::ColumnFamilyHandle*>;
using Rows = absl::flat_hash_map<std::string, Counters>;

constexpr size_t kMaxExamples = 10;
// Index entries whose posts are read with one MultiGet.
constexpr size_t kChunk = 1024;

// One author_posts entry.
struct IndexEntry {
  std::string key;
  std::string value;  // the post's top topic
  std::string post_id;
};

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
    author_rows_.reset(NewIterator(kCfAuthorDayCounters));
    author_rows_->SeekToFirst();
    RR_RETURN_IF_ERROR(WalkIndex());
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

  // The author_posts entries in key order, one author at a time (in
  // chunks of kChunk posts), each author's day rows compared after its
  // last entry; then the day rows of authors without entries.
  absl::Status WalkIndex() {
    std::unique_ptr<rocksdb::Iterator> it(NewIterator(kCfAuthorPosts));
    std::string author;  // DayPrefix of the author being read
    std::vector<IndexEntry> chunk;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      keys::AuthorPostKeyParts parts;
      if (!keys::DecodeAuthorPostKey(ToView(it->key()), &parts)) {
        ++report_.index_wrong;
        Example("author index: a malformed key");
        continue;
      }
      std::string prefix = keys::DayPrefix(parts.platform, parts.author_id);
      if (prefix != author || chunk.size() == kChunk) {
        RR_RETURN_IF_ERROR(CheckChunk(chunk));
      }
      if (prefix != author) {
        if (!author.empty()) RR_RETURN_IF_ERROR(CompareAuthorRows(author));
        author = std::move(prefix);
      }
      chunk.push_back({it->key().ToString(), it->value().ToString(),
                       std::string(parts.post_id)});
    }
    RR_RETURN_IF_ERROR(FromRocks(it->status(), "read author_posts"));
    RR_RETURN_IF_ERROR(CheckChunk(chunk));
    if (!author.empty()) RR_RETURN_IF_ERROR(CompareAuthorRows(author));
    return CompareAuthorRows("");
  }

  // Checks the posts of `chunk` (one author's) and empties it. An entry
  // whose key is not its post's is a stale one: the post is checked
  // through its own entry.
  absl::Status CheckChunk(std::vector<IndexEntry>& chunk) {
    if (chunk.empty()) return absl::OkStatus();
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
    chunk.clear();
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

  // Compares the author day rows up to the end of `prefix` (one author's
  // DayPrefix; empty: to the end) with the expected ones, which it
  // empties: rows before `prefix` belong to authors without posts.
  absl::Status CompareAuthorRows(absl::string_view prefix) {
    rocksdb::Iterator& it = *author_rows_;
    for (; it.Valid(); it.Next()) {
      const absl::string_view key = ToView(it.key());
      if (!prefix.empty() && key > prefix && !absl::StartsWith(key, prefix)) {
        break;
      }
      ++report_.author_rows;
      RR_ASSIGN_OR_RETURN(
          Counters stored,
          ParseCounters(kCfNames[kCfAuthorDayCounters], ToView(it.value())));
      CompareRow("author", key, stored, Take(expected_.author_days, key),
                 &report_.author_rows_differ, nullptr);
    }
    RR_RETURN_IF_ERROR(FromRocks(it.status(), "read author day rows"));
    for (const auto& [key, counters] : expected_.author_days) {
      if (counters.empty()) continue;
      CompareRow("author", key, Counters(), counters,
                 &report_.author_rows_differ, nullptr);
    }
    expected_.author_days.clear();
    return absl::OkStatus();
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

  // Posts without their author_posts entry, looked for only when the
  // walk reached fewer posts than the database holds. Their authors' rows
  // were compared without them; their topic share is added here.
  absl::Status FindUnindexedPosts() {
    RR_ASSIGN_OR_RETURN(int64_t stored, CountPosts());
    if (stored == report_.posts) return absl::OkStatus();
    std::unique_ptr<rocksdb::Iterator> it(NewIterator(kCfPosts));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string id = it->key().ToString();
      RR_ASSIGN_OR_RETURN(PostRecord record,
                          ParsePostRecord(id, ToView(it->value())));
      RR_ASSIGN_OR_RETURN(auto entry,
                          Get(kCfAuthorPosts, {AuthorPostKeyOf(record)}));
      if (entry[0].has_value()) continue;
      IndexFault(
          absl::StrCat("post ", id, ": missing from its author's index"));
      RR_ASSIGN_OR_RETURN(auto totals, Get(kCfPostCounters, {id}));
      RR_ASSIGN_OR_RETURN(auto mark, Get(kCfPending, {id}));
      RR_RETURN_IF_ERROR(CheckPost(record, totals[0], mark[0].has_value()));
    }
    expected_.author_days.clear();
    return FromRocks(it->status(), "read posts");
  }

  absl::StatusOr<int64_t> CountPosts() {
    std::unique_ptr<rocksdb::Iterator> it(NewIterator(kCfPosts));
    int64_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    RR_RETURN_IF_ERROR(FromRocks(it->status(), "read posts"));
    return n;
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
  // The author day rows, read in step with the index.
  std::unique_ptr<rocksdb::Iterator> author_rows_;
};

}  // namespace

absl::StatusOr<ConsistencyReport> RocksStore::CheckConsistency(
    absl::FunctionRef<void(int64_t posts)> progress) {
  return Checker(*db_, handles_, schema_.version, progress).Run();
}

}  // namespace reachrank::storage
