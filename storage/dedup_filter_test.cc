#include "storage/dedup_filter.h"

#include <string>

#include "gtest/gtest.h"
#include "storage/keys.h"

namespace reachrank::storage {
namespace {

TEST(DedupFilterTest, DropsMarkersOlderThanTheWindow) {
  const absl::Time now = absl::FromUnixSeconds(1709251200);
  DedupCompactionFilter filter(absl::Hours(24), now);
  std::string new_value;
  bool changed = false;
  auto drops = [&](absl::Time first_seen) {
    const std::string value = keys::DedupValue(absl::ToUnixMillis(first_seen));
    return filter.Filter(0, "evt", value, &new_value, &changed);
  };
  EXPECT_FALSE(drops(now));
  EXPECT_FALSE(drops(now - absl::Hours(24) + absl::Milliseconds(1)));
  EXPECT_TRUE(drops(now - absl::Hours(24)));
  EXPECT_TRUE(drops(now - absl::Hours(100)));
  EXPECT_TRUE(filter.Filter(0, "evt", "junk", &new_value, &changed));
  EXPECT_FALSE(changed);
}

TEST(DedupFilterTest, MarkerLivenessMatchesTheFilter) {
  const absl::Time now = absl::FromUnixSeconds(1000);
  EXPECT_TRUE(DedupMarkerLive(999999, now, absl::Milliseconds(2)));
  EXPECT_FALSE(DedupMarkerLive(999998, now, absl::Milliseconds(2)));
}

}  // namespace
}  // namespace reachrank::storage
