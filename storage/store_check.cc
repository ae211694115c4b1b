// CheckConsistency: every derived row against what it is derived from.
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

constexpr size_t kMaxExamples = 10;

void Example(ConsistencyReport* report, std::string line) {
  if (report->examples.size() < kMaxExamples) {
    report->examples.push_back(std::move(line));
  }
}

Counters SumOf(absl::Span<const HourCounters> hours) {
  Counters sum;
  for (const HourCounters& hour : hours) sum.AddAll(hour.counters);
  return sum;
}

// "tiktok/food/day 19783" for a topic day key.
std::string RowName(absl::string_view key) {
  keys::DayKeyParts parts;
  if (!keys::DecodeDayKey(key, &parts)) return "<malformed key>";
  return absl::StrCat(parts.platform, "/", parts.owner, "/day ", parts.day);
}

// Compares a stored topic day row with what its posts make.
void CompareTopicRow(absl::string_view key, const Counters& stored,
                     const Counters& expected, ConsistencyReport* report) {
  Counters difference = stored;  // stored - expected, cell by cell
  for (const auto& [cell, value] : expected.cells()) {
    difference.Add(cell, -value);
  }
  if (difference.empty()) return;
  bool short_cell = false;
  for (const auto& [cell, value] : difference.cells()) {
    short_cell = short_cell || value < 0;
  }
  if (short_cell) {
    ++report->topic_rows_short;
    Example(report, absl::StrCat("topic row ", RowName(key),
                                 ": a count below what its posts make"));
  } else {
    ++report->topic_rows_over;
  }
}

}  // namespace

absl::StatusOr<ConsistencyReport> RocksStore::CheckConsistency(
    absl::FunctionRef<void(int64_t posts)> progress) {
  ConsistencyReport report;
  report.schema_version = schema_.version;
  PostDeltas expected;
  RR_RETURN_IF_ERROR(ForEachPostWithHours(
      *db_, handles_,
      [&](const PostRecord& record,
          absl::Span<const HourCounters> hours) -> absl::Status {
        const std::string& id = record.post().post_id();
        RR_ASSIGN_OR_RETURN(Counters totals, PostCounters(id));
        if (!(totals == SumOf(hours))) {
          ++report.totals_differ;
          Example(&report,
                  absl::StrCat("post ", id, ": totals differ from its hours"));
        }
        RR_ASSIGN_OR_RETURN(auto mark, MultiGetRaw(kCfPending, {id}));
        if (mark[0].has_value() == record.classified()) {
          ++report.pending_wrong;
          Example(&report, absl::StrCat("post ", id,
                                        record.classified()
                                            ? ": classified, marked pending"
                                            : ": pending, without its mark"));
        }
        AddTopicShare(record, hours, &expected);
        report.hour_rows += static_cast<int64_t>(hours.size());
        progress(++report.posts);
        return absl::OkStatus();
      }));
  RR_RETURN_IF_ERROR(CheckPendingMarks(&report));
  RR_RETURN_IF_ERROR(CheckTopicRows(std::move(expected.topic_days), &report));
  return report;
}

// Pending marks of posts that are gone (classified posts with a mark were
// found post by post).
absl::Status RocksStore::CheckPendingMarks(ConsistencyReport* report) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf(kCfPending)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string id = it->key().ToString();
    RR_ASSIGN_OR_RETURN(auto post, MultiGetRaw(kCfPosts, {id}));
    if (post[0].has_value()) continue;
    ++report->pending_wrong;
    Example(report,
            absl::StrCat("pending mark of post ", id, ": no such post"));
  }
  return FromRocks(it->status(), "read pending");
}

// Every stored topic day row against `expected` (taken apart on the way);
// a version 1 database's rows count differently and are only counted.
absl::Status RocksStore::CheckTopicRows(
    absl::flat_hash_map<std::string, Counters> expected,
    ConsistencyReport* report) {
  const bool compare = schema_.version == kSchemaVersion;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf(kCfTopicDayCounters)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report->topic_rows;
    if (!compare) continue;
    const std::string key = it->key().ToString();
    RR_ASSIGN_OR_RETURN(Counters stored,
                        ParseCounters("topic day row", ToView(it->value())));
    auto want = expected.find(key);
    CompareTopicRow(key, stored,
                    want == expected.end() ? Counters() : want->second, report);
    if (want != expected.end()) expected.erase(want);
  }
  RR_RETURN_IF_ERROR(FromRocks(it->status(), "read topic day rows"));
  for (const auto& [key, counters] : expected) {
    if (compare && !counters.empty()) {
      CompareTopicRow(key, Counters(), counters, report);
    }
  }
  return absl::OkStatus();
}

}  // namespace reachrank::storage
