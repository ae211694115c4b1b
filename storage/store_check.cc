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

// "tiktok/food/day 19783" for a day key (author or topic).
std::string RowName(absl::string_view key) {
  keys::DayKeyParts parts;
  if (!keys::DecodeDayKey(key, &parts)) return "<malformed key>";
  return absl::StrCat(parts.platform, "/", parts.owner, "/day ", parts.day);
}

// Compares a stored day row with what its posts make.
void CompareRow(const DayRowCheck& check, absl::string_view key,
                const Counters& stored, const Counters& expected,
                ConsistencyReport* report) {
  Counters difference = stored;  // stored - expected, cell by cell
  for (const auto& [cell, value] : expected.cells()) {
    difference.Add(cell, -value);
  }
  if (difference.empty()) return;
  bool short_cell = false;
  for (const auto& [cell, value] : difference.cells()) {
    short_cell = short_cell || value < 0;
  }
  if (!short_cell && check.over_rows != nullptr) {
    ++*check.over_rows;
    return;
  }
  ++*check.short_rows;
  Example(report, absl::StrCat(check.what, " row ", RowName(key),
                               ": counts other than its posts make"));
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
        AddPostShare(record, hours, &expected);
        report.hour_rows += static_cast<int64_t>(hours.size());
        progress(++report.posts);
        return absl::OkStatus();
      }));
  RR_RETURN_IF_ERROR(CheckPendingMarks(&report));
  RR_RETURN_IF_ERROR(CheckDayRows(
      kCfAuthorDayCounters, std::move(expected.author_days), true,
      {"author", &report.author_rows, &report.author_rows_differ, nullptr},
      &report));
  // A version 1 database's topic rows count differently: only counted.
  RR_RETURN_IF_ERROR(
      CheckDayRows(kCfTopicDayCounters, std::move(expected.topic_days),
                   schema_.version == kSchemaVersion,
                   {"topic", &report.topic_rows, &report.topic_rows_short,
                    &report.topic_rows_over},
                   &report));
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

// Every stored day row of family `c` against `expected` (taken apart on
// the way), or, without `compare`, only counted.
absl::Status RocksStore::CheckDayRows(
    Cf c, absl::flat_hash_map<std::string, Counters> expected, bool compare,
    const DayRowCheck& check, ConsistencyReport* report) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf(c)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++*check.rows;
    if (!compare) continue;
    const std::string key = it->key().ToString();
    RR_ASSIGN_OR_RETURN(Counters stored,
                        ParseCounters(kCfNames[c], ToView(it->value())));
    auto want = expected.find(key);
    CompareRow(check, key, stored,
               want == expected.end() ? Counters() : want->second, report);
    if (want != expected.end()) expected.erase(want);
  }
  RR_RETURN_IF_ERROR(
      FromRocks(it->status(), absl::StrCat("read ", kCfNames[c])));
  for (const auto& [key, counters] : expected) {
    if (compare && !counters.empty()) {
      CompareRow(check, key, Counters(), counters, report);
    }
  }
  return absl::OkStatus();
}

}  // namespace reachrank::storage
