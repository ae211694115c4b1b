#include "services/ingest/reclassify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/common/test_support.h"
#include "services/ingest/fake_classifier.h"
#include "services/ingest/temp_store.h"
#include "storage/counters.h"
#include "storage/keys.h"

namespace reachrank::ingest {
namespace {

constexpr int64_t kCreatedSeconds = 1'700'000'000;

class ReclassifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTempStore("reclassify_test");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  // Stores a post with `text`, classified as `topic` unless it is empty
  // (then pending).
  void Put(const std::string& id, const std::string& text,
           const std::string& topic) {
    storage::PostRecord r;
    r.mutable_post()->set_post_id(id);
    r.mutable_post()->set_platform("douyin");
    r.mutable_post()->set_author_id("au");
    r.mutable_post()->mutable_created_at()->set_seconds(kCreatedSeconds);
    r.mutable_post()->set_text(text);
    if (!topic.empty()) {
      v1::TopicScore* t = r.add_topics();
      t->set_topic_id(topic);
      t->set_probability(0.75f);
      r.add_topics()->CopyFrom(EntertainmentQuarter());
      r.set_language("en");
      r.set_classified(true);
    }
    ASSERT_TRUE(store_->PutPosts({r}).ok());
  }

  static v1::TopicScore EntertainmentQuarter() {
    v1::TopicScore t;
    t.set_topic_id("entertainment");
    t.set_probability(0.25f);
    return t;
  }

  int64_t Published(const std::string& topic) {
    const int32_t day = static_cast<int32_t>(kCreatedSeconds / 86400);
    auto rows = store_->TopicDays("douyin", topic, day, day);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty()
               ? (*rows)[0].counters.Get(storage::kPostsPublished)
               : 0;
  }

