// CheckConsistency: a database written through the store is consistent;
// each kind of damage written around it is found and named.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "storage/raw_db_testing.h"
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
using ::testing::Contains;
using ::testing::HasSubstr;

class StoreCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    // p1 and p3 classified, p2 pending; p1 reclassified and p2 engaged
    // while pending; carol's p3 deleted with her.
    const PostRecord p1 = Classified(MakePost("p1", "alice", T0()), "food");
    ASSERT_TRUE(
        store_
            ->PutPosts({p1, MakePost("p2", "bob", T0()),
                        Classified(MakePost("p3", "carol", T0()), "food")})
            .ok());
    std::vector<v1::EngagementEvent> events;
    for (const char* post : {"p1", "p2", "p3"}) {
      for (int h : {1, 30}) {
        events.push_back(MakeEvent(absl::StrCat(post, "-", h), post,
                                   v1::EVENT_TYPE_IMPRESSION,
                                   T0() + absl::Hours(h), 4));
      }
    }
    ASSERT_TRUE(store_->RecordEvents(events, T0() + absl::Hours(30)).ok());
    v1::TopicScore travel;
    travel.set_topic_id("travel");
    travel.set_probability(0.9f);
    ASSERT_TRUE(store_->SetClassification(p1.post(), {travel}, "").ok());
    ASSERT_TRUE(store_->DeleteAuthor({"tiktok", "carol"}).ok());
  }
  void Open() {
    auto store = Store::Open(OptionsFor(dir_.path()));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  ConsistencyReport Check() {
    int64_t last_progress = 0;
    auto report = store_->CheckConsistency(
        [&last_progress](int64_t posts) { last_progress = posts; });
    EXPECT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(last_progress, report.ok() ? report->posts : -1);
    return report.ok() ? *report : ConsistencyReport();
  }

  testing::ScopedTempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreCheckTest, WhatTheStoreWroteIsConsistent) {
  const ConsistencyReport report = Check();
  EXPECT_TRUE(report.consistent());
  EXPECT_EQ(report.schema_version, kSchemaVersion);
  EXPECT_EQ(report.posts, 2);
  EXPECT_EQ(report.hour_rows, 4);
  EXPECT_EQ(report.author_rows, 4);  // alice's and bob's two days
  EXPECT_EQ(report.totals_differ, 0);
  EXPECT_EQ(report.pending_wrong, 0);
  EXPECT_EQ(report.author_rows_differ, 0);
  EXPECT_EQ(report.topic_rows_short, 0);
  // food's two days keep carol's deleted post: more than its posts make.
  EXPECT_EQ(report.topic_rows_over, 2);
  EXPECT_TRUE(report.examples.empty());
}

TEST_F(StoreCheckTest, DamageIsFoundAndNamed) {
  store_.reset();
  {
    RawDatabase raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    rocksdb::WriteOptions w;
    Counters one;
    one.Add(EventCell(v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER,
                      v1::EVENT_TYPE_LIKE),
            1);
    ASSERT_TRUE(
        raw.db().Merge(w, raw.cf(kCfPostCounters), "p1", one.Encode()).ok());
    ASSERT_TRUE(raw.db().Delete(w, raw.cf(kCfPending), "p2").ok());
    ASSERT_TRUE(raw.db().Put(w, raw.cf(kCfPending), "p9", "").ok());
    ASSERT_TRUE(raw.db()
                    .Delete(w, raw.cf(kCfTopicDayCounters),
                            keys::DayKey("tiktok", "travel", DayOf(T0()) + 1))
                    .ok());
    ASSERT_TRUE(raw.db()
                    .Merge(w, raw.cf(kCfAuthorDayCounters),
                           keys::DayKey("tiktok", "bob", DayOf(T0())),
                           one.Encode())
                    .ok());
  }
  Open();
  const ConsistencyReport report = Check();
  EXPECT_FALSE(report.consistent());
  EXPECT_EQ(report.totals_differ, 1);
  EXPECT_EQ(report.pending_wrong, 2);
  EXPECT_EQ(report.topic_rows_short, 1);
  EXPECT_EQ(report.author_rows_differ, 1);
  EXPECT_THAT(report.examples,
              Contains(HasSubstr("post p1: totals differ from its hours")));
  EXPECT_THAT(report.examples,
              Contains(HasSubstr("post p2: pending, without its mark")));
  EXPECT_THAT(report.examples,
              Contains(HasSubstr("pending mark of post p9: no such post")));
  EXPECT_THAT(report.examples,
              Contains(HasSubstr(absl::StrCat("topic row tiktok/travel/day ",
                                              DayOf(T0()) + 1))));
  EXPECT_THAT(report.examples,
              Contains(HasSubstr(
                  absl::StrCat("author row tiktok/bob/day ", DayOf(T0())))));
}

