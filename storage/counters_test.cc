#include "storage/counters.h"

#include <string>

#include "gtest/gtest.h"

namespace reachrank::storage {
namespace {

TEST(CountersTest, AddGetAndZeroRemoval) {
  Counters c;
  EXPECT_TRUE(c.empty());
  c.Add(5, 3);
  c.Add(2, -7);
  c.Add(5, 4);
  EXPECT_EQ(c.Get(5), 7);
  EXPECT_EQ(c.Get(2), -7);
  EXPECT_EQ(c.Get(3), 0);
  c.Add(2, 7);
  ASSERT_EQ(c.cells().size(), 1u);
  EXPECT_EQ(c.cells()[0], (std::pair<uint32_t, int64_t>(5, 7)));
}

TEST(CountersTest, AddAllMergesSortedCells) {
  Counters a, b;
  a.Add(1, 1);
  a.Add(10, 5);
  b.Add(10, -5);
  b.Add(3, 2);
  b.Add(400, 9);
  a.AddAll(b);
  std::vector<std::pair<uint32_t, int64_t>> want = {{1, 1}, {3, 2}, {400, 9}};
  EXPECT_EQ(a.cells(), want);
}

TEST(CountersTest, ByTypeAndByRelationTypeSumSurfaces) {
  Counters c;
  c.Add(EventCell(v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER,
                  v1::EVENT_TYPE_LIKE),
        3);
  c.Add(
      EventCell(v1::SURFACE_SEARCH, v1::RELATION_STRANGER, v1::EVENT_TYPE_LIKE),
      4);
  c.Add(EventCell(v1::SURFACE_FOLLOWING, v1::RELATION_FOLLOWER,
                  v1::EVENT_TYPE_LIKE),
        10);
  c.Add(WatchCell(v1::SURFACE_SHARE_LINK, v1::RELATION_STRANGER), 1000);
  EXPECT_EQ(c.ByRelationType(v1::RELATION_STRANGER, v1::EVENT_TYPE_LIKE), 7);
  EXPECT_EQ(c.ByType(v1::EVENT_TYPE_LIKE), 17);
  EXPECT_EQ(c.ByType(v1::EVENT_TYPE_VIEW), 0);
}

TEST(CountersTest, CellLayoutBounds) {
  EXPECT_EQ(EventCell(v1::SURFACE_SHARE_LINK, v1::RELATION_STRANGER,
                      v1::EVENT_TYPE_NOT_INTERESTED),
            349u);
  EXPECT_EQ(WatchCell(v1::SURFACE_UNSPECIFIED, v1::RELATION_UNSPECIFIED), 350u);
  EXPECT_EQ(WatchCell(v1::SURFACE_SHARE_LINK, v1::RELATION_STRANGER), 384u);
}

TEST(CountersTest, EncodeDecodeRoundTrip) {
  Counters c;
  c.Add(0, 1);
  c.Add(7, -1);
  c.Add(349, INT64_MAX);
  c.Add(400, INT64_MIN);
  c.Add(UINT32_MAX, 42);
  Counters back;
  ASSERT_TRUE(Counters::Decode(c.Encode(), &back));
  EXPECT_EQ(back, c);
  Counters empty;
  ASSERT_TRUE(Counters::Decode("", &back));
  EXPECT_EQ(back, empty);
}

TEST(CountersTest, KnownEncoding) {
  Counters c;
  c.Add(3, 1);     // delta 3, zigzag 2
  c.Add(130, -2);  // delta 127, zigzag 3
  EXPECT_EQ(c.Encode(), std::string("\x03\x02\x7f\x03", 4));
}

TEST(CountersTest, DecodeRejectsMalformed) {
  Counters out;
  const std::string bad[] = {
      std::string("\x03", 1),                      // value missing
      std::string("\x83", 1),                      // truncated varint
      std::string("\x03\x00", 2),                  // zero value
      std::string("\x03\x02\x00\x02", 4),          // repeated cell (delta 0)
      std::string("\x83\x00\x02", 3),              // overlong index varint
      std::string("\xff\xff\xff\xff\x1f\x02", 6),  // index > 32 bits
      std::string("\xff\xff\xff\xff\x0f\x02\x01\x02", 8),  // index overflow
      std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11),
  };
  for (const std::string& in : bad) {
    EXPECT_FALSE(Counters::Decode(in, &out)) << "accepted malformed input";
  }
}

}  // namespace
}  // namespace reachrank::storage

namespace reachrank::storage {
namespace {

// Random bytes never crash Decode, and what it accepts re-encodes to the
// same bytes (the encoding is canonical).
TEST(CountersTest, DecodeAcceptsOnlyCanonicalEncodings) {
  uint64_t state = 0x2545f4914f6cdd1dull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string in(next() % 12, '\0');
    for (char& c : in) c = static_cast<char>(next() >> 11);
    Counters c;
    if (Counters::Decode(in, &c)) {
      ++accepted;
      EXPECT_EQ(c.Encode(), in);
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace reachrank::storage
