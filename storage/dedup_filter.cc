#include "storage/dedup_filter.h"

#include "absl/time/clock.h"
#include "storage/keys.h"

namespace reachrank::storage {

bool DedupMarkerLive(int64_t first_seen_ms, absl::Time now,
                     absl::Duration window) {
  return now - absl::FromUnixMillis(first_seen_ms) < window;
}

bool DedupCompactionFilter::Filter(int /*level*/, const rocksdb::Slice& /*key*/,
                                   const rocksdb::Slice& existing_value,
                                   std::string* /*new_value*/,
                                   bool* /*value_changed*/) const {
  int64_t first_seen_ms = 0;
  if (!keys::DecodeDedupValue(
          absl::string_view(existing_value.data(), existing_value.size()),
          &first_seen_ms)) {
    return true;
  }
  return !DedupMarkerLive(first_seen_ms, now_, window_);
}

std::unique_ptr<rocksdb::CompactionFilter>
DedupCompactionFilterFactory::CreateCompactionFilter(
    const rocksdb::CompactionFilter::Context& /*context*/) {
  return std::make_unique<DedupCompactionFilter>(window_, absl::Now());
}

}  // namespace reachrank::storage