// The author index is checked both ways: entries without their post or
// other than it, posts without their entry, day rows of authors without
// posts (before the first indexed author and after the last).
TEST_F(StoreCheckTest, AuthorIndexFaultsAreFoundAndNamed) {
  store_.reset();
  {
    RawDatabase raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    rocksdb::WriteOptions w;
    const int64_t ms = absl::ToUnixMillis(T0());
    auto* index = raw.cf(kCfAuthorPosts);
    ASSERT_TRUE(
        raw.db()
            .Delete(w, index, keys::AuthorPostKey("tiktok", "alice", ms, "p1"))
            .ok());
    ASSERT_TRUE(
        raw.db()
            .Put(w, index, keys::AuthorPostKey("tiktok", "bob", ms, "p8"), "")
            .ok());
    ASSERT_TRUE(raw.db()
                    .Put(w, index,
                         keys::AuthorPostKey("tiktok", "bob", ms, "p2"), "food")
                    .ok());
    Counters one;
    one.Add(kPostsPublished, 1);
    for (const char* author : {"aaron", "dave"}) {
      ASSERT_TRUE(raw.db()
                      .Put(w, raw.cf(kCfAuthorDayCounters),
                           keys::DayKey("tiktok", author, DayOf(T0())),
                           one.Encode())
                      .ok());
    }
  }
  Open();
  const ConsistencyReport report = Check();
  EXPECT_FALSE(report.consistent());
  EXPECT_EQ(report.posts, 2);  // p1 found by the look for unindexed posts
  EXPECT_EQ(report.index_wrong, 3);
  // alice's two rows (compared without p1), aaron's and dave's.
  EXPECT_EQ(report.author_rows_differ, 4);
  EXPECT_EQ(report.author_rows, 6);
  EXPECT_EQ(report.topic_rows_short, 0);  // p1's topic share still counted
  EXPECT_EQ(report.totals_differ + report.pending_wrong, 0);
  EXPECT_THAT(report.examples,
              Contains(HasSubstr("post p1: missing from its author's index")));
  EXPECT_THAT(
      report.examples,
      Contains(HasSubstr("author index entry of post p8: no such post")));
  EXPECT_THAT(report.examples,
              Contains(HasSubstr("author index entry of post p2: other top "
                                 "topic than the post's")));
  for (const char* author : {"aaron", "dave"}) {
    EXPECT_THAT(report.examples,
                Contains(HasSubstr(absl::StrCat("author row tiktok/", author,
                                                "/day ", DayOf(T0())))));
  }
}

// An author with more posts than one read takes is compared once, over
// all of them.
TEST_F(StoreCheckTest, AnAuthorWithManyPostsIsComparedOverAllOfThem) {
  std::vector<PostRecord> posts;
  std::vector<v1::EngagementEvent> events;
  for (int i = 0; i < 2500; ++i) {
    const std::string id = absl::StrCat("z", i);
    posts.push_back(Classified(MakePost(id, "zoe", T0()), "food"));
    events.push_back(MakeEvent(absl::StrCat(id, "-e"), id,
                               v1::EVENT_TYPE_IMPRESSION,
                               T0() + absl::Hours(i % 48), 1));
  }
  ASSERT_TRUE(store_->PutPosts(posts).ok());
  ASSERT_TRUE(store_->RecordEvents(events, T0() + absl::Hours(48)).ok());
  const ConsistencyReport report = Check();
  EXPECT_TRUE(report.consistent()) << absl::StrJoin(report.examples, "\n");
  EXPECT_EQ(report.posts, 2502);
  EXPECT_EQ(report.author_rows, 4 + 2);  // zoe's events fall on two days
  EXPECT_EQ(report.author_rows_differ, 0);
}

// A version 1 database counts engagement differently: its topic rows are
// counted, not compared, until a primary upgrades it.
TEST_F(StoreCheckTest, AVersion1DatabaseIsCheckedWithoutItsTopicRows) {
  store_.reset();
  {
    RawDatabase raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(raw.db()
                    .Put(rocksdb::WriteOptions(), raw.cf(kCfMeta),
                         std::string(keys::kSchemaVersionKey), "1")
                    .ok());
    ASSERT_TRUE(raw.db()
                    .Delete(rocksdb::WriteOptions(),
                            raw.cf(kCfTopicDayCounters),
                            keys::DayKey("tiktok", "travel", DayOf(T0())))
                    .ok());
  }
  auto reader =
      Store::OpenSecondary(OptionsFor(dir_.path()), dir_.Sub("secondary"));
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto report = (*reader)->CheckConsistency([](int64_t) {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->schema_version, 1);
  EXPECT_TRUE(report->consistent());
  EXPECT_EQ(report->topic_rows, 3);  // food's two days, travel's second
  EXPECT_EQ(report->topic_rows_short + report->topic_rows_over, 0);
}

}  // namespace
}  // namespace reachrank::storage
