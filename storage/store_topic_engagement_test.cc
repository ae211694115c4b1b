// Schema version 2: a topic's day rows count the engagement of the posts
// whose top topic it is now, and a version 1 database is upgraded at open.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/keys.h"
#include "storage/raw_db_testing.h"
#include "storage/rocks_options.h"
#include "storage/store.h"
#include "storage/test_util.h"

namespace reachrank::storage {
namespace {

using ::reachrank::storage::testing::Classified;
using ::reachrank::storage::testing::MakeEvent;
using ::reachrank::storage::testing::MakePost;
using ::reachrank::storage::testing::OptionsFor;
using ::reachrank::storage::testing::RawDatabase;
using ::reachrank::storage::testing::T0;
using ::testing::HasSubstr;

v1::TopicScore Topic(const std::string& id) {
  v1::TopicScore t;
  t.set_topic_id(id);
  t.set_probability(0.8f);
  return t;
}

// Stranger impressions of the topic's rows on T0's day and two days later.
struct DayImpressions {
  int64_t day0 = 0;
  int64_t day2 = 0;
  friend bool operator==(const DayImpressions& a, const DayImpressions& b) {
    return a.day0 == b.day0 && a.day2 == b.day2;
  }
  friend std::ostream& operator<<(std::ostream& os, const DayImpressions& d) {
    return os << "{" << d.day0 << ", " << d.day2 << "}";
  }
};

DayImpressions Impressions(Store& store, const std::string& topic) {
  const int32_t day0 = DayOf(T0());
  auto rows = store.TopicDays("tiktok", topic, day0, day0 + 2);
  EXPECT_TRUE(rows.ok()) << rows.status();
  DayImpressions out;
  for (const DayCounters& row :
       rows.ok() ? *rows : std::vector<DayCounters>()) {
    const int64_t n = row.counters.ByRelationType(v1::RELATION_STRANGER,
                                                  v1::EVENT_TYPE_IMPRESSION);
    (row.day == day0 ? out.day0 : out.day2) += n;
  }
  return out;
}

class TopicEngagementTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    StoreOptions options = OptionsFor(dir_.path());
    options.upgrade_progress = [this](int64_t posts) {
      upgrade_progress_.push_back(posts);
    };
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  // 5 stranger impressions on T0's day and 3 two days later.
  void Engage(const std::string& post_id) {
    ASSERT_TRUE(
        store_
            ->RecordEvents(
                {MakeEvent(post_id + "-a", post_id, v1::EVENT_TYPE_IMPRESSION,
                           T0(), 5),
                 MakeEvent(post_id + "-b", post_id, v1::EVENT_TYPE_IMPRESSION,
                           T0() + absl::Hours(50), 3)},
                T0() + absl::Hours(50))
            .ok());
  }
  DayImpressions Of(const std::string& topic) {
    return Impressions(*store_, topic);
  }

