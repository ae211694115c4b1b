#include "base/shard.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace reachrank {
namespace {

TEST(Fnv1a64Test, MatchesThePublishedVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ull);
}

// Expected values from another implementation's test suite (ClickHouse's
// jumpConsistentHash), not from this one.
TEST(JumpConsistentHashTest, MatchesAnotherImplementation) {
  EXPECT_EQ(JumpConsistentHash(1, 1), 0);
  EXPECT_EQ(JumpConsistentHash(42, 57), 43);
  EXPECT_EQ(JumpConsistentHash(256, 1024), 520);
  EXPECT_EQ(JumpConsistentHash(3735883980ull, 1), 0);
  EXPECT_EQ(JumpConsistentHash(3735883980ull, 666), 361);
  EXPECT_EQ(JumpConsistentHash(16045690984833335023ull, 255), 237);
}

TEST(JumpConsistentHashTest, NoBucketsMeansBucketZero) {
  EXPECT_EQ(JumpConsistentHash(42, 0), 0);
  EXPECT_EQ(JumpConsistentHash(42, -3), 0);
}

// Adding a shard moves a key only onto the new shard, and about 1/(n+1)
// of the keys move.
TEST(JumpConsistentHashTest, GrowingMovesKeysOnlyToTheNewBucket) {
  constexpr int kKeys = 20000;
  for (int32_t n = 1; n < 12; ++n) {
    int moved = 0;
    for (int k = 0; k < kKeys; ++k) {
      const uint64_t key = Fnv1a64(absl::StrCat("author-", k));
      const int32_t before = JumpConsistentHash(key, n);
      const int32_t after = JumpConsistentHash(key, n + 1);
      if (after != before) {
        ASSERT_EQ(after, n) << "key " << k << " moved between old shards";
        ++moved;
      }
    }
    const double expected = static_cast<double>(kKeys) / (n + 1);
    EXPECT_NEAR(moved, expected, 5 * std::sqrt(expected)) << "n " << n;
  }
}

// The table in docs/operations.md "Routing": other clients check their
// implementation against it.
TEST(ShardOfTest, MatchesTheDocumentedTable) {
  struct Row {
    const char* platform;
    const char* author;
    std::vector<int32_t> shards;  // for 1, 2, 3, 4, 8, 16 shards
  };
  const std::vector<Row> rows = {
      {"tiktok", "acct-000001", {0, 0, 2, 2, 5, 5}},
      {"tiktok", "acct-000002", {0, 1, 1, 1, 6, 6}},
      {"douyin", "acct-000001", {0, 1, 1, 1, 7, 7}},
      {"youtube", "UC-xyz", {0, 1, 1, 3, 3, 14}},
      {"wechat_channels", "wx-zhangsan", {0, 1, 1, 1, 1, 1}},
  };
  const std::vector<int32_t> counts = {1, 2, 3, 4, 8, 16};
  for (const Row& row : rows) {
    for (size_t i = 0; i < counts.size(); ++i) {
      EXPECT_EQ(ShardOf(row.platform, row.author, counts[i]), row.shards[i])
          << row.platform << "/" << row.author << " of " << counts[i];
    }
  }
}

TEST(ShardOfTest, HashesPlatformSlashAuthor) {
  EXPECT_EQ(ShardOf("tiktok", "acct-000001", 1000),
            JumpConsistentHash(Fnv1a64("tiktok/acct-000001"), 1000));
  EXPECT_EQ(Fnv1a64("tiktok/acct-000001"), 0x3e50a46b29c161edull);
}

TEST(ShardSliceTest, ParsesIndexOfCount) {
  auto slice = ParseShardSlice("2/4");
  ASSERT_TRUE(slice.ok()) << slice.status();
  EXPECT_EQ(slice->index, 2);
  EXPECT_EQ(slice->count, 4);
  EXPECT_EQ(slice->Owns("tiktok", "acct-000001"), true);   // shard 2 of 4
  EXPECT_EQ(slice->Owns("youtube", "UC-xyz"), false);      // shard 3 of 4
  EXPECT_TRUE(ShardSlice().Owns("youtube", "UC-xyz"));     // 0/1: all
  for (const char* bad : {"4/4", "-1/4", "1/0", "1", "1/2/3", "a/4", ""}) {
    const auto parsed = ParseShardSlice(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_NE(parsed.status().message().find("0 <= I < N"), std::string::npos)
        << parsed.status();
  }
}

TEST(ShardSliceTest, CheckShardNamesTheOwner) {
  const ShardSlice one_of_four{1, 4};
  const absl::Status s = CheckShard(one_of_four, "tiktok", "acct-000001");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("author_id: owned by shard 2 of 4, not this one "
                             "(1): route by platform and author_id"),
            std::string::npos)
      << s;
  EXPECT_NE(CheckShard(one_of_four, "tiktok", "acct-000001", "draft.author_id")
                .message()
                .find("draft.author_id: owned by shard 2"),
            std::string::npos);
  EXPECT_TRUE(CheckShard(ShardSlice{2, 4}, "tiktok", "acct-000001").ok());
  EXPECT_TRUE(CheckShard(one_of_four, "tiktok", "").ok());  // no author
}

}  // namespace
}  // namespace reachrank
