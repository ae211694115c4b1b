#include "services/batch/shard_prune.h"

#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "base/shard.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/batch/batch_testing.h"
#include "services/batch/history_export.h"
#include "services/common/test_support.h"

namespace reachrank::batch {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

// Shard 0 of 2 sheds exactly shard 1's authors with all their posts and
// counters; its own part reads back as before, a dry run changes nothing
// and a second run has nothing left to do.
TEST(PruneShardTest, DeletesExactlyTheAuthorsOfOtherShards) {
  auto dir = reachrank::testing::MakeTempDir("shard-prune");
  ASSERT_TRUE(dir.ok());
  auto simulated = testing::SimulateIntoStore(*dir + "/db", /*seed=*/8,
                                              /*people=*/30, /*days=*/12, kNow);
  ASSERT_TRUE(simulated.ok()) << simulated.status();
  const testing::SimData& data = simulated->data;
  storage::Store& store = *simulated->store;

  const ShardSlice keep{0, 2};
  std::set<std::pair<std::string, std::string>> owned, unowned;
  int64_t unowned_posts = 0;
  auto note = [&](const std::string& platform, const std::string& author) {
    (keep.Owns(platform, author) ? owned : unowned).emplace(platform, author);
  };
  for (const v1::Author& a : data.authors) note(a.platform(), a.author_id());
  for (const v1::Post& p : data.posts) {
    note(p.platform(), p.author_id());
    unowned_posts += !keep.Owns(p.platform(), p.author_id());
  }
  ASSERT_GT(unowned.size(), 0u);
  ASSERT_GT(owned.size(), 0u);
  std::ostringstream kept_posts;
  ASSERT_TRUE(ExportHistory(store, keep, kept_posts, nullptr).ok());
  auto records = store.ListAuthors(1000, std::nullopt);
  ASSERT_TRUE(records.ok()) << records.status();
  std::vector<v1::Author> kept_records;
  for (const v1::Author& a : *records) {
    if (keep.Owns(a.platform(), a.author_id())) kept_records.push_back(a);
  }

  auto dry = PruneShard(store, keep, nullptr, nullptr);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->authors, static_cast<int64_t>(unowned.size()));
  EXPECT_EQ(dry->posts, unowned_posts);
  EXPECT_EQ(dry->kept, static_cast<int64_t>(owned.size()));
  auto still = FindUnowned(store, keep);
  ASSERT_TRUE(still.ok()) << still.status();
  EXPECT_EQ(still->authors.size(), unowned.size());

  std::vector<std::pair<int64_t, int64_t>> calls;
  auto applied = PruneShard(store, keep, DeleteFromStore(store),
                            [&](int64_t done, int64_t total) {
                              calls.emplace_back(done, total);
                            });
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->authors, dry->authors);
  EXPECT_EQ(applied->posts, unowned_posts);
  EXPECT_EQ(applied->kept, dry->kept);
  ASSERT_EQ(calls.size(), 1u);  // one batch of at most 1,000
  EXPECT_EQ(calls.back(), std::make_pair(dry->authors, dry->authors));

  std::ostringstream gone_posts, gone_authors;
  auto gone =
      ExportHistory(store, ShardSlice{1, 2}, gone_posts, &gone_authors);
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(gone->posts, 0);
  EXPECT_EQ(gone->authors, 0);
  std::ostringstream posts_after;
  ASSERT_TRUE(ExportHistory(store, keep, posts_after, nullptr).ok());
  EXPECT_TRUE(posts_after.str() == kept_posts.str());  // not printed: long
  auto records_after = store.ListAuthors(1000, std::nullopt);
  ASSERT_TRUE(records_after.ok()) << records_after.status();
  ASSERT_EQ(records_after->size(), kept_records.size());
  for (size_t i = 0; i < kept_records.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        (*records_after)[i], kept_records[i]))
        << kept_records[i].author_id();
  }

  auto again = PruneShard(store, keep, DeleteFromStore(store), nullptr);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->authors, 0);
  EXPECT_EQ(again->posts, 0);
  EXPECT_EQ(again->kept, dry->kept);
}

}  // namespace
}  // namespace reachrank::batch
