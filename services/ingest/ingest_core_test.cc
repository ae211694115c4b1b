#include "services/ingest/ingest_core.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "base/shard.h"
#include "prometheus/text_serializer.h"
#include "services/common/test_support.h"
#include "services/ingest/fake_classifier.h"
#include "services/ingest/temp_store.h"

namespace reachrank::ingest {
namespace {

using ::testing::ElementsAre;

const absl::Time kNow = absl::FromUnixSeconds(1'750'000'000);

v1::Post Post(const std::string& id,
              const std::string& text = "a day in Rome") {
  v1::Post p;
  p.set_post_id(id);
  p.set_platform("douyin");
  p.set_author_id("au");
  p.mutable_created_at()->set_seconds(absl::ToUnixSeconds(kNow) - 3600);
  p.set_text(text);
  p.set_media_kind(v1::MEDIA_KIND_VIDEO);
  return p;
}

v1::EngagementEvent Event(const std::string& id, const std::string& post,
                          v1::EventType type, uint32_t count = 0) {
  v1::EngagementEvent e;
  e.set_event_id(id);
  e.set_post_id(post);
  e.set_type(type);
  e.set_surface(v1::SURFACE_RECOMMENDED);
  e.set_relation(v1::RELATION_STRANGER);
  e.mutable_at()->set_seconds(absl::ToUnixSeconds(kNow));
  e.set_count(count);
  return e;
}

class IngestCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTempStore("ingest_core_test");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    IngestCoreOptions core_options;
    core_options.now = [] { return kNow; };
    core_options.classification.interval = absl::Milliseconds(10);
    core_ = std::make_unique<IngestCore>(*store_, &classifier_, metrics_,
                                         core_options);
  }

  v1::ClassificationState State(const std::string& id) {
    auto stats = core_->GetPostStats(id);
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->classification_state()
                      : v1::CLASSIFICATION_STATE_UNSPECIFIED;
  }

  std::string Scrape() {
    return prometheus::TextSerializer().Serialize(registry_.Collect());
  }

  prometheus::Registry registry_;
  IngestMetrics metrics_{registry_};
  FakeClassifier classifier_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<IngestCore> core_;
};

TEST_F(IngestCoreTest, UpsertPostsWritesValidItemsAndReportsBadOnes) {
  std::vector<v1::Post> posts = {Post("p0"), Post("p1"), Post("p2", "code")};
  posts[1].set_platform("Bad Platform");
  auto out = core_->UpsertPosts(posts);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->upserted, 2u);
  EXPECT_EQ(out->rejected, 1u);
  ASSERT_EQ(out->items.size(), 3u);
  EXPECT_TRUE(out->items[0].status.ok());
  EXPECT_EQ(out->items[1].id, "p1");
  EXPECT_EQ(out->items[1].status,
            absl::InvalidArgumentError("platform: must match [a-z0-9_]{1,32}"));
  EXPECT_EQ(core_->GetPostStats("p1").status().code(),
            absl::StatusCode::kNotFound);
  auto stats = core_->GetPostStats("p2");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->classification_state(), v1::CLASSIFICATION_STATE_CLASSIFIED);
  EXPECT_EQ(stats->topics(0).topic_id(), "science/technology");
  EXPECT_EQ(stats->post().text(), "code");
  EXPECT_NE(Scrape().find("reachrank_ingest_rejected_total{reason=\"invalid_"
                          "platform\"} 1"),
            std::string::npos);
}

TEST_F(IngestCoreTest, ClassifierDownThenUpPostEndsClassifiedInBackground) {
  classifier_.set_up(false);
  std::vector<v1::Post> posts = {Post("late")};
  auto out = core_->UpsertPosts(posts);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->upserted, 1u);  // never failing the upsert
  EXPECT_EQ(State("late"), v1::CLASSIFICATION_STATE_PENDING);
  core_->classifier().Start();
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(State("late"), v1::CLASSIFICATION_STATE_PENDING);
  classifier_.set_up(true);
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (State("late") != v1::CLASSIFICATION_STATE_CLASSIFIED &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  core_->classifier().Stop();
  auto stats = core_->GetPostStats("late");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->classification_state(), v1::CLASSIFICATION_STATE_CLASSIFIED);
  EXPECT_EQ(stats->topics(0).topic_id(), "travel");
  EXPECT_NE(Scrape().find("reachrank_unclassified_posts 0"), std::string::npos);
}

