// Feature values on a hand-built store, with exact expected numbers.
#include "ranking/features.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ranking/feature_context.h"
#include "storage/test_util.h"

namespace reachrank::ranking {
namespace {

using storage::testing::Classified;
using storage::testing::MakeEvent;
using storage::testing::MakePost;
using storage::testing::T0;
using storage::testing::Ts;

absl::Time H(double hours) { return T0() + absl::Seconds(hours * 3600); }
absl::Time D(int days) { return T0() + absl::Hours(24) * days; }

// An account `a1` on tiktok with four past posts and a post p5 created at
// T0 + 2h; see each test for the figures.
class FeaturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::Store::Open(storage::testing::OptionsFor(dir_.path()));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    v1::Author a;
    a.set_platform("tiktok");
    a.set_author_id("a1");
    a.set_followers(999);
    *a.mutable_joined_at() = Ts(D(-100));
    (*a.mutable_followers_elsewhere())["youtube"] = 99;
    (*a.mutable_followers_elsewhere())["tiktok"] = 5000;  // ignored: same
    ASSERT_TRUE(store_->PutAuthors({a}).ok());
    std::vector<storage::PostRecord> posts = {
        Classified(MakePost("p1", "a1", D(-10)), "travel"),
        Classified(MakePost("p2", "a1", D(-7)), "travel"),
        Classified(MakePost("p3", "a1", D(-4)), "sports"),
        Classified(MakePost("p4", "a1", D(-1)), "travel"),
        Classified(MakePost("p5", "a1", H(2), "How to: pack 5 kg in 2 steps"),
                   "travel")};
    ASSERT_TRUE(store_->PutPosts(posts).ok());
    using v1::EVENT_TYPE_IMPRESSION, v1::EVENT_TYPE_LIKE, v1::EVENT_TYPE_VIEW,
        v1::EVENT_TYPE_COMPLETE, v1::EVENT_TYPE_FOLLOW;
    const auto fol = v1::SURFACE_FOLLOWING;
    const auto follower = v1::RELATION_FOLLOWER;
    Record({MakeEvent("e1", "p1", EVENT_TYPE_IMPRESSION, D(-9), 300),
            MakeEvent("e2", "p1", EVENT_TYPE_IMPRESSION, D(-9), 100, fol,
                      follower),
            MakeEvent("e3", "p1", EVENT_TYPE_FOLLOW, D(-9), 2),
            MakeEvent("e4", "p2", EVENT_TYPE_IMPRESSION, D(-2), 600),
            MakeEvent("e5", "p2", EVENT_TYPE_LIKE, D(-2), 30),
            // p5's first hours: 2:30 counts as of 3:00, 3:30 does not.
            MakeEvent("e6", "p5", EVENT_TYPE_IMPRESSION, H(2.5), 50),
            MakeEvent("e7", "p5", EVENT_TYPE_VIEW, H(2.5), 40),
            MakeEvent("e8", "p5", EVENT_TYPE_COMPLETE, H(2.5), 10),
            MakeEvent("e9", "p5", EVENT_TYPE_LIKE, H(2.5), 4),
            MakeEvent("e10", "p5", EVENT_TYPE_IMPRESSION, H(2.5), 20, fol,
                      follower),
            MakeEvent("e11", "p5", EVENT_TYPE_VIEW, H(2.5), 20, fol, follower),
            MakeEvent("e12", "p5", EVENT_TYPE_COMPLETE, H(2.5), 15, fol,
                      follower),
            MakeEvent("e13", "p5", EVENT_TYPE_LIKE, H(2.5), 6, fol, follower),
            MakeEvent("e14", "p5", EVENT_TYPE_IMPRESSION, H(3.5), 1000)});
  }

  void Record(const std::vector<v1::EngagementEvent>& events) {
    auto result = store_->RecordEvents(events, T0());
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->accepted, events.size());
  }

  std::vector<float> Row(absl::Time as_of, bool latest = false) {
    auto record = store_->GetPost("p5");
    EXPECT_TRUE(record.ok());
    PostInput post = PostInputFromRecord(*record);
    FeatureExtractor extractor(*store_, {});
    FeatureRequest request{&post, as_of, latest};
    auto batch = extractor.Extract({request});
    EXPECT_TRUE(batch.ok()) << batch.status();
    return batch.ok() ? batch->rows : std::vector<float>();
  }

  storage::testing::ScopedTempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(FeaturesTest, NamesMatchTheEnumAndDraftIsAPrefix) {
  ASSERT_EQ(LiveFeatureNames().size(), kNumFeatures);
  ASSERT_EQ(DraftFeatureNames().size(), kNumDraftFeatures);
  EXPECT_EQ(LiveFeatureNames()[kAcctNicheFocus], "acct_niche_focus");
  EXPECT_EQ(LiveFeatureNames()[kEarlyPostAgeHours], "early_post_age_hours");
  EXPECT_EQ(LiveFeatureNames()[kEarlyStrangerFollows],
            "early_stranger_follows");
  EXPECT_EQ(DraftFeatureNames().back(), "acct_followers_elsewhere_log");
}

