// Counter reads: post totals, hourly as-of sums, day rows.
#include <algorithm>
#include <memory>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {

absl::StatusOr<Counters> RocksStore::PostCounters(absl::string_view post_id) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kCfPostCounters),
                               ToSlice(post_id), &value);
  if (s.IsNotFound()) return Counters();
  RR_RETURN_IF_ERROR(FromRocks(s, "read post counters"));
  return ParseCounters(absl::StrCat("post '", post_id, "'"), ToView(value));
}

absl::StatusOr<std::vector<Counters>> RocksStore::MultiGetPostCounters(
    absl::Span<const std::string> post_ids) {
  RR_ASSIGN_OR_RETURN(auto values, MultiGetRaw(kCfPostCounters, post_ids));
  std::vector<Counters> out(post_ids.size());
  for (size_t i = 0; i < post_ids.size(); ++i) {
    if (!values[i].has_value()) continue;
    RR_ASSIGN_OR_RETURN(
        out[i],
        ParseCounters(absl::StrCat("post '", post_ids[i], "'"), *values[i]));
  }
  return out;
}

namespace {

// Calls `each` with every hourly bucket of `post_id` whose hour is below
// `end_hour`, ascending; stops at its first error.
absl::Status ForEachPostHour(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* hours,
    absl::string_view post_id, int32_t end_hour,
    absl::FunctionRef<absl::Status(int32_t hour, Counters counters)> each) {
  const std::string lower_key = keys::PostHourPrefix(post_id);
  const std::string upper_key = keys::PostHourKey(post_id, end_hour);
  rocksdb::Slice lower(lower_key), upper(upper_key);
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower;
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(read, hours));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    keys::PostHourKeyParts parts;
    if (!keys::DecodePostHourKey(ToView(it->key()), &parts)) {
      return absl::DataLossError(
          absl::StrCat("post '", post_id, "': malformed hour key"));
    }
    RR_ASSIGN_OR_RETURN(Counters counters,
                        ParseCounters(absl::StrCat("post '", post_id, "' hour"),
                                      ToView(it->value())));
    RR_RETURN_IF_ERROR(each(parts.hour, std::move(counters)));
  }
  return FromRocks(it->status(), "read post hours");
}

}  // namespace

absl::StatusOr<std::vector<HourCounters>> ReadPostHours(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* hours,
    absl::string_view post_id) {
  std::vector<HourCounters> out;
  RR_RETURN_IF_ERROR(ForEachPostHour(
      db, hours, post_id, INT32_MAX, [&out](int32_t hour, Counters counters) {
        out.push_back({hour, std::move(counters)});
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<Counters> RocksStore::PostCountersAsOf(absl::string_view post_id,
                                                      absl::Time as_of) {
  // Hours [.., end_hour) start before as_of: end_hour = ceil(as_of / 1h).
  const int64_t end_hour = std::clamp<int64_t>(
      absl::ToInt64Hours(absl::Ceil(as_of - absl::UnixEpoch(), absl::Hours(1))),
      INT32_MIN, INT32_MAX);
  Counters sum;
  RR_RETURN_IF_ERROR(ForEachPostHour(
      *db_, cf(kCfPostHourCounters), post_id, static_cast<int32_t>(end_hour),
      [&sum](int32_t, Counters hour) {
        sum.AddAll(hour);
        return absl::OkStatus();
      }));
  return sum;
}

absl::StatusOr<std::vector<HourCounters>> RocksStore::PostHours(
    absl::string_view post_id) {
  return ReadPostHours(*db_, cf(kCfPostHourCounters), post_id);
}

absl::StatusOr<std::vector<DayCounters>> RocksStore::ReadDays(
    Cf c, absl::string_view platform, absl::string_view owner,
    int32_t first_day, int32_t last_day) {
  std::vector<DayCounters> out;
  if (first_day > last_day) return out;
  const std::string lower_key = keys::DayKey(platform, owner, first_day);
  std::string upper_key = keys::DayPrefix(platform, owner);
  if (last_day == INT32_MAX) {
    upper_key.back() = '\x01';  // just past every day of this owner
  } else {
    keys::AppendOrdered32(last_day + 1, &upper_key);
  }
  rocksdb::Slice lower(lower_key), upper(upper_key);
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower;
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, cf(c)));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    keys::DayKeyParts parts;
    const rocksdb::Slice key = it->key();
    if (!keys::DecodeDayKey(ToView(key), &parts)) {
      return absl::DataLossError(
          absl::StrCat("malformed ", kCfNames[c], " key"));
    }
    DayCounters row;
    row.day = parts.day;
    RR_ASSIGN_OR_RETURN(
        row.counters,
        ParseCounters(absl::StrCat(kCfNames[c], " row"), ToView(it->value())));
    out.push_back(std::move(row));
  }
  RR_RETURN_IF_ERROR(
      FromRocks(it->status(), absl::StrCat("read ", kCfNames[c])));
  return out;
}

absl::StatusOr<std::vector<DayCounters>> RocksStore::AuthorDays(
    absl::string_view platform, absl::string_view author_id, int32_t first_day,
    int32_t last_day) {
  return ReadDays(kCfAuthorDayCounters, platform, author_id, first_day,
                  last_day);
}

absl::StatusOr<std::vector<DayCounters>> RocksStore::TopicDays(
    absl::string_view platform, absl::string_view topic_id, int32_t first_day,
    int32_t last_day) {
  return ReadDays(kCfTopicDayCounters, platform, topic_id, first_day, last_day);
}

}  // namespace reachrank::storage
