// RecordEvents and the counter reads.
#include <memory>
#include <string>
#include <thread>
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

constexpr uint32_t kStrangerImpression = EventCell(
    v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER, v1::EVENT_TYPE_IMPRESSION);
constexpr uint32_t kStrangerView = EventCell(
    v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER, v1::EVENT_TYPE_VIEW);
constexpr uint32_t kStrangerWatch =
    WatchCell(v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER);

class StoreEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Reopen();
    ASSERT_TRUE(store_
                    ->PutPosts({Classified(MakePost("p1", "alice", T0()),
                                           "food/cooking"),
                                MakePost("p2", "alice", T0())})
                    .ok());
  }
  void Reopen() {
    store_.reset();
    auto store = Store::Open(OptionsFor(dir_.path()));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  RecordResult Record(const std::vector<v1::EngagementEvent>& events,
                      absl::Time now) {
    auto result = store_->RecordEvents(events, now);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : RecordResult();
  }
  Counters Totals(const std::string& post_id) {
    auto c = store_->PostCounters(post_id);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : Counters();
  }

  testing::ScopedTempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreEventsTest, CountsEventsWithCountAndWatchTime) {
  auto view = MakeEvent("e2", "p1", v1::EVENT_TYPE_VIEW, T0(), 3);
  view.set_watch_ms(4500);
  RecordResult r =
      Record({MakeEvent("e1", "p1", v1::EVENT_TYPE_IMPRESSION, T0()), view,
              MakeEvent("e3", "p1", v1::EVENT_TYPE_IMPRESSION, T0(), 5)},
             T0());
  EXPECT_EQ(r.accepted, 3u);
  EXPECT_THAT(r.outcomes,
              ElementsAre(EventOutcome::kAccepted, EventOutcome::kAccepted,
                          EventOutcome::kAccepted));
  Counters c = Totals("p1");
  EXPECT_EQ(c.Get(kStrangerImpression), 6);
  EXPECT_EQ(c.Get(kStrangerView), 3);
  EXPECT_EQ(c.Get(kStrangerWatch), 4500);
  EXPECT_EQ(c.cells().size(), 3u);
  EXPECT_TRUE(Totals("p2").empty());
}

