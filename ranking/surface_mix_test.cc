// The surface mix and expected stranger impressions, with exact figures.
#include "ranking/surface_mix.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "ranking/feature_names.h"

namespace reachrank::ranking {
namespace {

// 8 posts in the window: 6,000 stranger impressions (4,000 recommended,
// 2,000 search) and 800 known (600 following, 200 friends). With the
// smoothing priors the usual post has m = (6000 + 400) / 10 = 640
// strangers and (800 + 100) / 10 = 90 known impressions.
AuthorContext Author() {
  AuthorContext a;
  a.features[0] = std::log1p(500.0f);  // kAcctFollowersLog: 500 followers
  a.posts = 8;
  a.stranger_impressions = 6000;
  a.known_impressions = 800;
  a.impressions_by_surface[v1::SURFACE_RECOMMENDED] = 4000;
  a.impressions_by_surface[v1::SURFACE_SEARCH] = 2000;
  a.impressions_by_surface[v1::SURFACE_FOLLOWING] = 600;
  a.impressions_by_surface[v1::SURFACE_FRIENDS] = 200;
  return a;
}

double Sum(const SurfaceMix& mix) {
  double sum = 0;
  for (const auto& [surface, share] : mix.shares) sum += share;
  return sum;
}

TEST(SurfaceMixTest, DraftFromTheHistoryAlone) {
  const SurfaceMix mix = ComputeSurfaceMix(Author(), 0.5, LabelConfig{});
  // 0.5 * max(2000, 640) + 0.5 * min(640, 1000).
  EXPECT_DOUBLE_EQ(mix.expected_stranger_impressions, 1320);
  const double total = 90 + 1320;
  EXPECT_NEAR(mix.shares.at("SURFACE_FOLLOWING"), 90 * 604.0 / 805 / total,
              1e-12);
  EXPECT_NEAR(mix.shares.at("SURFACE_RECOMMENDED"),
              1320 * 4001.0 / 6001 / total, 1e-12);
  EXPECT_DOUBLE_EQ(mix.shares.at("SURFACE_PROFILE"), 0);
  EXPECT_NEAR(Sum(mix), 1, 1e-12);
}

// An account without followers expects no Following views: its known
// audience (the prior's 50 a post) is friends.
TEST(SurfaceMixTest, NoFollowersNoFollowingShare) {
  AuthorContext fresh;  // 0 followers, no history
  const SurfaceMix mix = ComputeSurfaceMix(fresh, 0.5, LabelConfig{});
  EXPECT_DOUBLE_EQ(mix.shares.at("SURFACE_FOLLOWING"), 0);
  // 0.5 * max(2000, 200) + 0.5 * min(200, 1000) = 1100 strangers.
  EXPECT_NEAR(mix.shares.at("SURFACE_FRIENDS"), 50.0 / 1150, 1e-12);
  EXPECT_NEAR(Sum(mix), 1, 1e-12);
  fresh.features[0] = std::log1p(3.0f);  // 3 followers: the 4:1 prior
  EXPECT_NEAR(ComputeSurfaceMix(fresh, 0.5, LabelConfig{})
                  .shares.at("SURFACE_FOLLOWING"),
              50.0 * 4 / 5 / 1150, 1e-12);
}

// A post that already has more than the history expects: the expectation
// is what it has, and its shares are its own.
TEST(SurfaceMixTest, ALivePostNeverExpectsLessThanItHas) {
  ImpressionsSoFar so_far;
  so_far.recommended = 4500;
  so_far.other = 500;
  so_far.stranger = 5000;
  so_far.following = 150;
  so_far.known = 150;
  const SurfaceMix mix =
      ComputeSurfaceMix(Author(), 0.5, LabelConfig{}, so_far);
  EXPECT_DOUBLE_EQ(mix.expected_stranger_impressions, 5000);
  const double total = 5150;
  EXPECT_NEAR(mix.shares.at("SURFACE_RECOMMENDED"), 4500 / total, 1e-12);
  EXPECT_NEAR(mix.shares.at("SURFACE_FOLLOWING"), 150 / total, 1e-12);
  EXPECT_DOUBLE_EQ(mix.shares.at("SURFACE_FRIENDS"), 0);
  // Its "other" impressions split like the history's (prior 1 each):
  // search 2001, profile 1, share link 1 of 2003.
  EXPECT_NEAR(mix.shares.at("SURFACE_SEARCH"), 500 * 2001.0 / 2003 / total,
              1e-12);
  EXPECT_NEAR(Sum(mix), 1, 1e-12);
}

// Below the expectation, the rest comes as the history splits it.
TEST(SurfaceMixTest, ALivePostAddsTheRestAsTheHistorySplitsIt) {
  ImpressionsSoFar so_far;
  so_far.recommended = 20;
  so_far.stranger = 20;
  so_far.following = 30;
  so_far.known = 30;
  const SurfaceMix mix =
      ComputeSurfaceMix(Author(), 0.5, LabelConfig{}, so_far);
  EXPECT_DOUBLE_EQ(mix.expected_stranger_impressions, 1320);
  const double total = 90 + 1320;
  EXPECT_NEAR(mix.shares.at("SURFACE_RECOMMENDED"),
              (20 + 1300 * 4001.0 / 6001) / total, 1e-12);
  EXPECT_NEAR(mix.shares.at("SURFACE_FOLLOWING"),
              (30 + 60 * 604.0 / 805) / total, 1e-12);
  EXPECT_NEAR(Sum(mix), 1, 1e-12);
}

TEST(SurfaceMixTest, CountsFromALiveRow) {
  std::vector<float> row(kNumLiveFeatures, 0.0f);
  row[kEarlyImprRecommendedLog] = std::log1p(4500.0f);
  row[kEarlyImprStrangerLog] = std::log1p(5000.0f);
  row[kEarlyImprFollowingLog] = std::log1p(150.0f);
  const ImpressionsSoFar so_far = ImpressionsFromLiveRow(row.data());
  EXPECT_NEAR(so_far.recommended, 4500, 0.01);
  EXPECT_NEAR(so_far.stranger, 5000, 0.01);
  EXPECT_NEAR(so_far.following, 150, 0.001);
  EXPECT_DOUBLE_EQ(so_far.friends, 0);
  EXPECT_DOUBLE_EQ(so_far.known, 0);
}

}  // namespace
}  // namespace reachrank::ranking
