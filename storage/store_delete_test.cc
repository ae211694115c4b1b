// ListAuthorIds and DeleteAuthor: one author's data goes, nobody else's.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "storage/test_util.h"

namespace reachrank::storage {
namespace {

using ::reachrank::storage::testing::Classified;
using ::reachrank::storage::testing::MakeEvent;
using ::reachrank::storage::testing::MakePost;
using ::reachrank::storage::testing::OptionsFor;
using ::reachrank::storage::testing::T0;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::Author MakeAuthor(const std::string& id) {
  v1::Author a;
  a.set_platform("tiktok");
  a.set_author_id(id);
  a.set_followers(100);
  return a;
}

std::vector<std::string> Names(const std::vector<AuthorId>& ids) {
  std::vector<std::string> out;
  for (const AuthorId& id : ids) out.push_back(id.platform + "/" + id.author_id);
  return out;
}

// alice: a record, a classified post p1 and a pending post p2, with events;
// al (a prefix of alice): a post p10 (p1 is a prefix of its id), with
// events; carol: a record only; dave: a post only, on youtube.
class StoreDeleteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(OptionsFor(dir_.path()));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_TRUE(store_
                    ->PutAuthors({MakeAuthor("alice"), MakeAuthor("carol")})
                    .ok());
    PostRecord dave = MakePost("d1", "dave", T0());
    dave.mutable_post()->set_platform("youtube");
    auto put = store_->PutPosts(
        {Classified(MakePost("p1", "alice", T0()), "food"),
         MakePost("p2", "alice", T0() + absl::Hours(1)),
         Classified(MakePost("p10", "al", T0()), "food"), dave});
    ASSERT_TRUE(put.ok()) << put.status();
    auto recorded = store_->RecordEvents(
        {MakeEvent("e1", "p1", v1::EVENT_TYPE_IMPRESSION, T0(), 5),
         MakeEvent("e2", "p1", v1::EVENT_TYPE_LIKE, T0() + absl::Hours(3), 2),
         MakeEvent("e3", "p2", v1::EVENT_TYPE_IMPRESSION, T0(), 7),
         MakeEvent("e4", "p10", v1::EVENT_TYPE_IMPRESSION, T0(), 11)},
        T0() + absl::Hours(4));
    ASSERT_TRUE(recorded.ok()) << recorded.status();
    ASSERT_EQ(recorded->accepted, 4u);
  }
  std::vector<std::string> AllAuthors(size_t page) {
    std::vector<std::string> out;
    std::optional<AuthorId> after;
    for (;;) {
      auto ids = store_->ListAuthorIds(page, after);
      EXPECT_TRUE(ids.ok()) << ids.status();
      if (!ids.ok()) return out;
      for (const std::string& name : Names(*ids)) out.push_back(name);
      if (ids->size() < page) return out;
      after = ids->back();
    }
  }
  std::vector<DayCounters> Days(const std::string& author) {
    auto rows = store_->AuthorDays("tiktok", author, DayOf(T0()) - 1,
                                   DayOf(T0()) + 1);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<DayCounters>();
  }
  std::string TopicRows() {
    auto rows = store_->TopicDays("tiktok", "food", DayOf(T0()), DayOf(T0()));
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty() ? (*rows)[0].counters.Encode() : "";
  }

  testing::ScopedTempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreDeleteTest, ListsEveryAuthorWithARecordOrAPostOnce) {
  const std::vector<std::string> all = {"tiktok/al", "tiktok/alice",
                                        "tiktok/carol", "youtube/dave"};
  EXPECT_EQ(AllAuthors(100), all);
  EXPECT_EQ(AllAuthors(1), all);
  EXPECT_EQ(AllAuthors(3), all);
}

