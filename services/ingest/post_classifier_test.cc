#include "services/ingest/post_classifier.h"

#include <gtest/gtest.h>

#include "services/common/test_support.h"
#include "services/ingest/fake_classifier.h"
#include "services/ingest/temp_store.h"

namespace reachrank::ingest {
namespace {

class PostClassifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTempStore("post_classifier_test");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  // Stores posts pending classification.
  void Put(const std::vector<std::pair<std::string, std::string>>& posts) {
    std::vector<storage::PostRecord> records;
    for (const auto& [id, text] : posts) {
      storage::PostRecord& r = records.emplace_back();
      r.mutable_post()->set_post_id(id);
      r.mutable_post()->set_platform("douyin");
      r.mutable_post()->set_author_id("au");
      r.mutable_post()->mutable_created_at()->set_seconds(1'700'000'000);
      r.mutable_post()->set_text(text);
    }
    ASSERT_TRUE(store_->PutPosts(records).ok());
  }

  size_t Pending() { return store_->ListPending(1000)->size(); }

  prometheus::Registry registry_;
  IngestMetrics metrics_{registry_};
  FakeClassifier fake_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(PostClassifierTest, DrainClassifiesEveryPendingPostInBatches) {
  PostClassifierOptions options;
  options.batch = 2;
  PostClassifier classifier(*store_, &fake_, metrics_, options);
  Put({{"a", "x"}, {"b", "y"}, {"c", "code"}, {"d", "z"}, {"e", "w"}});
  ASSERT_EQ(Pending(), 5u);
  auto done = classifier.DrainPending();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(*done, 5u);
  EXPECT_EQ(Pending(), 0u);
  EXPECT_EQ(fake_.calls(), 3);
  auto c = store_->GetPost("c");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->classified());
  EXPECT_EQ(c->topics(0).topic_id(), "science/technology");
  EXPECT_EQ(c->topics_size(), 2);
}

TEST_F(PostClassifierTest, FailureKeepsPostsPendingAndSkipsInlineCalls) {
  PostClassifier classifier(*store_, &fake_, metrics_, {});
  Put({{"a", "x"}});
  fake_.set_up(false);
  EXPECT_EQ(classifier.DrainPending().status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(Pending(), 1u);
  int calls = fake_.calls();
  // Known down: a new post waits for the background pass, no call is made.
  std::vector<std::string> ids = {"a"};
  EXPECT_EQ(*classifier.ClassifyNew(ids), 0u);
  EXPECT_EQ(fake_.calls(), calls);
  fake_.set_up(true);
  EXPECT_EQ(*classifier.DrainPending(), 1u);
  EXPECT_EQ(Pending(), 0u);
}

// Deletes the posts' author (as DeleteAuthors would) while their batch is
// being classified, then answers as `inner`.
class DeletingClassifier final : public topics::TopicClassifier {
 public:
  DeletingClassifier(storage::Store& store, topics::TopicClassifier& inner)
      : store_(store), inner_(inner) {}
  absl::StatusOr<std::vector<topics::Classification>> Classify(
      absl::Span<const topics::TextItem> items, int top_k) override {
    if (!store_.DeleteAuthor({"douyin", "au"}).ok()) {
      return absl::InternalError("delete failed");
    }
    return inner_.Classify(items, top_k);
  }
  std::string ModelVersion() const override { return "deleting"; }

 private:
  storage::Store& store_;
  topics::TopicClassifier& inner_;
};

TEST_F(PostClassifierTest, PostsDeletedWhileClassifiedDoNotFailThePass) {
  DeletingClassifier deleting(*store_, fake_);
  PostClassifier classifier(*store_, &deleting, metrics_, {});
  Put({{"a", "x"}, {"b", "y"}});
  auto done = classifier.DrainPending();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(Pending(), 0u);
  EXPECT_EQ(store_->GetPost("a").status().code(), absl::StatusCode::kNotFound);
  // Not taken for an outage: a new post is sent to the classifier at once.
  Put({{"c", "code"}});
  const int calls = fake_.calls();
  std::vector<std::string> ids = {"c"};
  ASSERT_TRUE(classifier.ClassifyNew(ids).ok());
  EXPECT_EQ(fake_.calls(), calls + 1);
}

TEST_F(PostClassifierTest,
       APostEditedWhileClassifiedGetsTheTopicsOfItsNewText) {
  EditingClassifier editing(*store_, fake_, "how I write code");
  PostClassifier classifier(*store_, &editing, metrics_, {});
  Put({{"a", "a day at the beach"}});
  // The pass classified the old text: its result is not stored over the
  // new one, which the same pass classifies at once.
  auto done = classifier.DrainPending();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(*done, 1u);
  EXPECT_EQ(editing.edits(), 1);
  EXPECT_EQ(fake_.calls(), 2);
  auto a = store_->GetPost("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->post().text(), "how I write code");
  EXPECT_TRUE(a->classified());
  EXPECT_EQ(a->topics(0).topic_id(), "science/technology");
  EXPECT_EQ(Pending(), 0u);
}

// A post edited at every classification is tried four times (the first
// and three more), then left pending for the next pass instead of holding
// the pass.
TEST_F(PostClassifierTest, APostEditedWithoutPauseIsLeftForTheNextPass) {
  EditingClassifier editing(*store_, fake_, "how I write code", 100);
  PostClassifier classifier(*store_, &editing, metrics_, {});
  Put({{"a", "a day at the beach"}});
  auto done = classifier.DrainPending();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(*done, 0u);
  EXPECT_EQ(editing.edits(), 4);
  EXPECT_EQ(Pending(), 1u);
  EXPECT_EQ(store_->GetPost("a")->post().text(), "how I write code 4");
}

TEST_F(PostClassifierTest, RefusedTextIsStoredWithoutTopics) {
  PostClassifier classifier(*store_, &fake_, metrics_, {});
  Put({{"a", "fine"}, {"b", "reject-me"}});
  EXPECT_EQ(*classifier.DrainPending(), 2u);
  EXPECT_EQ(Pending(), 0u);
  auto b = store_->GetPost("b");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->classified());
  EXPECT_EQ(b->topics_size(), 0);
  EXPECT_EQ(b->language(), "und");
  EXPECT_EQ(store_->GetPost("a")->topics(0).topic_id(), "travel");
}

// A topic id the store cannot keep (over its 256 bytes) is left out; the
// rest of the classification is stored. The store refused the whole of it,
// which failed every pass (each began with that post).
TEST_F(PostClassifierTest, ATopicIdTheStoreCannotKeepIsLeftOut) {
  PostClassifier classifier(*store_, &fake_, metrics_, {});
  Put({{"a", "a long-topic post"}, {"b", "fine"}});
  EXPECT_EQ(*classifier.DrainPending(), 2u);
  EXPECT_EQ(Pending(), 0u);
  auto a = store_->GetPost("a");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->classified());
  ASSERT_EQ(a->topics_size(), 1);
  EXPECT_EQ(a->topics(0).topic_id(), "entertainment");
  EXPECT_EQ(a->language(), "en");
  EXPECT_EQ(store_->GetPost("b")->topics(0).topic_id(), "travel");
}

TEST_F(PostClassifierTest, WithoutClassifierPostsStayPending) {
  PostClassifier classifier(*store_, nullptr, metrics_, {});
  Put({{"a", "x"}});
  std::vector<std::string> ids = {"a"};
  EXPECT_EQ(*classifier.ClassifyNew(ids), 0u);
  EXPECT_EQ(*classifier.DrainPending(), 0u);
  EXPECT_EQ(Pending(), 1u);
}

TEST_F(PostClassifierTest, BackgroundThreadStartsAndStops) {
  PostClassifierOptions options;
  options.interval = absl::Milliseconds(5);
  PostClassifier classifier(*store_, &fake_, metrics_, options);
  classifier.Start();
  classifier.Start();  // idempotent
  Put({{"a", "x"}});
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (Pending() > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  classifier.Stop();
  classifier.Stop();
  EXPECT_EQ(Pending(), 0u);
}

}  // namespace
}  // namespace reachrank::ingest
