// Point-in-time training rows on a hand-built store: only posts whose
// horizon has passed, labels from the horizon only, live rows from the
// first hours only.
#include "ranking/training_rows.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ranking/feature_names.h"
#include "ranking/testing/sim_store.h"
#include "storage/test_util.h"

namespace reachrank::ranking {
namespace {

using storage::testing::MakeEvent;
using storage::testing::MakePost;
using storage::testing::T0;
using ::testing::ElementsAre;

absl::Time D(double days) { return T0() + absl::Hours(24 * days); }

// Author a1 on tiktok with posts p1 (day 0), p2 (day 1) and p3 (day 6);
// the default label: 1,000 stranger impressions within 7 days.
class TrainingRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        storage::Store::Open(storage::testing::OptionsFor(dir_.path()));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    v1::Author a;
    a.set_platform("tiktok");
    a.set_author_id("a1");
    ASSERT_TRUE(store_->PutAuthors({a}).ok());
    ASSERT_TRUE(
        store_
            ->PutPosts({MakePost("p1", "a1", D(0)), MakePost("p2", "a1", D(1)),
                        MakePost("p3", "a1", D(6))})
            .ok());
    using v1::EVENT_TYPE_IMPRESSION;
    auto recorded = store_->RecordEvents(
        {// p1: 600 in its first hour, 600 more on day 6: reached.
         MakeEvent("e1", "p1", EVENT_TYPE_IMPRESSION, D(0) + absl::Minutes(30),
                   600),
         MakeEvent("e2", "p1", EVENT_TYPE_IMPRESSION, D(6), 600),
         // p2: 900 within its horizon, 5,000 after it: not reached.
         MakeEvent("e3", "p2", EVENT_TYPE_IMPRESSION, D(2), 900),
         MakeEvent("e4", "p2", EVENT_TYPE_IMPRESSION, D(8.5), 5000),
         MakeEvent("e5", "p3", EVENT_TYPE_IMPRESSION, D(6.5), 5000)},
        T0());
    ASSERT_TRUE(recorded.ok()) << recorded.status();
    ASSERT_EQ(recorded->accepted, 5u);
  }

