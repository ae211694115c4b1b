// Schema version 2: a topic's day rows count the engagement of the posts
// whose top topic it is now, and a version 1 database is upgraded at open.
#include <memory>
#include <string>
#include <utility>
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
using ::testing::IsEmpty;

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

// Stranger impressions of `rows`, day rows read from T0's day to two days
// later.
DayImpressions ImpressionsOf(
    const absl::StatusOr<std::vector<DayCounters>>& rows) {
  EXPECT_TRUE(rows.ok()) << rows.status();
  DayImpressions out;
  for (const DayCounters& row :
       rows.ok() ? *rows : std::vector<DayCounters>()) {
    const int64_t n = row.counters.ByRelationType(v1::RELATION_STRANGER,
                                                  v1::EVENT_TYPE_IMPRESSION);
    (row.day == DayOf(T0()) ? out.day0 : out.day2) += n;
  }
  return out;
}

DayImpressions Impressions(Store& store, const std::string& topic) {
  return ImpressionsOf(
      store.TopicDays("tiktok", topic, DayOf(T0()), DayOf(T0()) + 2));
}

DayImpressions AuthorImpressions(Store& store, const std::string& author) {
  return ImpressionsOf(
      store.AuthorDays("tiktok", author, DayOf(T0()), DayOf(T0()) + 2));
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
  DayImpressions OfAuthor(const std::string& author) {
    return AuthorImpressions(*store_, author);
  }
  ConsistencyReport Check() {
    auto report = store_->CheckConsistency([](int64_t) {});
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *std::move(report) : ConsistencyReport();
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
  EXPECT_EQ(OfAuthor("alice"), (DayImpressions{0, 0}));
  EXPECT_EQ(OfAuthor("bob"), (DayImpressions{5, 3}));
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
              HasSubstr("upgraded from schema version 1 to 2: author day rows "
                        "rebuilt from 2 posts and topic day rows from 1 "
                        "classified posts"));
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

// Makes the database at `path` what version 1 left after a post engaged
// through Engage was given from `from` to `to`: its engagement still in
// `from`'s rows (its supply moved), and schema version 1.
void LeaveEngagementWith(const std::string& path, const std::string& from,
                         const std::string& to) {
  RawDatabase raw(path);
  ASSERT_TRUE(raw.ok());
  rocksdb::WriteBatch batch;
  rocksdb::ColumnFamilyHandle* authors = raw.cf(kCfAuthorDayCounters);
  const uint32_t impressions =
      EventCell(v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER,
                v1::EVENT_TYPE_IMPRESSION);
  for (const auto& [day, n] :
       {std::pair{DayOf(T0()), 5}, std::pair{DayOf(T0()) + 2, 3}}) {
    Counters there, gone;
    there.Add(impressions, n);
    gone.Add(impressions, -n);
    ASSERT_TRUE(
        batch.Merge(authors, keys::DayKey("tiktok", from, day), there.Encode())
            .ok());
    ASSERT_TRUE(
        batch.Merge(authors, keys::DayKey("tiktok", to, day), gone.Encode())
            .ok());
  }
  ASSERT_TRUE(
      batch.Put(raw.cf(kCfMeta), std::string(keys::kSchemaVersionKey), "1")
          .ok());
  EXPECT_TRUE(raw.db().Write(rocksdb::WriteOptions(), &batch).ok());
}

void ExpectNoFaults(const ConsistencyReport& report) {
  EXPECT_EQ(report.author_rows_differ, 0);
  EXPECT_EQ(report.topic_rows_short, 0);
  EXPECT_EQ(report.totals_differ, 0);
  EXPECT_EQ(report.pending_wrong, 0);
  EXPECT_THAT(report.examples, IsEmpty());
}

TEST_F(TopicEngagementTest, AnUpgradeMovesEngagementToAPostsNewAuthor) {
  ASSERT_TRUE(
      store_
          ->PutPosts({Classified(MakePost("p1", "alice", T0()), "news"),
                      Classified(MakePost("p2", "carol", T0()), "news")})
          .ok());
  Engage("p1");
  Engage("p2");
  ASSERT_TRUE(
      store_->PutPosts({Classified(MakePost("p1", "bob", T0()), "news")}).ok());
  store_.reset();
  LeaveEngagementWith(dir_.path(), "alice", "bob");
  {
    auto reader =
        Store::OpenSecondary(OptionsFor(dir_.path()), dir_.Sub("secondary"));
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_EQ(AuthorImpressions(**reader, "alice"), (DayImpressions{5, 3}));
    EXPECT_EQ(AuthorImpressions(**reader, "bob"), (DayImpressions{0, 0}));
  }

  Open();
  EXPECT_THAT(store_->open_note(),
              HasSubstr("author day rows rebuilt from 2 posts"));
  EXPECT_EQ(OfAuthor("alice"), (DayImpressions{0, 0}));
  EXPECT_EQ(OfAuthor("bob"), (DayImpressions{5, 3}));
  EXPECT_EQ(OfAuthor("carol"), (DayImpressions{5, 3}));
  auto alice =
      store_->AuthorDays("tiktok", "alice", DayOf(T0()) - 1, DayOf(T0()) + 3);
  ASSERT_TRUE(alice.ok());
  EXPECT_THAT(*alice, IsEmpty());  // her rows held only p1's engagement
  auto bob = store_->AuthorDays("tiktok", "bob", DayOf(T0()), DayOf(T0()));
  ASSERT_TRUE(bob.ok() && bob->size() == 1u);
  EXPECT_EQ((*bob)[0].counters.Get(kPostsPublished), 1);
  EXPECT_EQ(Of("news"), (DayImpressions{10, 6}));
  const ConsistencyReport report = Check();
  ExpectNoFaults(report);
  EXPECT_EQ(report.index_wrong, 0);
  EXPECT_EQ(report.author_rows, 4);  // bob's and carol's two days

  // A later move takes from rows that hold the engagement.
  ASSERT_TRUE(
      store_->PutPosts({Classified(MakePost("p1", "alice", T0()), "news")})
          .ok());
  EXPECT_EQ(OfAuthor("alice"), (DayImpressions{5, 3}));
  EXPECT_EQ(OfAuthor("bob"), (DayImpressions{0, 0}));
  ExpectNoFaults(Check());
}

// A post missing from its author's index (damage) still counts in its
// author's and its topic's rows, on top of what the rest of the author's
// posts make.
TEST_F(TopicEngagementTest, AnUpgradeCountsAPostMissingFromTheIndex) {
  ASSERT_TRUE(
      store_
          ->PutPosts({Classified(MakePost("p1", "alice", T0()), "news"),
                      Classified(MakePost("p3", "bob", T0()), "travel")})
          .ok());
  Engage("p1");
  Engage("p3");
  ASSERT_TRUE(
      store_->PutPosts({Classified(MakePost("p1", "bob", T0()), "news")}).ok());
  store_.reset();
  LeaveEngagementWith(dir_.path(), "alice", "bob");
  {
    RawDatabase raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(raw.db()
                    .Delete(rocksdb::WriteOptions(), raw.cf(kCfAuthorPosts),
                            keys::AuthorPostKey("tiktok", "bob",
                                                absl::ToUnixMillis(T0()), "p3"))
                    .ok());
  }

  upgrade_progress_.clear();
  Open();
  EXPECT_EQ(upgrade_progress_, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(OfAuthor("alice"), (DayImpressions{0, 0}));
  EXPECT_EQ(OfAuthor("bob"), (DayImpressions{10, 6}));
  EXPECT_EQ(Of("news"), (DayImpressions{5, 3}));
  EXPECT_EQ(Of("travel"), (DayImpressions{5, 3}));
  auto bob = store_->AuthorDays("tiktok", "bob", DayOf(T0()), DayOf(T0()));
  ASSERT_TRUE(bob.ok() && bob->size() == 1u);
  EXPECT_EQ((*bob)[0].counters.Get(kPostsPublished), 2);
  // The upgrade mends the index too: bob's entry of p3 is back, so the
  // check finds the index and bob's rows whole.
  const ConsistencyReport report = Check();
  EXPECT_EQ(report.index_wrong, 0);
  EXPECT_EQ(report.author_rows_differ, 0);
  EXPECT_EQ(report.topic_rows_short, 0);
  EXPECT_TRUE(report.consistent()) << report.examples.size();
  EXPECT_THAT(store_->open_note(), HasSubstr("1 author index entries mended"));
}

TEST_F(TopicEngagementTest, AnUpgradeMendsStaleAndWrongIndexEntries) {
  ASSERT_TRUE(
      store_->PutPosts({Classified(MakePost("p1", "alice", T0()), "news")})
          .ok());
  Engage("p1");
  store_.reset();
  LeaveEngagementWith(dir_.path(), "carol", "alice");  // and version 1
  {
    RawDatabase raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    rocksdb::WriteBatch damage;
    const int64_t t0 = absl::ToUnixMillis(T0());
    // An entry of no post, one of p1 under another author, and p1's own
    // entry with another top topic.
    ASSERT_TRUE(damage
                    .Put(raw.cf(kCfAuthorPosts),
                         keys::AuthorPostKey("tiktok", "alice", t0, "ghost"),
                         "news")
                    .ok());
    ASSERT_TRUE(damage
                    .Put(raw.cf(kCfAuthorPosts),
                         keys::AuthorPostKey("tiktok", "bob", t0, "p1"), "news")
                    .ok());
    ASSERT_TRUE(damage
                    .Put(raw.cf(kCfAuthorPosts),
                         keys::AuthorPostKey("tiktok", "alice", t0, "p1"),
                         "travel")
                    .ok());
    ASSERT_TRUE(raw.db().Write(rocksdb::WriteOptions(), &damage).ok());
  }

  Open();
  EXPECT_THAT(store_->open_note(), HasSubstr("3 author index entries mended"));
  EXPECT_EQ(OfAuthor("alice"), (DayImpressions{5, 3}));
  EXPECT_EQ(OfAuthor("carol"), (DayImpressions{0, 0}));
  const ConsistencyReport report = Check();
  EXPECT_EQ(report.index_wrong, 0);
  EXPECT_TRUE(report.consistent()) << report.examples.size();
}

}  // namespace
}  // namespace reachrank::storage
