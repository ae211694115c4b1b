// Expiry of dedup markers at compaction time.
#ifndef REACHRANK_STORAGE_DEDUP_FILTER_H_
#define REACHRANK_STORAGE_DEDUP_FILTER_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "rocksdb/compaction_filter.h"

namespace reachrank::storage {

// Drops dedup markers whose first-seen time is at least `window` before
// `now` (the same rule RecordEvents uses to ignore an expired marker), and
// markers whose value is malformed (they would be ignored on read too).
// Only reclaims space: RecordEvents checks the window itself, so a marker
// kept longer changes nothing. Thread-safe (immutable).
class DedupCompactionFilter final : public rocksdb::CompactionFilter {
 public:
  DedupCompactionFilter(absl::Duration window, absl::Time now)
      : window_(window), now_(now) {}

  bool Filter(int level, const rocksdb::Slice& key,
              const rocksdb::Slice& existing_value, std::string* new_value,
              bool* value_changed) const override;
  const char* Name() const override { return "reachrank.DedupExpiry"; }

 private:
  const absl::Duration window_;
  const absl::Time now_;
};

// Makes a DedupCompactionFilter per compaction, with the wall clock at its
// start as `now`.
// Thread-safe.
class DedupCompactionFilterFactory final
    : public rocksdb::CompactionFilterFactory {
 public:
  explicit DedupCompactionFilterFactory(absl::Duration window)
      : window_(window) {}

  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& context) override;
  const char* Name() const override { return "reachrank.DedupExpiryFactory"; }

 private:
  const absl::Duration window_;
};

// True when a marker first seen at `first_seen_ms` still marks a duplicate
// at `now`: now - first_seen < window.
bool DedupMarkerLive(int64_t first_seen_ms, absl::Time now,
                     absl::Duration window);

}  // namespace reachrank::storage

#endif  // REACHRANK_STORAGE_DEDUP_FILTER_H_