TEST_F(FeaturesTest, ContentFeatures) {
  const std::vector<float> row = Row(H(3));
  ASSERT_EQ(row.size(), kNumFeatures);
  EXPECT_FLOAT_EQ(row[kTopicTravel], 0.9f);
  EXPECT_FLOAT_EQ(row[kTopicSports], 0.0f);
  EXPECT_FLOAT_EQ(row[kCueUtility], 1);     // "how to"
  EXPECT_FLOAT_EQ(row[kCueSteps], 0);       // "2 steps" is no step marker
  EXPECT_FLOAT_EQ(row[kCueQuantities], 1);  // "5 kg"
  EXPECT_FLOAT_EQ(row[kTextLengthLog], std::log1p(28.0f));
  EXPECT_FLOAT_EQ(row[kLangEn], 1);
  EXPECT_FLOAT_EQ(row[kMediaVideo], 1);
  EXPECT_TRUE(std::isnan(row[kDurationLog]));
  EXPECT_FLOAT_EQ(row[kHashtags], 0);
}

TEST_F(FeaturesTest, AccountFeaturesUseCompleteDaysOnly) {
  const std::vector<float> row = Row(H(3));
  EXPECT_FLOAT_EQ(row[kAcctFollowersLog], std::log(1000.0f));
  EXPECT_FLOAT_EQ(row[kAcctAgeDaysLog], std::log1p(100.0f));
  EXPECT_FLOAT_EQ(row[kAcctPosts90dLog], std::log1p(4.0f));  // not p5
  EXPECT_FLOAT_EQ(row[kAcctCadenceRegularity], 1.0f);  // every 3 days
  // travel 3, sports 1: 1 - H(0.75, 0.25) / ln 7.
  const double entropy = -(0.75 * std::log(0.75) + 0.25 * std::log(0.25));
  EXPECT_NEAR(row[kAcctNicheFocus], 1 - entropy / std::log(7.0), 1e-6);
  // (900 stranger impressions + 2 * 200) / (4 posts + 2).
  EXPECT_FLOAT_EQ(row[kAcctStrangerReachLog], std::log1p(1300.0f / 6));
  EXPECT_FLOAT_EQ(row[kAcctStrangerFollowsPer1k], 3000.0f / 1900);
  EXPECT_FLOAT_EQ(row[kAcctStrangerImpressionShare], 0.9f);
  EXPECT_FLOAT_EQ(row[kAcctFollowersElsewhereLog], std::log(100.0f));
}

TEST_F(FeaturesTest, UnknownOrMissingAuthorIsANewAccount) {
  for (const char* author : {"nobody", ""}) {
    PostInput draft;
    draft.id = "d1";
    draft.platform = "tiktok";
    draft.author_id = author;
    draft.created_at = H(3);
    FeatureExtractor extractor(*store_, {});
    auto batch = extractor.Extract({FeatureRequest{&draft, H(3), false}});
    ASSERT_TRUE(batch.ok()) << batch.status();
    const float* row = batch->row(0);
    EXPECT_FALSE(batch->authors[0]->known) << author;
    EXPECT_FLOAT_EQ(row[kAcctFollowersLog], 0) << author;
    EXPECT_FLOAT_EQ(row[kAcctAgeDaysLog], 0) << author;
    EXPECT_FLOAT_EQ(row[kAcctFollowersElsewhereLog], 0) << author;
    EXPECT_FLOAT_EQ(row[kAcctPosts90dLog], 0) << author;
    // The reach prior alone: (0 + 2 * 200) / (0 + 2).
    EXPECT_FLOAT_EQ(row[kAcctStrangerReachLog], std::log1p(200.0f)) << author;
    EXPECT_FLOAT_EQ(row[kAcctStrangerFollowsPer1k], 1.0f) << author;
    EXPECT_TRUE(std::isnan(row[kAcctCadenceRegularity])) << author;
    EXPECT_TRUE(std::isnan(row[kAcctNicheFocus])) << author;
    EXPECT_TRUE(std::isnan(row[kAcctStrangerImpressionShare])) << author;
  }
}