  storage::testing::ScopedTempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(TrainingRowsTest, OnlyPostsWhoseHorizonPassedWithHorizonLabels) {
  TrainingRowsOptions options;
  options.cutoff = D(9);  // p1's and p2's horizons ended; p3's did not
  options.live_ages = {absl::Hours(2)};
  std::vector<std::pair<size_t, size_t>> progress;
  options.progress = [&progress](size_t done, size_t total) {
    progress.emplace_back(done, total);
  };
  auto rows = BuildTrainingRows(*store_, {"p3", "p2", "p1", "nope"}, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(progress, ElementsAre(std::make_pair(size_t{4}, size_t{4})));
  EXPECT_THAT(rows->post_ids, ElementsAre("p1", "p2"));  // by created_at
  EXPECT_THAT(rows->draft.labels, ElementsAre(1.0f, 0.0f));
  EXPECT_THAT(rows->live.labels, ElementsAre(1.0f, 0.0f));
  EXPECT_THAT(rows->draft.times, ElementsAre(D(0), D(1)));
  EXPECT_EQ(rows->draft.num_features(), kNumDraftFeatures);
  EXPECT_EQ(rows->live.num_features(), kNumLiveFeatures);
  // The live row is as of created_at + 2 h: p1's day-6 events are unknown.
  EXPECT_FLOAT_EQ(rows->live.row(0)[kEarlyImprStrangerLog], std::log1p(600.0f));
  EXPECT_FLOAT_EQ(rows->live.row(0)[kEarlyPostAgeHours], 2.0f);
}

// By default each post has a live row at 1, 2, 6, 24 and 72 hours, in that
// order and in the post's place; each row holds what was known then.
TEST_F(TrainingRowsTest, LiveRowsAtEveryDefaultAge) {
  TrainingRowsOptions options;
  options.cutoff = D(9);
  auto rows = BuildTrainingRows(*store_, {"p2", "p1"}, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(rows->live_ages,
              ElementsAre(absl::Hours(1), absl::Hours(2), absl::Hours(6),
                          absl::Hours(24), absl::Hours(72)));
  ASSERT_EQ(rows->live.num_rows(), 10u);
  EXPECT_THAT(rows->live.labels, ElementsAre(1, 1, 1, 1, 1, 0, 0, 0, 0, 0));
  const float expected_age[] = {1, 2, 6, 24, 72};
  for (size_t a = 0; a < 5; ++a) {
    EXPECT_FLOAT_EQ(rows->live.row(a)[kEarlyPostAgeHours], expected_age[a]);
    EXPECT_EQ(rows->live.times[a], D(0));
    EXPECT_EQ(rows->live.times[5 + a], D(1));
  }
  // p1's 600 first-hour impressions are known from 1 h on. p2's 900 come
  // at 24 h, in the hour that ends at 25 h: unknown at 24 h, known at 72 h.
  EXPECT_FLOAT_EQ(rows->live.row(0)[kEarlyImprStrangerLog], std::log1p(600.0f));
  EXPECT_FLOAT_EQ(rows->live.row(8)[kEarlyImprStrangerLog], 0.0f);
  EXPECT_FLOAT_EQ(rows->live.row(9)[kEarlyImprStrangerLog], std::log1p(900.0f));
}

// Rows are put in time order in place; each post's labels, times and live
// rows move with it (here the input order is a cycle of three posts).
TEST_F(TrainingRowsTest, PostsComeOutByTimeWithTheirOwnRows) {
  TrainingRowsOptions options;
  options.cutoff = D(14);  // every horizon has ended
  auto rows = BuildTrainingRows(*store_, {"p3", "p1", "p2"}, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(rows->post_ids, ElementsAre("p1", "p2", "p3"));
  EXPECT_THAT(rows->draft.labels, ElementsAre(1, 0, 1));
  EXPECT_THAT(rows->draft.times, ElementsAre(D(0), D(1), D(6)));
  ASSERT_EQ(rows->live.num_rows(), 15u);
  const absl::Time created[] = {D(0), D(1), D(6)};
  const float label[] = {1, 0, 1};
  for (size_t p = 0; p < 3; ++p) {
    for (size_t a = 0; a < 5; ++a) {
      EXPECT_EQ(rows->live.times[5 * p + a], created[p]) << p << " " << a;
      EXPECT_EQ(rows->live.labels[5 * p + a], label[p]) << p << " " << a;
    }
  }
  // The ages stay in order within each post: 1, 2, 6, 24, 72 h.
  EXPECT_FLOAT_EQ(rows->live.row(10)[kEarlyPostAgeHours], 1.0f);
  EXPECT_FLOAT_EQ(rows->live.row(14)[kEarlyPostAgeHours], 72.0f);
  // p3's 5,000 impressions (at 12 h) are in its 24-h row and not its 6-h
  // row; p1's first-hour 600 are in its 1-h row.
  EXPECT_FLOAT_EQ(rows->live.row(12)[kEarlyImprStrangerLog], 0.0f);
  EXPECT_FLOAT_EQ(rows->live.row(13)[kEarlyImprStrangerLog],
                  std::log1p(5000.0f));
  EXPECT_FLOAT_EQ(rows->live.row(0)[kEarlyImprStrangerLog], std::log1p(600.0f));
}

// A second database (another shard) with p4 on day 0.5 and p5 at p2's
// moment: merged, the posts come out by time, p5 after p2 (part order),
// each with its own rows.
TEST_F(TrainingRowsTest, RowsOfSeveralDatabasesMergeByTime) {
  storage::testing::ScopedTempDir other_dir;
  auto other = storage::Store::Open(storage::testing::OptionsFor(other_dir.path()));
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE((*other)
                  ->PutPosts({MakePost("p4", "b1", D(0.5)),
                              MakePost("p5", "b1", D(1))})
                  .ok());
  auto recorded = (*other)->RecordEvents(
      {MakeEvent("f1", "p5", v1::EVENT_TYPE_IMPRESSION, D(1.5), 2000)}, T0());
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  TrainingRowsOptions options;
  options.cutoff = D(14);
  auto mine = BuildTrainingRows(*store_, {"p1", "p2", "p3"}, options);
  auto theirs = BuildTrainingRows(**other, {"p4", "p5"}, options);
  ASSERT_TRUE(mine.ok() && theirs.ok());
  const TrainingSet p5_alone = theirs->live;  // rows 5..9 are p5's
  std::vector<TrainingRows> parts;
  parts.push_back(*std::move(mine));
  parts.push_back(*std::move(theirs));
  auto merged = MergeTrainingRows(std::move(parts));
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_THAT(merged->post_ids, ElementsAre("p1", "p4", "p2", "p5", "p3"));
  EXPECT_THAT(merged->draft.labels, ElementsAre(1, 0, 0, 1, 1));
  EXPECT_THAT(merged->draft.times,
              ElementsAre(D(0), D(0.5), D(1), D(1), D(6)));
  ASSERT_EQ(merged->live.num_rows(), 25u);
  ASSERT_EQ(merged->live.rows.size(), 25 * merged->live.num_features());
  for (size_t r = 0; r < 5; ++r) {  // p5's rows moved whole, ages in order
    EXPECT_EQ(std::memcmp(merged->live.row(15 + r), p5_alone.row(5 + r),
                          sizeof(float) * p5_alone.num_features()),
              0)
        << r;
    EXPECT_EQ(merged->live.labels[15 + r], 1);
  }
  EXPECT_TRUE(ValidateTrainingSet(merged->live).ok());
}

TEST_F(TrainingRowsTest, MergingRefusesAPostTwiceAndDifferentAges) {
  TrainingRowsOptions options;
  options.cutoff = D(14);
  std::vector<TrainingRows> twice;
  for (int i = 0; i < 2; ++i) {
    auto rows = BuildTrainingRows(*store_, {"p1", "p2"}, options);
    ASSERT_TRUE(rows.ok());
    twice.push_back(*std::move(rows));
  }
  auto merged = MergeTrainingRows(std::move(twice));
  EXPECT_EQ(merged.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(merged.status().message()),
              ::testing::HasSubstr("post p1 is in two of the databases"));

  std::vector<TrainingRows> ages;
  ages.push_back(*BuildTrainingRows(*store_, {"p1"}, options));
  options.live_ages = {absl::Hours(2)};
  ages.push_back(*BuildTrainingRows(*store_, {"p2"}, options));
  EXPECT_EQ(MergeTrainingRows(std::move(ages)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MergeTrainingRows({}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Posts are read a chunk of 512 per thread; with two threads (two rounds
// here, the second with one chunk) the rows are those of one thread, bit
// for bit.
TEST(TrainingRowsThreadsTest, ThreadsDoNotChangeTheRows) {
  storage::testing::ScopedTempDir dir;
  auto store = storage::Store::Open(storage::testing::OptionsFor(dir.path()));
  ASSERT_TRUE(store.ok()) << store.status();
  sim::SimOptions sim;
  sim.seed = 3;
  sim.people = 60;
  sim.days = 30;
  auto filled = testing::FillStoreFromSim(sim, **store);
  ASSERT_TRUE(filled.ok()) << filled.status();
  ASSERT_GT(filled->post_ids.size(), 2u * 512);  // two rounds of chunks
  TrainingRowsOptions options;
  options.cutoff = sim.start + absl::Hours(24 * sim.days);
  options.threads = 1;
  size_t calls = 0, last_done = 0;
  options.progress = [&](size_t done, size_t total) {
    ++calls;
    EXPECT_GT(done, last_done);
    EXPECT_EQ(total, filled->post_ids.size());
    last_done = done;
  };
  auto one = BuildTrainingRows(**store, filled->post_ids, options);
  ASSERT_TRUE(one.ok()) << one.status();
  options.threads = 2;
  calls = 0;
  last_done = 0;
  auto two = BuildTrainingRows(**store, filled->post_ids, options);
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(last_done, filled->post_ids.size());
  EXPECT_EQ(calls, (filled->post_ids.size() + 2 * 512 - 1) / (2 * 512));
  ASSERT_GT(one->post_ids.size(), 1000u);
  EXPECT_EQ(two->post_ids, one->post_ids);
  EXPECT_EQ(two->draft.labels, one->draft.labels);
  EXPECT_EQ(two->live.times, one->live.times);
  // Bit for bit, NaNs included.
  ASSERT_EQ(two->live.rows.size(), one->live.rows.size());
  EXPECT_EQ(std::memcmp(two->live.rows.data(), one->live.rows.data(),
                        one->live.rows.size() * sizeof(float)),
            0);
  ASSERT_EQ(two->draft.rows.size(), one->draft.rows.size());
  EXPECT_EQ(std::memcmp(two->draft.rows.data(), one->draft.rows.data(),
                        one->draft.rows.size() * sizeof(float)),
            0);
}

TEST_F(TrainingRowsTest, LiveAgesMustFallInsideTheHorizon) {
  TrainingRowsOptions options;
  options.cutoff = D(9);
  options.live_ages = {absl::Hours(2), absl::Hours(24 * 7)};
  absl::Status s = BuildTrainingRows(*store_, {"p1"}, options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("live_ages: 168h"));
  options.live_ages = {absl::ZeroDuration()};
  EXPECT_EQ(BuildTrainingRows(*store_, {"p1"}, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.live_ages = {absl::Hours(6), absl::Hours(2), absl::Hours(6)};
  s = BuildTrainingRows(*store_, {"p1"}, options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              ::testing::HasSubstr("live_ages: 6h is given twice"));
}

TEST(DefaultLiveAgesTest, ShorterThanTheShortestHorizon) {
  EXPECT_EQ(DefaultLiveAges(LabelConfigs()).size(), 5u);
  auto labels = LabelConfigs::Parse(
      R"({"platforms": {"douyin": {"horizon_days": 1}}})");
  ASSERT_TRUE(labels.ok()) << labels.status();
  EXPECT_THAT(DefaultLiveAges(*labels),
              ElementsAre(absl::Hours(1), absl::Hours(2), absl::Hours(6)));
}

TEST_F(TrainingRowsTest, ACutoffBeforeEveryHorizonGivesNoRows) {
  TrainingRowsOptions options;
  options.cutoff = D(7) - absl::Seconds(1);
  auto rows = BuildTrainingRows(*store_, {"p1", "p2", "p3"}, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_TRUE(rows->post_ids.empty());
  EXPECT_EQ(rows->live.num_rows(), 0u);
}

// `since` starts the window: a post created at it is used, one created
// before it is not (also within the millisecond the post index keeps).
TEST_F(TrainingRowsTest, SinceLeavesOutOlderPosts) {
  TrainingRowsOptions options;
  options.cutoff = D(20);
  const std::vector<AuthorRef> a1 = {{"tiktok", "a1"}};
  options.since = D(1);
  auto rows = BuildTrainingRowsForAuthors(*store_, a1, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(rows->post_ids, ElementsAre("p2", "p3"));
  EXPECT_THAT(rows->draft.times, ElementsAre(D(1), D(6)));
  EXPECT_EQ(rows->live.num_rows(), 2u * rows->live_ages.size());

  options.since = D(1) + absl::Nanoseconds(1);
  rows = BuildTrainingRowsForAuthors(*store_, a1, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(rows->post_ids, ElementsAre("p3"));

  rows = BuildTrainingRows(*store_, {"p1", "p2", "p3"}, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(rows->post_ids, ElementsAre("p3"));
}

TEST_F(TrainingRowsTest, AllAuthorsAreListedFromTheStore) {
  v1::Author b;
  b.set_platform("instagram");
  b.set_author_id("b1");
  ASSERT_TRUE(store_->PutAuthors({b}).ok());
  auto authors = ListAllAuthors(*store_);
  ASSERT_TRUE(authors.ok()) << authors.status();
  ASSERT_EQ(authors->size(), 2u);
  EXPECT_EQ((*authors)[0].platform, "instagram");
  EXPECT_EQ((*authors)[1].author_id, "a1");
  TrainingRowsOptions options;
  options.cutoff = D(20);
  auto rows = BuildTrainingRowsForAuthors(*store_, *authors, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(rows->post_ids, ElementsAre("p1", "p2", "p3"));
  EXPECT_THAT(rows->draft.labels, ElementsAre(1.0f, 0.0f, 1.0f));
}

// An author listed twice (two lists concatenated) gives its posts once: a
// post counted twice would weigh double in the fit and the holdout.
TEST_F(TrainingRowsTest, AnAuthorListedTwiceGivesItsPostsOnce) {
  TrainingRowsOptions options;
  options.cutoff = D(20);
  const std::vector<AuthorRef> twice = {{"tiktok", "a1"}, {"tiktok", "a1"}};
  auto rows = BuildTrainingRowsForAuthors(*store_, twice, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(rows->post_ids, ElementsAre("p1", "p2", "p3"));
  EXPECT_EQ(rows->live.num_rows(), 3u * rows->live_ages.size());
}

}  // namespace
}  // namespace reachrank::ranking
