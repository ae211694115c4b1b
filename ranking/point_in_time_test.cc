// Point-in-time: events after as_of never change a score; they do once
// as_of moves past them.
#include <cmath>
#include <cstring>

#include "gtest/gtest.h"
#include "ranking/features.h"
#include "ranking/scorer.h"
#include "ranking/testing/sim_store.h"
#include "storage/test_util.h"

namespace reachrank::ranking {
namespace {

sim::SimOptions Small() {
  sim::SimOptions o;
  o.seed = 7;
  o.people = 40;
  o.days = 24;
  return o;
}

std::unique_ptr<storage::Store> Open(const std::string& path) {
  auto store = storage::Store::Open(storage::testing::OptionsFor(path));
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

// Live rows of every post created before `as_of`, as of `as_of`.
std::vector<float> Rows(storage::Store& store,
                        const std::vector<std::string>& ids, absl::Time as_of,
                        std::vector<std::string>* scored_ids) {
  auto records = store.MultiGetPosts(ids);
  EXPECT_TRUE(records.ok());
  std::vector<PostInput> posts;
  for (const auto& r : *records) {
    PostInput p = PostInputFromRecord(*r);
    if (p.created_at < as_of) posts.push_back(std::move(p));
  }
  std::vector<FeatureRequest> requests;
  scored_ids->clear();
  for (const PostInput& p : posts) {
    requests.push_back({&p, as_of, false});
    scored_ids->push_back(p.id);
  }
  FeatureExtractor extractor(store, {});
  auto batch = extractor.Extract(requests);
  EXPECT_TRUE(batch.ok()) << batch.status();
  return batch.ok() ? batch->rows : std::vector<float>();
}

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(PointInTimeTest, LaterEventsDoNotChangeFeaturesOrScores) {
  storage::testing::ScopedTempDir dir;
  const absl::Time as_of =
      Small().start + absl::Hours(24 * 16) + absl::Minutes(30);
  auto full = Open(dir.Sub("full"));
  auto cut = Open(dir.Sub("cut"));
  auto all = testing::FillStoreFromSim(Small(), *full);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_TRUE(testing::FillStoreFromSim(Small(), *cut, as_of).ok());

  std::vector<std::string> ids_full, ids_cut;
  const auto rows_full = Rows(*full, all->post_ids, as_of, &ids_full);
  const auto rows_cut = Rows(*cut, all->post_ids, as_of, &ids_cut);
  ASSERT_GT(ids_full.size(), 50u);
  EXPECT_EQ(ids_full, ids_cut);
  EXPECT_TRUE(SameBits(rows_full, rows_cut));

  // Whole scores too, through the scorer with an explicit as_of.
  auto scorer_full = Scorer::Create(*full, nullptr, {});
  auto scorer_cut = Scorer::Create(*cut, nullptr, {});
  ASSERT_TRUE(scorer_full.ok() && scorer_cut.ok());
  for (size_t i = 0; i < ids_full.size(); i += 10) {
    auto a = (*scorer_full)->ScorePost(ids_full[i], as_of, true, "en");
    auto b = (*scorer_cut)->ScorePost(ids_full[i], as_of, true, "en");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->p_reach, b->p_reach) << ids_full[i];
    EXPECT_EQ(a->expected_stranger_impressions,
              b->expected_stranger_impressions);
  }

  // A draft planned at as_of is scored with what was known then.
  testing::FakeClassifier classifier("travel");
  auto drafts_full = Scorer::Create(*full, &classifier, {});
  auto drafts_cut = Scorer::Create(*cut, &classifier, {});
  ASSERT_TRUE(drafts_full.ok() && drafts_cut.ok());
  auto record = full->GetPost(ids_full[0]);
  ASSERT_TRUE(record.ok());
  v1::Draft draft;
  draft.set_draft_id("d");
  draft.set_platform(record->post().platform());
  draft.set_author_id(record->post().author_id());
  draft.set_text("How to: 5 tips for cheap trains");
  draft.mutable_planned_at()->set_seconds(absl::ToUnixSeconds(as_of));
  auto a = (*drafts_full)->ScoreDrafts({draft}, true, "en");
  auto b = (*drafts_cut)->ScoreDrafts({draft}, true, "en");
  ASSERT_TRUE(a.ok() && b.ok() && (*a)[0].ok() && (*b)[0].ok());
  EXPECT_EQ((*a)[0]->p_reach, (*b)[0]->p_reach);
  EXPECT_EQ((*a)[0]->surface_mix, (*b)[0]->surface_mix);

  // Two days later the full store knows more than the cut one.
  const absl::Time later = as_of + absl::Hours(48);
  std::vector<std::string> later_ids;
  const auto later_full = Rows(*full, all->post_ids, later, &later_ids);
  const auto later_cut = Rows(*cut, all->post_ids, later, &later_ids);
  EXPECT_FALSE(SameBits(later_full, later_cut));
}

// An as_of in the future (the API allows up to a day ahead) reads only the
// hours that have ended by now: not the hour in progress, and the post's
// age is the span its counters cover.
TEST(PointInTimeTest, AFutureAsOfReadsOnlyHoursEndedByNow) {
  using storage::testing::MakeEvent;
  absl::Time now = absl::Now();
  // Close to the end of an hour, wait for the next: the extractor's own
  // clock must fall in the same hour as this test's.
  const absl::Duration into_hour =
      (now - absl::UnixEpoch()) -
      absl::Floor(now - absl::UnixEpoch(), absl::Hours(1));
  if (into_hour > absl::Minutes(59)) {
    absl::SleepFor(absl::Hours(1) - into_hour + absl::Seconds(1));
    now = absl::Now();
  }
  const absl::Time hour =
      absl::Floor(now - absl::UnixEpoch(), absl::Hours(1)) + absl::UnixEpoch();
  storage::testing::ScopedTempDir dir;
  auto store = Open(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store
                  ->PutPosts({storage::testing::MakePost(
                      "p1", "alice", hour - absl::Hours(3))})
                  .ok());
  ASSERT_TRUE(
      store
          ->RecordEvents(
              {MakeEvent("e1", "p1", v1::EVENT_TYPE_IMPRESSION,
                         hour - absl::Minutes(90), 5),
               MakeEvent("e2", "p1", v1::EVENT_TYPE_IMPRESSION, hour, 700)},
              now)
          .ok());
  std::vector<std::string> ids;
  const auto at_now = Rows(*store, {"p1"}, now, &ids);
  const auto ahead = Rows(*store, {"p1"}, now + absl::Hours(2), &ids);
  ASSERT_EQ(ids, std::vector<std::string>{"p1"});
  EXPECT_EQ(ahead[kEarlyPostAgeHours], 3.0f);
  EXPECT_EQ(ahead[kEarlyImprRecommendedLog],
            static_cast<float>(std::log1p(5.0)));
  EXPECT_TRUE(SameBits(at_now, ahead));
}

}  // namespace
}  // namespace reachrank::ranking
