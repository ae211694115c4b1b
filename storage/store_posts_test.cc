// Posts, classification, the pending set, authors and the author index.
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
using ::reachrank::storage::testing::MakePost;
using ::reachrank::storage::testing::OptionsFor;
using ::reachrank::storage::testing::T0;
using ::testing::ElementsAre;

class StorePostsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(OptionsFor(dir_.path()));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  std::vector<std::string> Pending() {
    auto pending = store_->ListPending(100);
    EXPECT_TRUE(pending.ok()) << pending.status();
    return pending.ok() ? *pending : std::vector<std::string>();
  }
  int64_t TopicCell(const std::string& topic, uint32_t cell) {
    auto rows = store_->TopicDays("tiktok", topic, DayOf(T0()), DayOf(T0()));
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty() ? (*rows)[0].counters.Get(cell) : 0;
  }
  int64_t AuthorPublished(const std::string& author) {
    auto rows = store_->AuthorDays("tiktok", author, DayOf(T0()), DayOf(T0()));
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty()
               ? (*rows)[0].counters.Get(kPostsPublished)
               : 0;
  }

  testing::ScopedTempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StorePostsTest, NewPostsArePendingAndCountedOnce) {
  auto r = store_->PutPosts({MakePost("p1", "alice", T0()),
                             MakePost("p2", "alice", T0() + absl::Hours(1))});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE((*r)[0].created);
  EXPECT_TRUE((*r)[0].needs_classification);
  EXPECT_THAT(Pending(), ElementsAre("p1", "p2"));
  EXPECT_EQ(AuthorPublished("alice"), 2);

  // Re-upserting the same post changes no counter.
  r = store_->PutPosts({MakePost("p1", "alice", T0())});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE((*r)[0].created);
  EXPECT_TRUE((*r)[0].needs_classification);
  EXPECT_EQ(AuthorPublished("alice"), 2);

  auto post = store_->GetPost("p1");
  ASSERT_TRUE(post.ok()) << post.status();
  EXPECT_EQ(post->post().author_id(), "alice");
  EXPECT_FALSE(post->classified());
  EXPECT_EQ(post->language(), "en");
  EXPECT_GT(post->updated_ms(), 0);
  EXPECT_EQ(store_->GetPost("nope").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(StorePostsTest, SameBatchRepeatCountsOnce) {
  auto r = store_->PutPosts(
      {MakePost("p1", "alice", T0()), MakePost("p1", "alice", T0())});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE((*r)[0].created);
  EXPECT_FALSE((*r)[1].created);
  EXPECT_EQ(AuthorPublished("alice"), 1);
}

TEST_F(StorePostsTest, SetClassificationUpdatesEverythingTogether) {
  const PostRecord p1 = MakePost("p1", "alice", T0());
  ASSERT_TRUE(store_->PutPosts({p1}).ok());
  v1::TopicScore main, side;
  main.set_topic_id("food/cooking");
  main.set_probability(0.7f);
  side.set_topic_id("travel");
  side.set_probability(0.2f);
  ASSERT_TRUE(store_->SetClassification(p1.post(), {main, side}, "de").ok());

  EXPECT_TRUE(Pending().empty());
  auto post = store_->GetPost("p1");
  ASSERT_TRUE(post.ok());
  EXPECT_TRUE(post->classified());
  EXPECT_EQ(post->language(), "de");
  ASSERT_EQ(post->topics_size(), 2);
  EXPECT_EQ(post->topics(0).topic_id(), "food/cooking");
  EXPECT_EQ(TopicCell("food/cooking", kPostsPublished), 1);
  EXPECT_EQ(TopicCell("food/cooking", kPostsClassified), 1);
  EXPECT_EQ(TopicCell("travel", kPostsPublished), 0);
  EXPECT_EQ(TopicCell("travel", kPostsClassified), 1);

  auto entries = store_->AuthorPosts("tiktok", "alice", T0(), 10);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].topic_id, "food/cooking");

  // Reclassifying moves the post between topics instead of double counting.
  ASSERT_TRUE(store_->SetClassification(p1.post(), {side}, "").ok());
  EXPECT_EQ(TopicCell("food/cooking", kPostsPublished), 0);
  EXPECT_EQ(TopicCell("travel", kPostsPublished), 1);
  EXPECT_EQ(TopicCell("travel", kPostsClassified), 1);
  EXPECT_EQ(store_
                ->SetClassification(MakePost("nope", "alice", T0()).post(),
                                    {main}, "")
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(StorePostsTest, AClassificationOfContentSinceReplacedIsRefused) {
  const PostRecord read = MakePost("p1", "alice", T0());
  ASSERT_TRUE(store_->PutPosts({read}).ok());
  PostRecord edited = read;
  edited.mutable_post()->add_hashtags("cooking");
  ASSERT_TRUE(store_->PutPosts({edited}).ok());
  v1::TopicScore travel;
  travel.set_topic_id("travel");
  travel.set_probability(0.9f);
  absl::Status stale = store_->SetClassification(read.post(), {travel}, "en");
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  EXPECT_EQ(Pending(), std::vector<std::string>{"p1"});
  EXPECT_FALSE(store_->GetPost("p1")->classified());
  EXPECT_EQ(TopicCell("travel", kPostsClassified), 0);
  // The text, language and hashtags count; other fields do not.
  edited.mutable_post()->set_duration_seconds(42);
  ASSERT_TRUE(store_->PutPosts({edited}).ok());
  PostRecord as_read = edited;
  as_read.mutable_post()->set_duration_seconds(7);
  EXPECT_TRUE(store_->SetClassification(as_read.post(), {travel}, "en").ok());
  EXPECT_TRUE(Pending().empty());
}

TEST_F(StorePostsTest, ClassifiedOnArrivalAndTextChange) {
  auto r = store_->PutPosts({Classified(MakePost("p1", "bob", T0()), "news")});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)[0].needs_classification);
  EXPECT_TRUE(Pending().empty());
  EXPECT_EQ(TopicCell("news", kPostsPublished), 1);

  // Same text, no topics given: the classification is kept.
  r = store_->PutPosts({MakePost("p1", "bob", T0())});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)[0].needs_classification);
  EXPECT_EQ(TopicCell("news", kPostsPublished), 1);

  // New text: pending again, out of the topic's supply until reclassified.
  r = store_->PutPosts({MakePost("p1", "bob", T0(), "rewritten")});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].needs_classification);
  EXPECT_THAT(Pending(), ElementsAre("p1"));
  EXPECT_EQ(TopicCell("news", kPostsPublished), 0);
  EXPECT_EQ(AuthorPublished("bob"), 1);
}