  testing::ScopedTempDir dir_;
  std::unique_ptr<Store> store_;
  std::vector<int64_t> upgrade_progress_;  // calls of the last Open()
};

TEST_F(TopicEngagementTest, AReclassifiedPostTakesItsEngagementAlong) {
  const PostRecord p1 = Classified(MakePost("p1", "alice", T0()), "food");
  ASSERT_TRUE(store_->PutPosts({p1}).ok());
  Engage("p1");
  EXPECT_EQ(Of("food"), (DayImpressions{5, 3}));

  ASSERT_TRUE(
      store_->SetClassification(p1.post(), {Topic("travel"), Topic("food")}, "")
          .ok());
  EXPECT_EQ(Of("food"), (DayImpressions{0, 0}));
  EXPECT_EQ(Of("travel"), (DayImpressions{5, 3}));
  // New topics with the same top topic move nothing.
  ASSERT_TRUE(store_->SetClassification(p1.post(), {Topic("travel")}, "").ok());
  EXPECT_EQ(Of("travel"), (DayImpressions{5, 3}));
}

TEST_F(TopicEngagementTest, EngagementWhilePendingCountsOnceClassified) {
  const PostRecord p1 = MakePost("p1", "alice", T0());
  ASSERT_TRUE(store_->PutPosts({p1}).ok());
  Engage("p1");
  EXPECT_EQ(Of("food"), (DayImpressions{0, 0}));
  ASSERT_TRUE(store_->SetClassification(p1.post(), {Topic("food")}, "").ok());
  EXPECT_EQ(Of("food"), (DayImpressions{5, 3}));
}

TEST_F(TopicEngagementTest, AnEditedPostLeavesItsTopicUntilClassifiedAgain) {
  ASSERT_TRUE(
      store_->PutPosts({Classified(MakePost("p1", "bob", T0()), "news")}).ok());
  Engage("p1");
  const PostRecord edited = MakePost("p1", "bob", T0(), "rewritten");
  ASSERT_TRUE(store_->PutPosts({edited}).ok());
  EXPECT_EQ(Of("news"), (DayImpressions{0, 0}));
  // An edit in one batch with a classified copy lands in the copy's topic.
  ASSERT_TRUE(store_
                  ->PutPosts({Classified(edited, "travel"),
                              Classified(edited, "science")})
                  .ok());
  EXPECT_EQ(Of("travel"), (DayImpressions{0, 0}));
  EXPECT_EQ(Of("science"), (DayImpressions{5, 3}));
  EXPECT_EQ(Of("news"), (DayImpressions{0, 0}));
}

TEST_F(TopicEngagementTest, APostGivenToAnotherAuthorTakesItsEngagement) {
  const PostRecord by_alice = Classified(MakePost("p1", "alice", T0()), "news");
  ASSERT_TRUE(store_->PutPosts({by_alice}).ok());
  Engage("p1");
  ASSERT_TRUE(
      store_->PutPosts({Classified(MakePost("p1", "bob", T0()), "news")}).ok());
  auto impressions = [this](const std::string& author) {
    auto rows =
        store_->AuthorDays("tiktok", author, DayOf(T0()), DayOf(T0()) + 2);
    EXPECT_TRUE(rows.ok()) << rows.status();
    int64_t n = 0;
    for (const DayCounters& row :
         rows.ok() ? *rows : std::vector<DayCounters>()) {
      n += row.counters.ByRelationType(v1::RELATION_STRANGER,
                                       v1::EVENT_TYPE_IMPRESSION);
    }
    return n;
  };
  EXPECT_EQ(impressions("alice"), 0);
  EXPECT_EQ(impressions("bob"), 8);
  EXPECT_EQ(Of("news"), (DayImpressions{5, 3}));
}

// Sets the stored schema version to 1 and the topic rows to what version 1
// could hold: p1's engagement missing (it came while p1 was pending) and a
// row of a topic no stored post has.
void MakeVersion1(const std::string& path) {
  RawDatabase raw(path);
  ASSERT_TRUE(raw.ok());
  rocksdb::WriteBatch batch;
  Counters supply_only;
  supply_only.Add(kPostsPublished, 1);
  supply_only.Add(kPostsClassified, 1);
  Counters stray;
  stray.Add(EventCell(v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER,
                      v1::EVENT_TYPE_IMPRESSION),
            7);
  rocksdb::ColumnFamilyHandle* topics = raw.cf(kCfTopicDayCounters);
  const int32_t day0 = DayOf(T0());
  ASSERT_TRUE(batch
                  .Put(topics, keys::DayKey("tiktok", "food", day0),
                       supply_only.Encode())
                  .ok());
  ASSERT_TRUE(
      batch.Delete(topics, keys::DayKey("tiktok", "food", day0 + 2)).ok());
  ASSERT_TRUE(
      batch.Put(topics, keys::DayKey("tiktok", "gone", day0), stray.Encode())
          .ok());
  ASSERT_TRUE(
      batch.Put(raw.cf(kCfMeta), std::string(keys::kSchemaVersionKey), "1")
          .ok());
  EXPECT_TRUE(raw.db().Write(rocksdb::WriteOptions(), &batch).ok());
}

TEST_F(TopicEngagementTest, APrimaryUpgradesAVersion1Database) {
  ASSERT_TRUE(store_
                  ->PutPosts({Classified(MakePost("p1", "alice", T0()), "food"),
                              MakePost("p2", "alice", T0())})
                  .ok());
  Engage("p1");
  Engage("p2");  // pending: in no topic
  EXPECT_TRUE(store_->open_note().empty());
  store_.reset();
  MakeVersion1(dir_.path());

  // A secondary reads version 1 as it is.
  auto reader =
      Store::OpenSecondary(OptionsFor(dir_.path()), dir_.Sub("secondary"));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE((*reader)->open_note().empty());
  EXPECT_EQ(Impressions(**reader, "food"), (DayImpressions{0, 0}));
  reader->reset();

  upgrade_progress_.clear();
  Open();
  EXPECT_THAT(store_->open_note(),
              HasSubstr("upgraded from schema version 1 to 2: topic day rows "
                        "rebuilt from 1 classified posts"));
  // Both posts read, the pending one too.
  EXPECT_EQ(upgrade_progress_, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Of("food"), (DayImpressions{5, 3}));
  EXPECT_EQ(Of("gone"), (DayImpressions{0, 0}));
  auto food = store_->TopicDays("tiktok", "food", DayOf(T0()), DayOf(T0()));
  ASSERT_TRUE(food.ok() && food->size() == 1u);
  EXPECT_EQ((*food)[0].counters.Get(kPostsPublished), 1);
  EXPECT_EQ((*food)[0].counters.Get(kPostsClassified), 1);
  store_.reset();
  upgrade_progress_.clear();
  Open();
  EXPECT_TRUE(store_->open_note().empty());  // upgraded once
  EXPECT_TRUE(upgrade_progress_.empty());
  EXPECT_EQ(Of("food"), (DayImpressions{5, 3}));
}

}  // namespace
}  // namespace reachrank::storage