TEST_F(StoreEventsTest, DuplicateWithinBatchCountsOnce) {
  RecordResult r = Record({MakeEvent("e1", "p1", v1::EVENT_TYPE_LIKE, T0()),
                           MakeEvent("e1", "p1", v1::EVENT_TYPE_LIKE, T0()),
                           MakeEvent("e2", "p1", v1::EVENT_TYPE_LIKE, T0())},
                          T0());
  EXPECT_EQ(r.accepted, 2u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_THAT(r.outcomes,
              ElementsAre(EventOutcome::kAccepted, EventOutcome::kDuplicate,
                          EventOutcome::kAccepted));
  EXPECT_EQ(Totals("p1").ByType(v1::EVENT_TYPE_LIKE), 2);
}

TEST_F(StoreEventsTest, DuplicateAcrossCloseAndReopen) {
  Record({MakeEvent("e1", "p1", v1::EVENT_TYPE_SHARE, T0(), 2)}, T0());
  Reopen();
  RecordResult r =
      Record({MakeEvent("e1", "p1", v1::EVENT_TYPE_SHARE, T0(), 2)},
             T0() + absl::Hours(1));
  EXPECT_EQ(r.accepted, 0u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(Totals("p1").ByType(v1::EVENT_TYPE_SHARE), 2);
}

TEST_F(StoreEventsTest, ReplayAfterTheWindowCountsAgain) {
  const auto e = MakeEvent("e1", "p1", v1::EVENT_TYPE_SAVE, T0());
  Record({e}, T0());
  const absl::Duration window = absl::Hours(24 * 7);
  EXPECT_EQ(Record({e}, T0() + window - absl::Milliseconds(1)).duplicates, 1u);
  EXPECT_EQ(Record({e}, T0() + window).accepted, 1u);
  // The replay refreshed the marker.
  EXPECT_EQ(Record({e}, T0() + window + absl::Hours(1)).duplicates, 1u);
  EXPECT_EQ(Totals("p1").ByType(v1::EVENT_TYPE_SAVE), 2);
}

// p1 was created at T0; the clocks may differ by event_clock_skew (1 h).
TEST_F(StoreEventsTest, EventsLongBeforeTheirPostAreNotStored) {
  RecordResult r = Record(
      {MakeEvent("e1", "p1", v1::EVENT_TYPE_LIKE, T0() - absl::Hours(2)),
       MakeEvent("e2", "p1", v1::EVENT_TYPE_LIKE, T0() - absl::Minutes(30))},
      T0());
  EXPECT_EQ(r.before_post, 1u);
  EXPECT_EQ(r.accepted, 1u);
  EXPECT_THAT(r.outcomes,
              ElementsAre(EventOutcome::kBeforePost, EventOutcome::kAccepted));
  EXPECT_EQ(Totals("p1").ByType(v1::EVENT_TYPE_LIKE), 1);
  EXPECT_EQ(store_->event_clock_skew(), absl::Hours(1));

  // Without the rule (import keeps every count of a moved history) the
  // refused event counts: it left no dedup marker.
  store_.reset();
  StoreOptions options = OptionsFor(dir_.path());
  options.event_clock_skew = absl::InfiniteDuration();
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = *std::move(store);
  EXPECT_EQ(Record({MakeEvent("e1", "p1", v1::EVENT_TYPE_LIKE,
                              T0() - absl::Hours(2))},
                   T0())
                .accepted,
            1u);
  EXPECT_EQ(Totals("p1").ByType(v1::EVENT_TYPE_LIKE), 2);
}

TEST_F(StoreEventsTest, UnknownPostEventsAreNotStored) {
  RecordResult r = Record({MakeEvent("e1", "ghost", v1::EVENT_TYPE_LIKE, T0()),
                           MakeEvent("e2", "p1", v1::EVENT_TYPE_LIKE, T0())},
                          T0());
  EXPECT_EQ(r.unknown_post, 1u);
  EXPECT_EQ(r.accepted, 1u);
  EXPECT_THAT(r.outcomes,
              ElementsAre(EventOutcome::kUnknownPost, EventOutcome::kAccepted));
  EXPECT_TRUE(Totals("ghost").empty());
  // No dedup marker was left: once the post exists the event counts.
  ASSERT_TRUE(store_->PutPosts({MakePost("ghost", "bob", T0())}).ok());
  EXPECT_EQ(Record({MakeEvent("e1", "ghost", v1::EVENT_TYPE_LIKE, T0())}, T0())
                .accepted,
            1u);
  EXPECT_EQ(Totals("ghost").ByType(v1::EVENT_TYPE_LIKE), 1);
}

TEST_F(StoreEventsTest, RejectsOutOfRangeEnumsWithoutWriting) {
  auto bad = MakeEvent("e2", "p1", v1::EVENT_TYPE_LIKE, T0());
  bad.set_surface(static_cast<v1::Surface>(7));
  auto r = store_->RecordEvents(
      {MakeEvent("e1", "p1", v1::EVENT_TYPE_LIKE, T0()), bad}, T0());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Totals("p1").empty());
}

TEST_F(StoreEventsTest, AsOfExcludesLaterHours) {
  Record({MakeEvent("e1", "p1", v1::EVENT_TYPE_IMPRESSION, T0(), 1),
          MakeEvent("e2", "p1", v1::EVENT_TYPE_IMPRESSION,
                    T0() + absl::Minutes(59), 2),
          MakeEvent("e3", "p1", v1::EVENT_TYPE_IMPRESSION,
                    T0() + absl::Hours(1), 4),
          MakeEvent("e4", "p1", v1::EVENT_TYPE_IMPRESSION,
                    T0() + absl::Hours(5) + absl::Minutes(30), 8)},
         T0());
  auto at = [&](absl::Time t) {
    auto c = store_->PostCountersAsOf("p1", t);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->Get(kStrangerImpression) : -1;
  };
  EXPECT_EQ(at(T0()), 0);                     // hour 0 starts at as_of
  EXPECT_EQ(at(T0() + absl::Seconds(1)), 3);  // hour 0
  EXPECT_EQ(at(T0() + absl::Hours(1)), 3);
  EXPECT_EQ(at(T0() + absl::Hours(1) + absl::Milliseconds(1)), 7);
  EXPECT_EQ(at(T0() + absl::Hours(5) + absl::Seconds(1)), 15);
  EXPECT_EQ(at(T0() + absl::Hours(100)), 15);
  EXPECT_EQ(Totals("p1").Get(kStrangerImpression), 15);
}

TEST_F(StoreEventsTest, PostHoursListsEachBucketInOrder) {
  Record({MakeEvent("e1", "p1", v1::EVENT_TYPE_IMPRESSION, T0(), 1),
          MakeEvent("e2", "p1", v1::EVENT_TYPE_IMPRESSION,
                    T0() + absl::Minutes(59), 2),
          MakeEvent("e3", "p1", v1::EVENT_TYPE_IMPRESSION,
                    T0() + absl::Hours(5) + absl::Minutes(30), 8),
          MakeEvent("e4", "p2", v1::EVENT_TYPE_IMPRESSION, T0(), 16)},
         T0());
  auto hours = store_->PostHours("p1");
  ASSERT_TRUE(hours.ok()) << hours.status();
  const int32_t hour0 =
      static_cast<int32_t>(absl::ToInt64Hours(T0() - absl::UnixEpoch()));
  ASSERT_EQ(hours->size(), 2u);
  EXPECT_EQ((*hours)[0].hour, hour0);
  EXPECT_EQ((*hours)[0].counters.Get(kStrangerImpression), 3);
  EXPECT_EQ((*hours)[1].hour, hour0 + 5);
  EXPECT_EQ((*hours)[1].counters.Get(kStrangerImpression), 8);
  auto none = store_->PostHours("p3");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(StoreEventsTest, AuthorAndTopicDayRows) {
  const int32_t day0 = DayOf(T0());
  Record({MakeEvent("e1", "p1", v1::EVENT_TYPE_LIKE, T0(), 2),
          MakeEvent("e2", "p2", v1::EVENT_TYPE_LIKE, T0() + absl::Hours(2)),
          MakeEvent("e3", "p1", v1::EVENT_TYPE_LIKE, T0() + absl::Hours(48))},
         T0() + absl::Hours(48));
  auto authors = store_->AuthorDays("tiktok", "alice", day0 - 1, day0 + 5);
  ASSERT_TRUE(authors.ok()) << authors.status();
  ASSERT_EQ(authors->size(), 2u);
  EXPECT_EQ((*authors)[0].day, day0);
  EXPECT_EQ((*authors)[0].counters.ByType(v1::EVENT_TYPE_LIKE), 3);
  EXPECT_EQ((*authors)[0].counters.Get(kPostsPublished), 2);  // p1 and p2
  EXPECT_EQ((*authors)[1].day, day0 + 2);
  EXPECT_EQ((*authors)[1].counters.ByType(v1::EVENT_TYPE_LIKE), 1);

  // p2 is unclassified: only p1's events reach the topic rows.
  auto topics = store_->TopicDays("tiktok", "food/cooking", day0, day0 + 2);
  ASSERT_TRUE(topics.ok()) << topics.status();
  ASSERT_EQ(topics->size(), 2u);
  EXPECT_EQ((*topics)[0].counters.ByType(v1::EVENT_TYPE_LIKE), 2);
  EXPECT_EQ((*topics)[0].counters.Get(kPostsPublished), 1);
  EXPECT_EQ((*topics)[1].day, day0 + 2);

  auto narrow = store_->AuthorDays("tiktok", "alice", day0 + 1, day0 + 2);
  ASSERT_TRUE(narrow.ok());
  ASSERT_EQ(narrow->size(), 1u);
  EXPECT_EQ((*narrow)[0].day, day0 + 2);
  auto other = store_->AuthorDays("tiktok", "alic", day0 - 1, day0 + 5);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
}

TEST_F(StoreEventsTest, MultiGetPostCountersKeepsInputOrder) {
  Record({MakeEvent("e1", "p1", v1::EVENT_TYPE_LIKE, T0(), 1),
          MakeEvent("e2", "p2", v1::EVENT_TYPE_LIKE, T0(), 2)},
         T0());
  auto got = store_->MultiGetPostCounters({"p2", "missing", "p1", "p2"});
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 4u);
  EXPECT_EQ((*got)[0].ByType(v1::EVENT_TYPE_LIKE), 2);
  EXPECT_TRUE((*got)[1].empty());
  EXPECT_EQ((*got)[2].ByType(v1::EVENT_TYPE_LIKE), 1);
  EXPECT_EQ((*got)[3].ByType(v1::EVENT_TYPE_LIKE), 2);
}

TEST_F(StoreEventsTest, CountersSurviveFlushAndManyBatches) {
  for (int batch = 0; batch < 50; ++batch) {
    std::vector<v1::EngagementEvent> events;
    for (int i = 0; i < 20; ++i) {
      events.push_back(
          MakeEvent("b" + std::to_string(batch) + "-" + std::to_string(i), "p1",
                    v1::EVENT_TYPE_IMPRESSION, T0()));
    }
    Record(events, T0());
    if (batch == 25) ASSERT_TRUE(store_->Flush().ok());
  }
  Reopen();
  EXPECT_EQ(Totals("p1").Get(kStrangerImpression), 1000);
}

TEST_F(StoreEventsTest, ConcurrentWritersCountEachEventOnce) {
  std::vector<v1::EngagementEvent> events;
  for (int i = 0; i < 200; ++i) {
    events.push_back(MakeEvent("e" + std::to_string(i), "p1",
                               v1::EVENT_TYPE_IMPRESSION, T0()));
  }
  std::vector<uint64_t> accepted(4);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int round = 0; round < 5; ++round) {
        auto r = store_->RecordEvents(events, T0());
        if (r.ok()) accepted[w] += r->accepted;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(accepted[0] + accepted[1] + accepted[2] + accepted[3], 200u);
  EXPECT_EQ(Totals("p1").Get(kStrangerImpression), 200);
}

}  // namespace
}  // namespace reachrank::storage