TEST_F(StoreDeleteTest, DeletesOneAuthorsPostsCountersAndRecord) {
  const std::string topic_before = TopicRows();
  ASSERT_FALSE(topic_before.empty());
  ASSERT_FALSE(Days("alice").empty());
  auto deleted = store_->DeleteAuthor({"tiktok", "alice"});
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2);

  for (const char* id : {"p1", "p2"}) {
    EXPECT_EQ(store_->GetPost(id).status().code(), absl::StatusCode::kNotFound)
        << id;
    auto totals = store_->PostCounters(id);
    ASSERT_TRUE(totals.ok());
    EXPECT_TRUE(totals->empty()) << id;
    auto hours = store_->PostHours(id);
    ASSERT_TRUE(hours.ok());
    EXPECT_THAT(*hours, IsEmpty()) << id;
  }
  EXPECT_EQ(store_->GetAuthor("tiktok", "alice").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(Days("alice"), IsEmpty());
  auto posts = store_->AuthorPosts("tiktok", "alice", absl::InfiniteFuture(),
                                   100);
  ASSERT_TRUE(posts.ok());
  EXPECT_THAT(*posts, IsEmpty());
  auto pending = store_->ListPending(100);
  ASSERT_TRUE(pending.ok());
  EXPECT_THAT(*pending, ElementsAre("d1"));
  EXPECT_EQ(AllAuthors(100),
            (std::vector<std::string>{"tiktok/al", "tiktok/carol",
                                      "youtube/dave"}));
  // The market as this database saw it stays.
  EXPECT_EQ(TopicRows(), topic_before);

  // Nobody else's data moved: al (a prefix of alice) and p10 (p1 a prefix
  // of its id) keep their post, hours and day rows.
  auto p10 = store_->PostCounters("p10");
  ASSERT_TRUE(p10.ok());
  EXPECT_EQ(p10->Get(EventCell(v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER,
                            v1::EVENT_TYPE_IMPRESSION)),
            11);
  auto p10_hours = store_->PostHours("p10");
  ASSERT_TRUE(p10_hours.ok());
  EXPECT_EQ(p10_hours->size(), 1u);
  EXPECT_EQ(Days("al").size(), 1u);
  EXPECT_TRUE(store_->GetAuthor("tiktok", "carol").ok());

  // Events of a deleted post find no post; the post may come back.
  auto late = store_->RecordEvents(
      {MakeEvent("e5", "p1", v1::EVENT_TYPE_IMPRESSION, T0(), 1)},
      T0() + absl::Hours(5));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->unknown_post, 1u);
  ASSERT_TRUE(store_->PutPosts({MakePost("p1", "alice", T0())}).ok());
  ASSERT_EQ(Days("alice").size(), 1u);
  EXPECT_EQ(Days("alice")[0].counters.Get(kPostsPublished), 1);
}

TEST_F(StoreDeleteTest, DeletionSurvivesReopen) {
  auto deleted = store_->DeleteAuthor({"tiktok", "al"});
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 1);
  store_.reset();  // no flush: the write is in the WAL
  auto reopened = Store::Open(OptionsFor(dir_.path()));
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  store_ = *std::move(reopened);
  EXPECT_EQ(store_->GetPost("p10").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(Days("al"), IsEmpty());
  EXPECT_TRUE(store_->GetPost("p1").ok());
}

TEST_F(StoreDeleteTest, UnknownAuthorsAndBadIds) {
  auto carol = store_->DeleteAuthor({"tiktok", "carol"});
  ASSERT_TRUE(carol.ok()) << carol.status();
  EXPECT_EQ(*carol, 0);  // a record, no posts
  EXPECT_EQ(store_->GetAuthor("tiktok", "carol").status().code(),
            absl::StatusCode::kNotFound);
  auto nobody = store_->DeleteAuthor({"tiktok", "nobody"});
  ASSERT_TRUE(nobody.ok()) << nobody.status();
  EXPECT_EQ(*nobody, 0);
  EXPECT_EQ(store_->DeleteAuthor({"tiktok", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreDeleteTest, SecondaryRefusesToDelete) {
  ASSERT_TRUE(store_->Flush().ok());
  auto secondary =
      Store::OpenSecondary(OptionsFor(dir_.path()), dir_.Sub("secondary"));
  ASSERT_TRUE(secondary.ok()) << secondary.status();
  EXPECT_EQ((*secondary)->DeleteAuthor({"tiktok", "alice"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto ids = (*secondary)->ListAuthorIds(10, std::nullopt);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(ids->size(), 4u);
}

}  // namespace
}  // namespace reachrank::storage