TEST_F(FeaturesTest, TopicMarketAndSaturation) {
  const std::vector<float> row = Row(H(3));
  // travel: p2 (day -7) and p4 (day -1) in the last 7 days; sports: p3.
  EXPECT_FLOAT_EQ(row[kTopicSupply7dLog], std::log1p(2.0f));
  // 2 new posts + 1 over the posts its engagement earns, all 30 of 30 of
  // the platform's 3 posts, + 1.
  EXPECT_NEAR(row[kTopicSaturationLog2], std::log2(3.0 / 4), 1e-5);
  EXPECT_FLOAT_EQ(row[kTopicStrangerEngagementRate], 30.0f / 600);
  EXPECT_DOUBLE_EQ(Saturation(1, 3, 0, 30, 7), 2.0);
  // Half the engagement, no new post: undersupplied.
  EXPECT_DOUBLE_EQ(Saturation(0, 100, 5000, 10000, 7), 1.0 / 51);
  // No new post and 1 engagement of 100,000: no evidence either way (was
  // 1/(10+7) over 2/(100000+7), ~2,900x crowded).
  EXPECT_NEAR(Saturation(0, 10, 1, 100000, 7), 1.0, 1e-3);
  // No engagement on the platform: demand spread evenly over the topics.
  EXPECT_DOUBLE_EQ(Saturation(4, 14, 0, 0, 7), 5.0 / 3);
}

TEST_F(FeaturesTest, EarlySignalsAsOfAnHour) {
  const std::vector<float> row = Row(H(3));
  EXPECT_FLOAT_EQ(row[kEarlyPostAgeHours], 1.0f);
  EXPECT_FLOAT_EQ(row[kEarlyImprStrangerLog], std::log1p(50.0f));
  EXPECT_FLOAT_EQ(row[kEarlyImprFollowerLog], std::log1p(20.0f));
  EXPECT_FLOAT_EQ(row[kEarlyImprRecommendedLog], std::log1p(50.0f));
  EXPECT_FLOAT_EQ(row[kEarlyImprFollowingLog], std::log1p(20.0f));
  EXPECT_FLOAT_EQ(row[kEarlyStrangerCompletionRate], 0.25f);
  EXPECT_FLOAT_EQ(row[kEarlyFollowerCompletionRate], 0.75f);
  EXPECT_FLOAT_EQ(row[kEarlyStrangerLikeRate], 0.1f);
  EXPECT_FLOAT_EQ(row[kEarlyFollowerLikeRate], 0.3f);
  EXPECT_FLOAT_EQ(row[kEarlyStrangerFollows], 0.0f);
  // With the latest counters, the 3:30 impressions count too.
  const std::vector<float> now = Row(H(4), /*latest=*/true);
  EXPECT_FLOAT_EQ(now[kEarlyImprStrangerLog], std::log1p(1050.0f));
  EXPECT_FLOAT_EQ(now[kEarlyPostAgeHours], 2.0f);
}

// The age is the span the counters cover: as of 3:45 they end at 3:00 (the
// hour in progress may hold later events), so the post is 1 hour old in
// its row, and the 3:30 impressions are not in it.
TEST_F(FeaturesTest, EarlySignalsWithinAnHourDescribeTheLastFullHour) {
  const std::vector<float> row = Row(H(3.75));
  EXPECT_FLOAT_EQ(row[kEarlyPostAgeHours], 1.0f);
  EXPECT_FLOAT_EQ(row[kEarlyImprStrangerLog], std::log1p(50.0f));
  // Within the creation hour nothing is covered yet.
  const std::vector<float> first = Row(H(2.5));
  EXPECT_FLOAT_EQ(first[kEarlyPostAgeHours], 0.0f);
  EXPECT_FLOAT_EQ(first[kEarlyImprStrangerLog], 0.0f);
  // The latest counters cover everything up to the moment scored.
  const std::vector<float> latest = Row(H(3.75), /*latest=*/true);
  EXPECT_FLOAT_EQ(latest[kEarlyPostAgeHours], 1.75f);
  EXPECT_FLOAT_EQ(latest[kEarlyImprStrangerLog], std::log1p(1050.0f));
}

TEST(NicheFocusTest, EntropyBased) {
  EXPECT_TRUE(std::isnan(NicheFocus({}, 7)));
  EXPECT_FLOAT_EQ(NicheFocus({{"travel", 5}}, 7), 1.0f);
  absl::flat_hash_map<std::string, int> all;
  for (int i = 0; i < 7; ++i) all[std::to_string(i)] = 2;
  EXPECT_NEAR(NicheFocus(all, 7), 0.0f, 1e-6);
  EXPECT_NEAR(NicheFocus({{"a", 1}, {"b", 1}}, 7),
              1 - std::log(2.0) / std::log(7.0), 1e-6);
}

}  // namespace
}  // namespace reachrank::ranking