  FakeClassifier fake_;  // "travel", or "science/technology" for "code"
  std::unique_ptr<storage::Store> store_;
};

TEST_F(ReclassifyTest, StoresOnlyWhatChangedAndMovesTheSupplyCounters) {
  Put("a", "a trip", "travel");       // unchanged
  Put("b", "how to code", "travel");  // moves to science/technology
  Put("c", "reject-me", "travel");    // refused: no topics, "und"
  Put("d", "a walk", "");             // pending
  Put("e", "more code", "science/technology");
  ASSERT_EQ(Published("travel"), 3);
  std::vector<int64_t> seen;
  ReclassifyOptions options;
  options.top_k = 2;
  options.batch = 2;
  options.progress = [&seen](const ReclassifySummary& so_far) {
    seen.push_back(so_far.posts);
  };
  auto summary = ReclassifyAll(*store_, fake_, options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->posts, 5);
  EXPECT_EQ(summary->changed, 3);  // b, c, d
  EXPECT_EQ(summary->moved, 3);  // travel -> sci/tech, -> none, none -> travel
  EXPECT_EQ(summary->refused, 1);
  EXPECT_EQ(seen, (std::vector<int64_t>{2, 4, 5}));
  const std::map<TopicMove, int64_t> moves = {
      {{"", "travel"}, 1},
      {{"travel", ""}, 1},
      {{"travel", "science/technology"}, 1}};
  EXPECT_EQ(summary->moves, moves);

  EXPECT_EQ(store_->GetPost("b")->topics(0).topic_id(), "science/technology");
  EXPECT_TRUE(store_->GetPost("c")->topics().empty());
  EXPECT_EQ(store_->GetPost("c")->language(), "und");
  EXPECT_TRUE(store_->GetPost("d")->classified());
  EXPECT_TRUE(store_->ListPending(10)->empty());
  EXPECT_EQ(Published("travel"), 2);              // a and d
  EXPECT_EQ(Published("science/technology"), 2);  // b and e

  // A second run finds nothing to change.
  summary = ReclassifyAll(*store_, fake_, options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->posts, 5);
  EXPECT_EQ(summary->changed, 0);
}

// A topic id the store cannot keep (over its 256 bytes) is left out; the
// run goes on past the post (it stopped there), and a second run finds
// nothing to change.
TEST_F(ReclassifyTest, ATopicIdTheStoreCannotKeepIsLeftOut) {
  Put("a", "a long-topic post", "travel");
  Put("b", "how to code", "travel");
  ReclassifyOptions options;
  options.top_k = 2;
  auto summary = ReclassifyAll(*store_, fake_, options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->posts, 2);
  EXPECT_EQ(summary->changed, 2);
  ASSERT_EQ(store_->GetPost("a")->topics_size(), 1);
  EXPECT_EQ(store_->GetPost("a")->topics(0).topic_id(), "entertainment");
  EXPECT_EQ(store_->GetPost("b")->topics(0).topic_id(), "science/technology");
  summary = ReclassifyAll(*store_, fake_, options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->changed, 0);
}

TEST_F(ReclassifyTest, ADryRunCountsWhatWouldChangeAndStoresNothing) {
  Put("a", "a trip", "travel");
  Put("b", "how to code", "travel");
  Put("c", "more code", "travel");
  Put("d", "a walk", "");
  ReclassifyOptions options;
  options.dry_run = true;
  auto summary = ReclassifyAll(*store_, fake_, options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->posts, 4);
  EXPECT_EQ(summary->changed, 3);
  EXPECT_EQ(summary->moved, 3);
  EXPECT_EQ(LargestMoves(summary->moves, 1),
            (std::vector<std::pair<TopicMove, int64_t>>{
                {{"travel", "science/technology"}, 2}}));
  EXPECT_EQ(store_->GetPost("b")->topics(0).topic_id(), "travel");
  EXPECT_FALSE(store_->GetPost("d")->classified());
  EXPECT_EQ(Published("travel"), 3);
  // The run it foretold.
  auto real = ReclassifyAll(*store_, fake_, {});
  ASSERT_TRUE(real.ok()) << real.status();
  EXPECT_EQ(real->changed, 3);
  EXPECT_EQ(real->moves, summary->moves);
}

TEST(LargestMovesTest, LargestFirstTiesInKeyOrder) {
  const std::map<TopicMove, int64_t> moves = {
      {{"a", "b"}, 1}, {{"a", "c"}, 5}, {{"b", "a"}, 5}, {{"c", "a"}, 2}};
  EXPECT_EQ(LargestMoves(moves, 3),
            (std::vector<std::pair<TopicMove, int64_t>>{
                {{"a", "c"}, 5}, {{"b", "a"}, 5}, {{"c", "a"}, 2}}));
  EXPECT_EQ(LargestMoves(moves, 10).size(), 4u);
}

TEST_F(ReclassifyTest, APostEditedWhileClassifiedIsLeftPendingForIngest) {
  Put("a", "how to code", "travel");
  EditingClassifier editing(*store_, fake_, "more code");
  auto summary = ReclassifyAll(*store_, editing, {});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->posts, 1);
  EXPECT_EQ(summary->changed, 0);
  EXPECT_EQ(summary->skipped, 1);
  auto a = store_->GetPost("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->post().text(), "more code");
  EXPECT_FALSE(a->classified());
  EXPECT_EQ(*store_->ListPending(10), std::vector<std::string>{"a"});
}

TEST_F(ReclassifyTest, AClassifierErrorEndsTheRunAndABadBatchSizeIsInvalid) {
  Put("a", "a trip", "");
  fake_.set_up(false);
  EXPECT_EQ(ReclassifyAll(*store_, fake_, {}).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_->ListPending(10)->size(), 1u);
  ReclassifyOptions options;
  options.batch = topics::kMaxBatchItems + 1;
  EXPECT_EQ(ReclassifyAll(*store_, fake_, options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ReclassifyTest, StopEndsTheRunBeforeTheNextBatchKeepingWhatWasStored) {
  Put("a", "how to code", "travel");
  Put("b", "more code", "travel");
  Put("c", "code again", "travel");
  ReclassifyOptions options;
  options.batch = 2;
  int64_t read = 0;
  options.progress = [&read](const ReclassifySummary& so_far) {
    read = so_far.posts;
  };
  options.stop = [&read] { return read >= 2; };
  auto summary = ReclassifyAll(*store_, fake_, options);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(std::string(summary.status().message()),
              ::testing::HasSubstr("after 2 posts (2 changed and stored)"));
  EXPECT_EQ(store_->GetPost("a")->topics(0).topic_id(), "science/technology");
  EXPECT_EQ(store_->GetPost("b")->topics(0).topic_id(), "science/technology");
  EXPECT_EQ(store_->GetPost("c")->topics(0).topic_id(), "travel");
}

}  // namespace
}  // namespace reachrank::ingest