TEST_F(IngestCoreTest, RecordEventsCountsOnceAndReportsEachRejection) {
  std::vector<v1::Post> posts = {Post("p")};
  ASSERT_TRUE(core_->UpsertPosts(posts).ok());
  std::vector<v1::EngagementEvent> events = {
      Event("e0", "p", v1::EVENT_TYPE_IMPRESSION, 10),
      Event("e1", "p", v1::EVENT_TYPE_LIKE),
      Event("e0", "p", v1::EVENT_TYPE_IMPRESSION, 10),  // replay in batch
      Event("e2", "nope", v1::EVENT_TYPE_LIKE),         // unknown post
      Event("e3", "p", v1::EVENT_TYPE_UNSPECIFIED),     // invalid
  };
  auto out = core_->RecordEvents(events);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->accepted, 2u);
  EXPECT_EQ(out->duplicates, 1u);
  EXPECT_EQ(out->rejected, 2u);
  ASSERT_EQ(out->rejections.size(), 2u);
  EXPECT_EQ(out->rejections[0].index, 3u);
  EXPECT_EQ(out->rejections[0].status.code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(out->rejections[1].index, 4u);
  EXPECT_EQ(out->rejections[1].status,
            absl::InvalidArgumentError("type: must be a specified value"));

  auto again = core_->RecordEvents(absl::MakeSpan(events).subspan(0, 2));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->accepted, 0u);
  EXPECT_EQ(again->duplicates, 2u);

  auto stats = core_->GetPostStats("p");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->total_events(), 11u);
  ASSERT_EQ(stats->counters_size(), 2);
  EXPECT_EQ(stats->counters(0).type(), v1::EVENT_TYPE_IMPRESSION);
  EXPECT_EQ(stats->counters(0).count(), 10u);
  EXPECT_EQ(stats->counters(1).type(), v1::EVENT_TYPE_LIKE);
  EXPECT_EQ(stats->counters(1).relation(), v1::RELATION_STRANGER);
  std::string body = Scrape();
  EXPECT_NE(body.find("reachrank_ingest_events_total{relation=\"stranger\","
                      "surface=\"recommended\",type=\"impression\"} 10"),
            std::string::npos);
  EXPECT_NE(body.find("reachrank_ingest_duplicates_total 3"),
            std::string::npos);
  EXPECT_NE(body.find("reachrank_ingest_rejected_total{reason=\"unknown_post\"}"
                      " 1"),
            std::string::npos);
}