// Hashtags are classified with the text: new hashtags, new topics.
TEST_F(StorePostsTest, ChangedHashtagsMakeAPostPendingAgain) {
  PostRecord tagged = MakePost("p1", "bob", T0());
  tagged.mutable_post()->add_hashtags("travel");
  ASSERT_TRUE(store_->PutPosts({Classified(tagged, "news")}).ok());

  auto r = store_->PutPosts({tagged});  // same hashtags: kept
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)[0].needs_classification);
  EXPECT_EQ(TopicCell("news", kPostsPublished), 1);

  tagged.mutable_post()->add_hashtags("food");
  r = store_->PutPosts({tagged});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].needs_classification);
  EXPECT_THAT(Pending(), ElementsAre("p1"));
  EXPECT_EQ(TopicCell("news", kPostsPublished), 0);
}

TEST_F(StorePostsTest, ListPostIdsPagesInKeyOrder) {
  std::vector<PostRecord> records;
  for (const char* id : {"p3", "p1", "p20", "p2"}) {
    records.push_back(MakePost(id, "alice", T0()));
  }
  ASSERT_TRUE(store_->PutPosts(records).ok());
  auto first = store_->ListPostIds(3, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(*first, ElementsAre("p1", "p2", "p20"));
  auto rest = store_->ListPostIds(3, std::string("p20"));
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_THAT(*rest, ElementsAre("p3"));
  auto between = store_->ListPostIds(3, std::string("p10"));  // no such post
  ASSERT_TRUE(between.ok());
  EXPECT_THAT(*between, ElementsAre("p2", "p20", "p3"));
  auto end = store_->ListPostIds(3, std::string("p3"));
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(end->empty());
}

TEST_F(StorePostsTest, ListAuthorsPagesInKeyOrder) {
  std::vector<v1::Author> authors;
  for (const auto& [platform, id] :
       std::vector<std::pair<std::string, std::string>>{{"tiktok", "bob"},
                                                        {"tiktok", "alice"},
                                                        {"instagram", "zed"},
                                                        {"tiktok", "al"}}) {
    v1::Author& a = authors.emplace_back();
    a.set_platform(platform);
    a.set_author_id(id);
    a.set_followers(static_cast<int64_t>(id.size()));
  }
  ASSERT_TRUE(store_->PutAuthors(authors).ok());
  auto ids = [](const std::vector<v1::Author>& page) {
    std::vector<std::string> out;
    for (const v1::Author& a : page) {
      out.push_back(a.platform() + "/" + a.author_id());
    }
    return out;
  };
  auto first = store_->ListAuthors(2, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(ids(*first), ElementsAre("instagram/zed", "tiktok/al"));
  EXPECT_EQ((*first)[1].followers(), 2);
  auto second = store_->ListAuthors(2, AuthorId{"tiktok", "al"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(ids(*second), ElementsAre("tiktok/alice", "tiktok/bob"));
  auto end = store_->ListAuthors(2, AuthorId{"tiktok", "bob"});
  ASSERT_TRUE(end.ok()) << end.status();
  EXPECT_TRUE(end->empty());
  // A start that is no author resumes at the next one.
  auto between = store_->ListAuthors(10, AuthorId{"tiktok", "b"});
  ASSERT_TRUE(between.ok()) << between.status();
  EXPECT_THAT(ids(*between), ElementsAre("tiktok/bob"));
}

TEST_F(StorePostsTest, AuthorPostsNewestFirstUntil) {
  ASSERT_TRUE(store_
                  ->PutPosts({MakePost("a", "carol", T0()),
                              MakePost("b", "carol", T0() + absl::Hours(2)),
                              MakePost("c", "carol", T0() + absl::Hours(4)),
                              MakePost("x", "carol2", T0() + absl::Hours(1))})
                  .ok());
  auto ids = [&](absl::Time until, size_t limit) {
    std::vector<std::string> out;
    auto entries = store_->AuthorPosts("tiktok", "carol", until, limit);
    EXPECT_TRUE(entries.ok()) << entries.status();
    if (entries.ok()) {
      for (const auto& e : *entries) out.push_back(e.post_id);
    }
    return out;
  };
  EXPECT_THAT(ids(T0() + absl::Hours(10), 10), ElementsAre("c", "b", "a"));
  EXPECT_THAT(ids(T0() + absl::Hours(2), 10), ElementsAre("b", "a"));
  EXPECT_THAT(ids(T0() + absl::Hours(10), 2), ElementsAre("c", "b"));
  EXPECT_THAT(ids(T0() - absl::Seconds(1), 10), ElementsAre());
  auto entries = store_->AuthorPosts("tiktok", "carol", T0(), 1);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ((*entries)[0].created_ms, absl::ToUnixMillis(T0()));
}

TEST_F(StorePostsTest, MultiGetPostsInOrderWithGaps) {
  ASSERT_TRUE(
      store_->PutPosts({MakePost("p1", "a", T0()), MakePost("p2", "a", T0())})
          .ok());
  auto got = store_->MultiGetPosts({"p2", "zz", "p1"});
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0]->post().post_id(), "p2");
  EXPECT_FALSE((*got)[1].has_value());
  EXPECT_EQ((*got)[2]->post().post_id(), "p1");
}

TEST_F(StorePostsTest, AuthorsRoundTrip) {
  v1::Author a;
  a.set_platform("youtube");
  a.set_author_id("dave");
  a.set_followers(1234);
  (*a.mutable_followers_elsewhere())["tiktok"] = 99;
  ASSERT_TRUE(store_->PutAuthors({a}).ok());
  auto got = store_->GetAuthor("youtube", "dave");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->followers(), 1234);
  EXPECT_EQ(got->followers_elsewhere().at("tiktok"), 99);
  EXPECT_EQ(store_->GetAuthor("tiktok", "dave").status().code(),
            absl::StatusCode::kNotFound);
  v1::Author bad;
  EXPECT_EQ(store_->PutAuthors({bad}).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace reachrank::storage
