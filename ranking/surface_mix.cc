#include "ranking/surface_mix.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "ranking/feature_names.h"

namespace reachrank::ranking {
namespace {

double Surface(const AuthorContext& a, v1::Surface s) {
  return a.impressions_by_surface[static_cast<size_t>(s)];
}

}  // namespace

ImpressionsSoFar ImpressionsFromLiveRow(const float* row) {
  auto count = [row](size_t feature) {
    return std::max(0.0, std::expm1(static_cast<double>(row[feature])));
  };
  ImpressionsSoFar so_far;
  so_far.following = count(kEarlyImprFollowingLog);
  so_far.friends = count(kEarlyImprFriendsLog);
  so_far.recommended = count(kEarlyImprRecommendedLog);
  so_far.other = count(kEarlyImprOtherLog);
  so_far.known = count(kEarlyImprFollowerLog);
  so_far.stranger = count(kEarlyImprStrangerLog);
  return so_far;
}

SurfaceMix ComputeSurfaceMix(const AuthorContext& author, double p_reach,
                             const LabelConfig& label,
                             const ImpressionsSoFar& so_far) {
  const double posts = author.posts + kMixPriorPosts;
  const double m = (author.stranger_impressions +
                    kMixPriorPosts * kMixPriorStranger) / posts;
  const double known_usual = (author.known_impressions +
                              kMixPriorPosts * kMixPriorKnown) / posts;
  const double t = static_cast<double>(label.threshold);
  const double p = std::clamp(p_reach, 0.0, 1.0);
  SurfaceMix mix;
  // A post that reaches strangers gets at least twice the threshold (the
  // mean above the threshold of a Pareto tail with alpha 2) or the
  // author's usual reach; one that does not stays below the threshold.
  // Never less than it already has.
  mix.expected_stranger_impressions =
      std::max(p * std::max(2 * t, m) + (1 - p) * std::min(m, t),
               so_far.stranger);
  const double known = std::max(known_usual, so_far.known);

  // What is still to come: known audiences split like the author's
  // history (prior 4:1), stranger impressions too (prior: Recommended).
  const double known_rest = known - so_far.known;
  const double stranger_rest =
      mix.expected_stranger_impressions - so_far.stranger;
  // An account with no followers has no Following feed to be shown in:
  // no prior there (a history of Following views, if any, still counts).
  const bool no_followers = author.features[0] == 0;  // kAcctFollowersLog
  const double fol =
      Surface(author, v1::SURFACE_FOLLOWING) + (no_followers ? 0 : 4);
  const double fri = Surface(author, v1::SURFACE_FRIENDS) + 1;
  const double rec = Surface(author, v1::SURFACE_RECOMMENDED) + 1;
  const double sea = Surface(author, v1::SURFACE_SEARCH);
  const double pro = Surface(author, v1::SURFACE_PROFILE);
  const double sha = Surface(author, v1::SURFACE_SHARE_LINK);
  const double strangers = rec + sea + pro + sha;
  // The post's own "other" impressions split like the history's (prior
  // 1 each).
  const double other = sea + pro + sha + 3;
  const std::array<std::pair<v1::Surface, double>, 6> expected = {{
      {v1::SURFACE_FOLLOWING,
       so_far.following + known_rest * fol / (fol + fri)},
      {v1::SURFACE_FRIENDS, so_far.friends + known_rest * fri / (fol + fri)},
      {v1::SURFACE_RECOMMENDED,
       so_far.recommended + stranger_rest * rec / strangers},
      {v1::SURFACE_SEARCH, so_far.other * (sea + 1) / other +
                               stranger_rest * sea / strangers},
      {v1::SURFACE_PROFILE, so_far.other * (pro + 1) / other +
                                stranger_rest * pro / strangers},
      {v1::SURFACE_SHARE_LINK, so_far.other * (sha + 1) / other +
                                   stranger_rest * sha / strangers}}};
  double total = 0;
  for (const auto& [surface, n] : expected) total += n;
  for (const auto& [surface, n] : expected) {
    mix.shares[v1::Surface_Name(surface)] = n / total;
  }
  return mix;
}

}  // namespace reachrank::ranking