// Post() is created an hour before kNow; the store allows an hour of
// clock skew.
TEST_F(IngestCoreTest, AnEventLongBeforeItsPostIsRejectedNamingTheRule) {
  ASSERT_TRUE(core_->UpsertPosts({Post("p")}).ok());
  v1::EngagementEvent early = Event("e-early", "p", v1::EVENT_TYPE_LIKE);
  early.mutable_at()->set_seconds(absl::ToUnixSeconds(kNow) - 3 * 3600);
  auto out =
      core_->RecordEvents({early, Event("e-now", "p", v1::EVENT_TYPE_LIKE)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->accepted, 1u);
  ASSERT_EQ(out->rejections.size(), 1u);
  EXPECT_EQ(out->rejections[0].index, 0u);
  EXPECT_EQ(out->rejections[0].status,
            absl::InvalidArgumentError(
                "at: must not be more than 1h before its post's created_at "
                "(--event-clock-skew-s)"));
  EXPECT_NE(
      Scrape().find("reachrank_ingest_rejected_total{reason=\"invalid_at\"}"
                    " 1"),
      std::string::npos);
}

TEST_F(IngestCoreTest, BatchLimitsApplyToTheWholeRequest) {
  EXPECT_EQ(core_->UpsertPosts({}).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<v1::EngagementEvent> many(10'001,
                                        Event("e", "p", v1::EVENT_TYPE_LIKE));
  EXPECT_EQ(core_->RecordEvents(many).status().code(),
            absl::StatusCode::kResourceExhausted);
  std::vector<v1::Author> authors(10'001);
  EXPECT_EQ(core_->UpsertAuthors(authors).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_NE(Scrape().find("reachrank_ingest_rejected_total{reason=\"batch_too_"
                          "large\"} 20002"),
            std::string::npos);
}

TEST_F(IngestCoreTest, UpsertAuthorsReportsPerItem) {
  std::vector<v1::Author> authors(2);
  authors[0].set_platform("douyin");
  authors[0].set_author_id("a0");
  authors[1].set_platform("douyin");
  authors[1].set_author_id("a1");
  authors[1].set_followers(-1);
  auto out = core_->UpsertAuthors(authors);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->upserted, 1u);
  EXPECT_EQ(out->items[1].status.message(),
            "followers: must be between 0 and 10000000000");
  EXPECT_TRUE(store_->GetAuthor("douyin", "a0").ok());
  EXPECT_EQ(store_->GetAuthor("douyin", "a1").status().code(),
            absl::StatusCode::kNotFound);
}

// Shard 1 of 2 writes its own authors' posts and authors and refuses the
// others', naming the owner.
TEST_F(IngestCoreTest, AShardRefusesAnotherShardsAuthors) {
  // At 0 before any refusal, so that an alert's increase() sees the first.
  EXPECT_NE(Scrape().find(
                "reachrank_ingest_rejected_total{reason=\"wrong_shard\"} 0"),
            std::string::npos)
      << Scrape();
  IngestCoreOptions options;
  options.now = [] { return kNow; };
  options.shard = ShardSlice{1, 2};
  IngestCore shard(*store_, &classifier_, metrics_, options);
  std::string mine, theirs;  // an author of shard 1 and one of shard 0
  for (int i = 0; mine.empty() || theirs.empty(); ++i) {
    const std::string id = absl::StrCat("au", i);
    std::string& slot = ShardOf("douyin", id, 2) == 1 ? mine : theirs;
    if (slot.empty()) slot = id;
  }
  std::vector<v1::Post> posts = {Post("p-mine"), Post("p-theirs")};
  posts[0].set_author_id(mine);
  posts[1].set_author_id(theirs);
  auto out = shard.UpsertPosts(posts);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->upserted, 1u);
  EXPECT_TRUE(out->items[0].status.ok());
  EXPECT_EQ(out->items[1].status,
            absl::FailedPreconditionError(
                "author_id: owned by shard 0 of 2, not this one (1): route by "
                "platform and author_id (docs/operations.md \"Routing\")"));
  EXPECT_TRUE(shard.GetPostStats("p-mine").ok());
  EXPECT_EQ(shard.GetPostStats("p-theirs").status().code(),
            absl::StatusCode::kNotFound);

  std::vector<v1::Author> authors(2);
  authors[0].set_platform("douyin");
  authors[0].set_author_id(mine);
  authors[1].set_platform("douyin");
  authors[1].set_author_id(theirs);
  auto written = shard.UpsertAuthors(authors);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->upserted, 1u);
  EXPECT_EQ(written->items[1].status.code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_->GetAuthor("douyin", mine).ok());
  EXPECT_EQ(store_->GetAuthor("douyin", theirs).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_NE(
      Scrape().find("reachrank_ingest_rejected_total{reason=\"wrong_shard\"} 2"),
      std::string::npos)
      << Scrape();
}

// Deleting an author removes its posts and their counters, whichever
// shard owns it; bad ids are items, an unknown author is fine; another
// author's post stays.
TEST_F(IngestCoreTest, DeleteAuthorsRemovesTheirPostsAndCounters) {
  std::vector<v1::Post> posts = {Post("p0"), Post("p1"), Post("other")};
  posts[2].set_author_id("someone-else");
  ASSERT_TRUE(core_->UpsertPosts(posts).ok());
  auto counted = core_->RecordEvents(
      {Event("e0", "p0", v1::EVENT_TYPE_IMPRESSION, 40),
       Event("e1", "other", v1::EVENT_TYPE_IMPRESSION, 7)});
  ASSERT_TRUE(counted.ok()) << counted.status();

  IngestCoreOptions options;
  options.now = [] { return kNow; };
  options.shard = ShardSlice{ShardOf("douyin", "au", 2) == 0 ? 1 : 0, 2};
  IngestCore not_the_owner(*store_, &classifier_, metrics_, options);
  std::vector<v1::AuthorRef> refs(3);
  refs[0].set_platform("douyin");
  refs[0].set_author_id("au");
  refs[1].set_platform("douyin");  // no author_id
  refs[2].set_platform("douyin");
  refs[2].set_author_id("nobody");
  auto out = not_the_owner.DeleteAuthors(refs);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->deleted, 2u);
  EXPECT_EQ(out->rejected, 1u);
  EXPECT_EQ(out->posts_deleted, 2u);
  ASSERT_EQ(out->items.size(), 3u);
  EXPECT_TRUE(out->items[0].status.ok());
  EXPECT_EQ(out->items[1].status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(out->items[1].status.message(),
              ::testing::StartsWith("author_id: "));
  EXPECT_TRUE(out->items[2].status.ok());
  EXPECT_EQ(core_->GetPostStats("p0").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(core_->GetPostStats("p1").status().code(),
            absl::StatusCode::kNotFound);
  auto other = core_->GetPostStats("other");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->total_events(), 7u);
  // Events of a deleted post are refused like any unknown post's.
  auto late = core_->RecordEvents(
      {Event("e2", "p0", v1::EVENT_TYPE_IMPRESSION, 1)});
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->rejected, 1u);
  const std::string metrics = Scrape();
  EXPECT_NE(metrics.find("reachrank_ingest_deleted_total{kind=\"authors\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("reachrank_ingest_deleted_total{kind=\"posts\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(core_->DeleteAuthors({}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(IngestCoreTest, GetPostStatsChecksTheId) {
  EXPECT_EQ(core_->GetPostStats("").status(),
            absl::InvalidArgumentError(
                "post_id: must be 1-128 printable ASCII bytes (0x21-0x7E)"));
  EXPECT_EQ(core_->GetPostStats("missing").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(IngestCoreTest, ReclassifyUsesTheServicesTopK) {
  ASSERT_TRUE(core_->UpsertPosts({Post("p0"), Post("p1", "code")}).ok());
  ASSERT_EQ(core_->GetPostStats("p0")->topics_size(), 2);  // top_k 3
  auto same = core_->Reclassify(0, {});
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->posts, 2);
  EXPECT_EQ(same->changed, 0);
  auto one = core_->Reclassify(1, {});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->changed, 2);
  EXPECT_EQ(core_->GetPostStats("p0")->topics_size(), 1);
  EXPECT_EQ(core_->Reclassify(33, {}).status(),
            absl::InvalidArgumentError(
                "top_k: 33, must be 0-32 (0: as many as new posts get)"));
  EXPECT_EQ(core_->ClassifierVersion(), "fake");
  const std::string metrics = Scrape();
  EXPECT_NE(metrics.find(
                "reachrank_ingest_reclassified_total{outcome=\"changed\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(
                "reachrank_ingest_reclassified_total{outcome=\"unchanged\"} 2"),
            std::string::npos);
  EXPECT_NE(metrics.find(
                "reachrank_ingest_reclassified_total{outcome=\"skipped\"} 0"),
            std::string::npos);
}

// Asks `core` for a second reclassification from inside the first one's
// classifier call, and answers as FakeClassifier.
class ReenteringClassifier final : public topics::TopicClassifier {
 public:
  absl::StatusOr<std::vector<topics::Classification>> Classify(
      absl::Span<const topics::TextItem> items, int top_k) override {
    if (core != nullptr) second = core->Reclassify(0, {}).status();
    return inner_.Classify(items, top_k);
  }
  std::string ModelVersion() const override { return "reentering"; }

  IngestCore* core = nullptr;
  absl::Status second;

 private:
  FakeClassifier inner_;
};

TEST(IngestCoreReclassifyTest, RunsOneAtATimeAndNeedsAClassifier) {
  auto store = OpenTempStore("ingest_core_test");
  ASSERT_TRUE(store.ok()) << store.status();
  prometheus::Registry registry;
  IngestMetrics metrics(registry);
  IngestCoreOptions options;
  options.now = [] { return kNow; };
  ReenteringClassifier classifier;
  IngestCore core(**store, &classifier, metrics, options);
  ASSERT_TRUE(core.UpsertPosts({Post("p0")}).ok());
  classifier.core = &core;
  auto first = core.Reclassify(0, {});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->posts, 1);
  EXPECT_EQ(classifier.second,
            absl::FailedPreconditionError(
                "a reclassification is already running on this database"));
  classifier.core = nullptr;
  EXPECT_TRUE(core.Reclassify(0, {}).ok());  // the first one is over

  IngestCore without(**store, nullptr, metrics, options);
  EXPECT_EQ(without.Reclassify(0, {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(without.ClassifierVersion(), "");
}

TEST(BuildPostStatsTest, OrdersCellsAndAttachesWatchTime) {
  storage::PostRecord record;
  record.mutable_post()->set_post_id("p");
  record.set_classified(false);
  record.set_updated_ms(1'500);
  storage::Counters c;
  c.Add(storage::EventCell(v1::SURFACE_SEARCH, v1::RELATION_FRIEND,
                           v1::EVENT_TYPE_LIKE),
        2);
  c.Add(storage::EventCell(v1::SURFACE_FOLLOWING, v1::RELATION_FOLLOWER,
                           v1::EVENT_TYPE_VIEW),
        3);
  c.Add(storage::WatchCell(v1::SURFACE_FOLLOWING, v1::RELATION_FOLLOWER), 900);
  v1::GetPostStatsResponse out = BuildPostStats(record, c);
  ASSERT_EQ(out.counters_size(), 2);
  EXPECT_EQ(out.counters(0).surface(), v1::SURFACE_FOLLOWING);
  EXPECT_EQ(out.counters(0).type(), v1::EVENT_TYPE_VIEW);
  EXPECT_EQ(out.counters(0).count(), 3u);
  EXPECT_EQ(out.counters(0).watch_ms(), 900u);
  EXPECT_EQ(out.counters(1).surface(), v1::SURFACE_SEARCH);
  EXPECT_EQ(out.counters(1).relation(), v1::RELATION_FRIEND);
  EXPECT_EQ(out.total_events(), 5u);
  EXPECT_EQ(out.classification_state(), v1::CLASSIFICATION_STATE_PENDING);
  EXPECT_EQ(out.updated_at().seconds(), 1);
  EXPECT_EQ(out.updated_at().nanos(), 500'000'000);
}

}  // namespace
}  // namespace reachrank::ingest
